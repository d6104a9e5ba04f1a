/**
 * The case workflow (domain.md §5) as commands: incidents, the remedy checklist, the retention
 * plan, the termination recommendation (its earliest effective date computed as the notice rule
 * does), the executive's approval and the closure.
 */
import type { CaseView, SubscriberView } from '../api/views.js';
import {
  addDays,
  AT_FIELD,
  atOf,
  command,
  dayOf,
  effectiveNow,
  flag,
  isDate,
  list,
  localToInstant,
  instantToLocal,
  text,
  type CommandContext,
  type CommandSpec,
  type FieldCheck,
  type FormValues,
  type PlanActionRow,
} from './command-kit.js';
import { vocabularyValues } from './vocabulary.js';

export const REMEDY_STEPS = ['reassess', 'educate', 'renegotiate', 'migrate'] as const;
export type RemedyStep = (typeof REMEDY_STEPS)[number];
/** Kinds that may go straight to termination, and those that need not recommend a provider (domain.md §5). */
export const KINDS_EXCUSED_FROM_REMEDY: readonly string[] = ['non_payment', 'unethical', 'abusive'];
export const KINDS_EXCUSED_FROM_RECOMMENDATION: readonly string[] = ['unethical', 'abusive'];


/** Steps neither taken nor skipped yet. */
export function missingSteps(c: CaseView): RemedyStep[] {
  return REMEDY_STEPS.filter((s) => !c.remedySteps[s]);
}

/** Whether "recommend termination" may be sent now, and if not, why (the rule the service would cite). */
export function recommendationAllowed(c: CaseView): { allowed: true } | { allowed: false; reason: 'case-closed' | 'termination-already-approved' | 'remedy-steps-incomplete'; missing: RemedyStep[] } {
  if (c.status === 'closed') return { allowed: false, reason: 'case-closed', missing: [] };
  if (c.approval) return { allowed: false, reason: 'termination-already-approved', missing: [] };
  const missing = KINDS_EXCUSED_FROM_REMEDY.includes(c.kind) ? [] : missingSteps(c);
  return missing.length > 0 ? { allowed: false, reason: 'remedy-steps-incomplete', missing } : { allowed: true };
}

/**
 * Minimum notice (domain.md §4 `notice-too-short`): 15 days on a non-payment case, else the
 * contract's noticeDays, else 60 days for business clients and 15 for consumers.
 */
export function minimumNoticeDays(subscriber: Pick<SubscriberView, 'segment'> & { noticeDays?: number | null }, caseKind: string | null): number {
  if (caseKind === 'non_payment') return 15;
  if (subscriber.noticeDays !== undefined && subscriber.noticeDays !== null) return subscriber.noticeDays;
  return subscriber.segment === 'b2b' ? 60 : 15;
}

export function earliestEffectiveDate(subscriber: Pick<SubscriberView, 'segment'> & { noticeDays?: number | null }, at: string, caseKind: string | null): string {
  return addDays(dayOf(at), minimumNoticeDays(subscriber, caseKind));
}

/** Reasons are typed one per line. */
const reasonsOf = (v: FormValues) => text(v, 'reasons').split('\n').map((r) => r.trim()).filter(Boolean);

export const DOCUMENT_INCIDENT = command({
  id: 'document-incident',
  path: '/v1/cases/{id}/incidents',
  target: 'case',
  role: 'operator',
  fields: [{ name: 'description', kind: 'textarea', required: true }, { name: 'incidentAt', kind: 'instant', required: true }, AT_FIELD],
  initial: (ctx) => ({ description: '', incidentAt: instantToLocal(ctx.now), at: '' }),
  body: (v) => ({ description: text(v, 'description'), incidentAt: localToInstant(text(v, 'incidentAt')) ?? '', ...atOf(v) }),
});

export function takeStep(step: RemedyStep): CommandSpec {
  return command({
    id: 'take-step',
    path: '/v1/cases/{id}/remedy-steps',
    target: 'case',
    role: 'operator',
    fields: [
      { name: 'notes', kind: 'textarea', required: true, help: `help.step.${step}` },
      { name: 'outcome', kind: 'select', required: true, options: vocabularyValues('remedyOutcome'), vocabulary: 'remedyOutcome' },
      AT_FIELD,
    ],
    initial: () => ({ notes: '', outcome: 'no_change', at: '' }),
    body: (v) => ({ step, notes: text(v, 'notes'), outcome: text(v, 'outcome') as 'no_change', ...atOf(v) }),
  });
}

export function skipStep(step: RemedyStep): CommandSpec {
  return command({
    id: 'skip-step',
    path: '/v1/cases/{id}/remedy-steps',
    target: 'case',
    role: 'operator',
    fields: [{ name: 'justification', kind: 'textarea', required: true }, AT_FIELD],
    initial: () => ({ justification: '', at: '' }),
    body: (v) => ({ step, skipped: true as const, justification: text(v, 'justification'), ...atOf(v) }),
  });
}

export const ANALYZE_USAGE = command({
  id: 'analyze-usage',
  path: '/v1/cases/{id}/usage-analysis',
  target: 'case',
  role: 'operator',
  fields: [
    { name: 'findings', kind: 'textarea', required: true },
    { name: 'causes', kind: 'checkboxes', required: true, options: vocabularyValues('usageCause'), vocabulary: 'usageCause' },
    AT_FIELD,
  ],
  initial: () => ({ findings: '', causes: [], at: '' }),
  body: (v) => ({ findings: text(v, 'findings'), causes: list(v, 'causes') as Array<'other'>, ...atOf(v) }),
});

const actionsOf = (v: FormValues): PlanActionRow[] => (Array.isArray(v['actions']) ? (v['actions'] as PlanActionRow[]) : []);

/** A plan is a mutual commitment: at least one action by each side, each described and dated. */
export function planChecks(actions: readonly PlanActionRow[], today: string): FieldCheck[] {
  const problems: FieldCheck[] = [];
  actions.forEach((a, i) => {
    if (a.description.trim() === '') problems.push({ field: `actions.${i}.description`, message: 'check.required' });
    if (!isDate(a.dueDate)) problems.push({ field: `actions.${i}.dueDate`, message: 'check.date' });
    else if (a.dueDate < today) problems.push({ field: `actions.${i}.dueDate`, message: 'check.duePast' });
  });
  for (const owner of ['provider', 'client'] as const) {
    if (!actions.some((a) => a.owner === owner && a.description.trim() !== '')) problems.push({ field: 'actions', message: owner === 'provider' ? 'check.planNeedsProvider' : 'check.planNeedsClient' });
  }
  return problems;
}

export const PROPOSE_PLAN = command({
  id: 'propose-plan',
  path: '/v1/cases/{id}/retention-plan',
  target: 'case',
  role: 'operator',
  fields: [{ name: 'actions', kind: 'actions', required: true }, { name: 'goodwillGesture', kind: 'textarea' }, AT_FIELD],
  initial: (ctx) => {
    const due = addDays(dayOf(ctx.now), 14);
    return {
      actions: [
        { owner: 'provider', description: '', dueDate: due },
        { owner: 'client', description: '', dueDate: due },
      ],
      goodwillGesture: '',
      at: '',
    };
  },
  check: (v, ctx) => planChecks(actionsOf(v), dayOf(effectiveNow(v, ctx))),
  body: (v) => {
    const gesture = text(v, 'goodwillGesture');
    return {
      actions: actionsOf(v).map((a) => ({ owner: a.owner, description: a.description.trim(), dueDate: a.dueDate })),
      ...(gesture ? { goodwillGesture: gesture } : {}),
      ...atOf(v),
    };
  },
});

export const AGREE_PLAN = command({
  id: 'agree-plan',
  path: '/v1/cases/{id}/retention-plan/agreement',
  target: 'case',
  role: 'operator',
  fields: [{ name: 'agreedBy', kind: 'text', required: true, help: 'help.agreedBy' }, AT_FIELD],
  initial: () => ({ agreedBy: '', at: '' }),
  check: (_v, ctx) => {
    const actions = ctx.kase?.proposedPlan?.actions ?? [];
    const bothSides = (['provider', 'client'] as const).every((owner) => actions.some((a) => a.owner === owner));
    return bothSides ? [] : [{ field: 'agreedBy', message: 'check.planOneSided' }];
  },
  body: (v) => ({ agreedBy: text(v, 'agreedBy'), ...atOf(v) }),
});

/** The earliest date and the notice days for the help text of an effective-date field. */
function noticeHelp(v: FormValues, ctx: CommandContext, caseKind: string | null): Record<string, string | number> {
  if (!ctx.subscriber) return {};
  return { earliest: earliestEffectiveDate(ctx.subscriber, effectiveNow(v, ctx), caseKind), days: minimumNoticeDays(ctx.subscriber, caseKind) };
}

function noticeCheck(v: FormValues, ctx: CommandContext, caseKind: string | null): FieldCheck[] {
  const date = text(v, 'effectiveDate');
  if (!ctx.subscriber || !isDate(date)) return [];
  const earliest = earliestEffectiveDate(ctx.subscriber, effectiveNow(v, ctx), caseKind);
  return date < earliest ? [{ field: 'effectiveDate', message: 'check.noticeTooShort', values: { earliest, days: minimumNoticeDays(ctx.subscriber, caseKind) } }] : [];
}

export const REJECT_PLAN = command({
  id: 'reject-plan',
  path: '/v1/cases/{id}/retention-plan/rejection',
  target: 'case',
  role: 'operator',
  fields: [{ name: 'reason', kind: 'textarea', required: true }, { name: 'effectiveDate', kind: 'date', required: true, help: 'help.rejectionDate' }, AT_FIELD],
  initial: (ctx) => ({ reason: '', effectiveDate: ctx.subscriber ? earliestEffectiveDate(ctx.subscriber, ctx.now, null) : '', at: '' }),
  check: (v, ctx) => noticeCheck(v, ctx, null),
  helpValues: (v, ctx) => noticeHelp(v, ctx, null),
  body: (v) => ({ reason: text(v, 'reason'), effectiveDate: text(v, 'effectiveDate'), ...atOf(v) }),
});

export const RECOMMEND_TERMINATION = command({
  id: 'recommend-termination',
  path: '/v1/cases/{id}/termination-recommendation',
  target: 'case',
  role: 'operator',
  fields: [
    { name: 'reasons', kind: 'textarea', required: true, help: 'help.reasons' },
    { name: 'effectiveDate', kind: 'date', required: true, help: 'help.effectiveDate' },
    { name: 'recommendedProvider', kind: 'text', help: 'help.recommendedProvider' },
    { name: 'transitionSupport', kind: 'checkbox', help: 'help.transitionSupport' },
    AT_FIELD,
  ],
  initial: (ctx) => ({
    reasons: '',
    effectiveDate: ctx.subscriber ? earliestEffectiveDate(ctx.subscriber, ctx.now, ctx.kase?.kind ?? null) : '',
    recommendedProvider: '',
    transitionSupport: true,
    at: '',
  }),
  check: (v, ctx) => {
    const kind = ctx.kase?.kind ?? null;
    const problems: FieldCheck[] = [];
    if (text(v, 'reasons') !== '' && reasonsOf(v).length === 0) problems.push({ field: 'reasons', message: 'check.required' });
    if (!KINDS_EXCUSED_FROM_RECOMMENDATION.includes(kind ?? '') && text(v, 'recommendedProvider') === '') problems.push({ field: 'recommendedProvider', message: 'check.providerRequired' });
    if (ctx.kase) {
      const allowed = recommendationAllowed(ctx.kase);
      if (!allowed.allowed) problems.push({ field: 'reasons', message: 'check.stepsMissing', values: { steps: allowed.missing.join(', ') } });
    }
    return [...problems, ...noticeCheck(v, ctx, kind)];
  },
  helpValues: (v, ctx) => noticeHelp(v, ctx, ctx.kase?.kind ?? null),
  body: (v) => {
    const provider = text(v, 'recommendedProvider');
    return { reasons: reasonsOf(v), effectiveDate: text(v, 'effectiveDate'), ...(provider ? { recommendedProvider: provider } : {}), transitionSupport: flag(v, 'transitionSupport'), ...atOf(v) };
  },
});

export const APPROVE_TERMINATION = command({
  id: 'approve-termination',
  path: '/v1/cases/{id}/termination-approval',
  target: 'case',
  role: 'executive',
  fields: [],
  initial: () => ({}),
  body: () => ({}),
});

export const CLOSE_CASE = command({
  id: 'close-case',
  path: '/v1/cases/{id}/closure',
  target: 'case',
  role: 'operator',
  fields: [{ name: 'outcome', kind: 'select', required: true, options: vocabularyValues('caseOutcome'), vocabulary: 'caseOutcome' }, AT_FIELD],
  initial: (ctx) => ({ outcome: suggestedOutcome(ctx.kase), at: '' }),
  check: (v, ctx) => {
    const problem = ctx.kase ? outcomeProblem(ctx.kase, text(v, 'outcome')) : null;
    return problem ? [{ field: 'outcome', message: problem }] : [];
  },
  body: (v) => ({ outcome: text(v, 'outcome') as 'resolved', ...atOf(v) }),
});

/** What each outcome needs, as the decider checks it (`outcome-not-reached`). */
export function outcomeProblem(c: CaseView, outcome: string): FieldCheck['message'] | null {
  if (c.approval && outcome !== 'terminated') return 'check.outcome.approved';
  if (outcome === 'retained' && !c.agreedPlan) return 'check.outcome.retained';
  if (outcome === 'terminated' && !c.approval && !c.rejection) return 'check.outcome.terminated';
  if (outcome === 'migrated' && !c.remedySteps['migrate']?.taken) return 'check.outcome.migrated';
  if (outcome === 'resolved' && c.rejection) return 'check.outcome.rejected';
  return null;
}

export function suggestedOutcome(c: CaseView | undefined): string {
  if (!c) return 'resolved';
  if (c.approval || c.rejection) return 'terminated';
  if (c.agreedPlan) return 'retained';
  return 'resolved';
}

export const CASE_COMMANDS: readonly CommandSpec[] = [
  DOCUMENT_INCIDENT,
  ...REMEDY_STEPS.flatMap((s) => [takeStep(s), skipStep(s)]),
  ANALYZE_USAGE,
  PROPOSE_PLAN,
  AGREE_PLAN,
  REJECT_PLAN,
  RECOMMEND_TERMINATION,
  APPROVE_TERMINATION,
  CLOSE_CASE,
];
