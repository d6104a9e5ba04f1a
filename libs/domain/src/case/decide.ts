/**
 * The case decider (domain.md §5). Order of checks: contract (400) → `OpenCase` rules, or existence
 * (`unknown-case`, 404) → `case-closed` → `time-goes-backwards` → the command's own rules.
 */
import type { CaseCommand, CaseCommandOf } from '../contracts/commands.js';
import { assertValidCommand } from '../contracts/commands.js';
import type { CaseEvent, CaseEventOf, CaseKind, CaseOutcome } from '../contracts/events.js';
import { businessTime, compact, isBlank, type Decider } from '../shared/decider.js';
import { doneOrRefuse, refuse } from '../shared/errors.js';
import { normalizeInstant } from '../shared/time.js';
import { earliestEffectiveDate, type SubscriberFacts } from '../subscriber/queries.js';
import {
  evolveCase,
  initialCaseState,
  KINDS_EXCUSED_FROM_RECOMMENDATION,
  KINDS_EXCUSED_FROM_REMEDY,
  missingRemedySteps,
  type CaseState,
  type OpenCase,
} from './state.js';

/** Inputs `decide` needs that are not in the case stream; the application supplies them. */
export interface CaseContext {
  /** The case's subscriber as it is now (status, segment, contractual notice days). */
  subscriber: SubscriberFacts;
  /** Role(s) of the caller: `executive` (or `admin`, who may do everything) approves terminations. */
  role?: string | readonly string[];
  /** For OpenCase: kinds of the cases already open for this subscriber (`case-already-open`). */
  openCaseKinds?: readonly CaseKind[];
}

/** Roles allowed to approve a termination. */
export const APPROVER_ROLES: readonly string[] = ['executive', 'admin'];

interface Ctx {
  readonly state: OpenCase;
  readonly at: string;
  readonly auto: boolean;
  readonly context: CaseContext;
  readonly caseId: string;
  readonly subscriberId: string;
}

function event<T extends CaseEvent['type']>(type: T, data: CaseEventOf<T>['data']): CaseEventOf<T> {
  return { type, data } as CaseEventOf<T>;
}

type Data<T extends CaseCommand['type']> = CaseCommandOf<T>['data'];

export function decideCase(command: CaseCommand, state: CaseState, context: CaseContext): CaseEvent[] {
  assertValidCommand(command);
  const auto = command.automatedBy !== undefined;

  if (command.type === 'OpenCase') return openCase(command.data, state, context, auto);

  if (!state.exists || state.caseId !== command.data.caseId) {
    refuse('unknown-case', `case ${command.data.caseId} does not exist`, { caseId: command.data.caseId });
  }
  if (state.status === 'closed') {
    return doneOrRefuse(auto, 'case-closed', `case ${state.caseId} is closed (${state.closure.outcome})`, { outcome: state.closure.outcome });
  }
  const at = businessTime(normalizeInstant(command.data.at), state.lastOccurredAt, auto);
  const ctx: Ctx = { state, at, auto, context, caseId: state.caseId, subscriberId: state.subscriberId };
  const ids = { caseId: ctx.caseId, subscriberId: ctx.subscriberId, occurredAt: at };

  switch (command.type) {
    case 'DocumentIncident':
      return [event('IncidentDocumented', { ...ids, description: command.data.description, incidentAt: normalizeInstant(command.data.incidentAt) })];
    case 'TakeRemedyStep':
      return [event('RemedyStepTaken', { ...ids, step: command.data.step, notes: command.data.notes, outcome: command.data.outcome })];
    case 'SkipRemedyStep':
      return [event('RemedyStepSkipped', { ...ids, step: command.data.step, justification: command.data.justification })];
    case 'AnalyzeUsage':
      return [event('UsageAnalyzed', { ...ids, findings: command.data.findings, causes: [...command.data.causes] })];
    case 'ProposeRetentionPlan':
      return proposePlan(ctx, command.data);
    case 'AgreeRetentionPlan':
      return agreePlan(ctx, command.data);
    case 'RejectRetentionPlan':
      return rejectPlan(ctx, command.data);
    case 'RecommendTermination':
      return recommend(ctx, command.data);
    case 'ApproveTermination':
      return approve(ctx, command.data);
    case 'CloseCase':
      return close(ctx, command.data);
    default: {
      const unreachable: never = command;
      throw new TypeError(`decideCase: unknown command ${(unreachable as { type: string }).type}`);
    }
  }
}

function openCase(d: Data<'OpenCase'>, state: CaseState, context: CaseContext, auto: boolean): CaseEvent[] {
  if (state.exists) {
    return state.status === 'closed'
      ? doneOrRefuse(auto, 'case-closed', `case ${state.caseId} exists and is closed`)
      : doneOrRefuse(auto, 'case-already-open', `case ${state.caseId} is already open`, { caseId: state.caseId, kind: state.kind });
  }
  if (context.subscriber.status === 'terminated') {
    return doneOrRefuse(auto, 'subscriber-terminated', 'no case is opened on a terminated subscriber');
  }
  if ((context.openCaseKinds ?? []).includes(d.kind)) {
    return doneOrRefuse(auto, 'case-already-open', `the subscriber already has an open ${d.kind} case`, { kind: d.kind });
  }
  return [
    event('CaseOpened', {
      caseId: d.caseId,
      subscriberId: d.subscriberId,
      occurredAt: normalizeInstant(d.at),
      kind: d.kind,
      summary: d.summary,
      openedBy: d.openedBy,
    }),
  ];
}

function ids(ctx: Ctx) {
  return { caseId: ctx.caseId, subscriberId: ctx.subscriberId, occurredAt: ctx.at };
}

function refuseIfPlanSettled(ctx: Ctx): void {
  const s = ctx.state;
  if (s.agreedPlan || s.rejection) {
    refuse('retention-plan-settled', `the retention plan was already ${s.agreedPlan ? 'agreed' : 'rejected'}; open a new case to start over`);
  }
}

function proposePlan(ctx: Ctx, d: Data<'ProposeRetentionPlan'>): CaseEvent[] {
  refuseIfPlanSettled(ctx);
  if (!ctx.state.analysis) refuse('retention-plan-needs-analysis', 'a retention plan is proposed only after the usage was analysed');
  return [
    event(
      'RetentionPlanProposed',
      compact({ ...ids(ctx), actions: d.actions.map((a) => ({ owner: a.owner, description: a.description, dueDate: a.dueDate })), goodwillGesture: d.goodwillGesture }),
    ),
  ];
}

function agreePlan(ctx: Ctx, d: Data<'AgreeRetentionPlan'>): CaseEvent[] {
  if (ctx.auto && ctx.state.agreedPlan) return [];
  refuseIfPlanSettled(ctx);
  const plan = ctx.state.proposedPlan;
  const owners = new Set(plan?.actions.map((a) => a.owner) ?? []);
  if (!plan || !owners.has('provider') || !owners.has('client')) {
    refuse('retention-plan-one-sided', plan ? 'a plan is a mutual commitment: at least one action owned by each side' : 'there is no proposed plan to agree', {
      owners: [...owners],
    });
  }
  return [
    event(
      'RetentionPlanAgreed',
      compact({
        ...ids(ctx),
        actions: plan.actions.map((a) => ({ owner: a.owner, description: a.description, dueDate: a.dueDate })),
        goodwillGesture: plan.goodwillGesture ?? undefined,
        agreedBy: d.agreedBy,
      }),
    ),
  ];
}

function refuseIfSubscriberTerminated(ctx: Ctx): void {
  if (ctx.context.subscriber.status === 'terminated') refuse('subscriber-terminated', 'the subscriber is already terminated');
}

function refuseShortNotice(ctx: Ctx, effectiveDate: string, kind: CaseKind | null): void {
  const earliest = earliestEffectiveDate(ctx.context.subscriber, ctx.at, kind);
  if (effectiveDate < earliest) {
    refuse('notice-too-short', `effective date ${effectiveDate} is earlier than the minimum notice allows (${earliest})`, {
      effectiveDate,
      earliestEffectiveDate: earliest,
    });
  }
}

function rejectPlan(ctx: Ctx, d: Data<'RejectRetentionPlan'>): CaseEvent[] {
  if (ctx.auto && ctx.state.rejection) return [];
  refuseIfPlanSettled(ctx);
  // Without a plan on the table there is nothing to reject; a client who simply wants to leave
  // gives notice on the subscriber (GiveTerminationNotice, initiatedBy client).
  if (!ctx.state.proposedPlan) refuse('retention-plan-not-proposed', 'there is no proposed retention plan to reject');
  refuseIfSubscriberTerminated(ctx);
  // The rejection gives the client's termination notice: check it here so the follow-up cannot fail.
  refuseShortNotice(ctx, d.effectiveDate, null);
  return [event('RetentionPlanRejected', { ...ids(ctx), reason: d.reason, effectiveDate: d.effectiveDate })];
}

function recommend(ctx: Ctx, d: Data<'RecommendTermination'>): CaseEvent[] {
  const s = ctx.state;
  const kind = s.kind;
  if (s.approval) refuse('termination-already-approved', 'the termination was already approved');
  refuseIfSubscriberTerminated(ctx);
  if (!KINDS_EXCUSED_FROM_REMEDY.includes(kind)) {
    const missing = missingRemedySteps(s);
    if (missing.length > 0) {
      refuse('remedy-steps-incomplete', `each remedy step must be taken or skipped with a justification first (missing: ${missing.join(', ')})`, { missing });
    }
  }
  if (!KINDS_EXCUSED_FROM_RECOMMENDATION.includes(kind) && isBlank(d.recommendedProvider)) {
    refuse('recommendation-required', 'a termination recommendation names another provider unless the client was unethical or abusive');
  }
  if (d.reasons.length === 0 || d.reasons.some((r) => isBlank(r))) {
    refuse('reasons-required', 'at least one specific reason (and no blank ones)');
  }
  refuseShortNotice(ctx, d.effectiveDate, kind);
  return [
    event(
      'TerminationRecommended',
      compact({
        ...ids(ctx),
        reasons: [...d.reasons],
        effectiveDate: d.effectiveDate,
        recommendedProvider: isBlank(d.recommendedProvider) ? undefined : d.recommendedProvider,
        transitionSupport: d.transitionSupport,
      }),
    ),
  ];
}

function approve(ctx: Ctx, d: Data<'ApproveTermination'>): CaseEvent[] {
  const s = ctx.state;
  const role = ctx.context.role;
  const roles: readonly string[] = role === undefined ? [] : typeof role === 'string' ? [role] : role;
  if (!roles.some((r) => APPROVER_ROLES.includes(r))) {
    refuse('approval-needs-executive', 'only the executive role approves a termination', { roles });
  }
  if (s.approval) {
    return doneOrRefuse(ctx.auto, 'termination-already-approved', `the termination was already approved by ${s.approval.approvedBy}`);
  }
  if (!s.recommendation) refuse('termination-not-recommended', 'there is no termination recommendation to approve');
  refuseIfSubscriberTerminated(ctx);
  refuseShortNotice(ctx, s.recommendation.effectiveDate, s.kind);
  return [event('TerminationApproved', { ...ids(ctx), approvedBy: d.approvedBy })];
}

/** What each closing outcome requires (where the spec is silent; see docs/operators.md and docs/architecture.md). */
function outcomeProblem(s: OpenCase, outcome: CaseOutcome): string | null {
  if (s.approval && outcome !== 'terminated') return 'an approved termination closes the case as terminated';
  switch (outcome) {
    case 'retained':
      return s.agreedPlan ? null : 'retained needs an agreed retention plan';
    case 'terminated':
      return s.approval || s.rejection ? null : 'terminated needs an approved termination or a rejected retention plan';
    case 'migrated':
      return s.steps.migrate?.taken ? null : 'migrated needs the migrate remedy step taken';
    case 'resolved':
    case 'withdrawn':
      return s.rejection && outcome === 'resolved' ? 'the client rejected the retention plan: close as terminated or withdrawn' : null;
    default: {
      const unreachable: never = outcome;
      return `unknown outcome ${String(unreachable)}`;
    }
  }
}

function close(ctx: Ctx, d: Data<'CloseCase'>): CaseEvent[] {
  const problem = outcomeProblem(ctx.state, d.outcome);
  if (problem) refuse('outcome-not-reached', problem, { outcome: d.outcome });
  return [event('CaseClosed', { ...ids(ctx), outcome: d.outcome })];
}

/** `{initialState, evolve, decide}` for the case aggregate (stream `case-<id>`). */
export const caseDecider: Decider<CaseCommand, CaseEvent, CaseState, CaseContext> = {
  initialState: initialCaseState,
  evolve: evolveCase,
  decide: decideCase,
};
