/**
 * Case state: one managed intervention on one subscriber (domain.md §5), folded by {@link evolveCase}.
 */
import type {
  CaseEvent,
  CaseEventOf,
  CaseKind,
  CaseOutcome,
  RemedyOutcome,
  RemedyStep,
  RetentionAction,
  UsageCause,
} from '../contracts/events.js';
import { counted } from '../shared/decider.js';

export const REMEDY_STEPS: readonly RemedyStep[] = ['reassess', 'educate', 'renegotiate', 'migrate'];
/** Kinds that may go straight to termination (no remedy steps needed). */
export const KINDS_EXCUSED_FROM_REMEDY: readonly CaseKind[] = ['non_payment', 'unethical', 'abusive'];
/** Kinds whose termination need not recommend another provider. */
export const KINDS_EXCUSED_FROM_RECOMMENDATION: readonly CaseKind[] = ['unethical', 'abusive'];

export interface RemedyStepRecord {
  readonly step: RemedyStep;
  readonly taken: boolean;
  readonly outcome: RemedyOutcome | null;
  readonly notes: string | null;
  readonly justification: string | null;
  readonly at: string;
}

export interface RetentionPlan {
  readonly actions: readonly RetentionAction[];
  readonly goodwillGesture: string | null;
  readonly at: string;
}

export interface TerminationRecommendation {
  readonly reasons: readonly string[];
  readonly effectiveDate: string;
  readonly recommendedProvider: string | null;
  readonly transitionSupport: boolean;
  readonly at: string;
}

/** What every case state has, opened or not: the record of the remedy and the folds' counters. */
interface CaseRecord {
  readonly incidents: ReadonlyArray<{ readonly description: string; readonly incidentAt: string; readonly documentedAt: string }>;
  /** The latest record of each remedy step (taken or skipped). */
  readonly steps: Readonly<Partial<Record<RemedyStep, RemedyStepRecord>>>;
  /** Every step record, in order. */
  readonly stepHistory: readonly RemedyStepRecord[];
  readonly analysis: { readonly findings: string; readonly causes: readonly UsageCause[]; readonly at: string } | null;
  /** The latest proposed retention plan. */
  readonly proposedPlan: RetentionPlan | null;
  readonly agreedPlan: (RetentionPlan & { readonly agreedBy: string }) | null;
  readonly rejection: { readonly reason: string; readonly effectiveDate: string; readonly at: string } | null;
  /** The recommendation in force (a new one replaces it until approval). */
  readonly recommendation: TerminationRecommendation | null;
  readonly approval: { readonly approvedBy: string; readonly at: string } | null;
  readonly lastOccurredAt: string | null;
  /** Events folded so far (stream version + 1). */
  readonly eventCount: number;
}

/** Before CaseOpened: the application answers 404; every command but OpenCase is refused. */
export interface NoCase extends CaseRecord {
  readonly exists: false;
  readonly status: 'none';
  readonly caseId: null;
  readonly subscriberId: null;
  readonly kind: null;
  readonly summary: null;
  readonly openedBy: null;
  readonly openedAt: null;
  readonly closure: null;
}

/** What CaseOpened establishes, and keeps for the rest of the stream. */
interface OpenedCase extends CaseRecord {
  readonly exists: true;
  readonly caseId: string;
  readonly subscriberId: string;
  readonly kind: CaseKind;
  readonly summary: string;
  readonly openedBy: string;
  readonly openedAt: string;
}

/** From CaseOpened until CaseClosed: the commands of the remedy apply. */
export interface OpenCase extends OpenedCase {
  readonly status: 'open';
  readonly closure: null;
}

/** After CaseClosed: every command is refused (`case-closed`), or a no-op when automated. */
export interface ClosedCase extends OpenedCase {
  readonly status: 'closed';
  readonly closure: { readonly outcome: CaseOutcome; readonly at: string };
}

/** A case that was opened (and perhaps closed): what `GET /v1/cases/{id}` and the policies see. */
export type ExistingCase = OpenCase | ClosedCase;

export type CaseState = NoCase | ExistingCase;

export function initialCaseState(): NoCase {
  return {
    exists: false,
    caseId: null,
    subscriberId: null,
    kind: null,
    status: 'none',
    summary: null,
    openedBy: null,
    openedAt: null,
    incidents: [],
    steps: {},
    stepHistory: [],
    analysis: null,
    proposedPlan: null,
    agreedPlan: null,
    rejection: null,
    recommendation: null,
    approval: null,
    closure: null,
    lastOccurredAt: null,
    eventCount: 0,
  };
}

export function missingRemedySteps(state: CaseState): RemedyStep[] {
  return REMEDY_STEPS.filter((s) => state.steps[s] === undefined);
}

/**
 * Folds one event into the state. Total over every case event type. A stream starts with
 * CaseOpened (the decider refuses anything else first), so another event on a case not opened
 * only counts; CaseOpened on an existing case (which the decider refuses) opens it afresh.
 */
export function evolveCase(state: ExistingCase, event: CaseEvent): ExistingCase;
export function evolveCase(state: CaseState, event: CaseEventOf<'CaseOpened'>): OpenCase;
export function evolveCase(state: CaseState, event: CaseEvent): CaseState;
export function evolveCase(state: CaseState, event: CaseEvent): CaseState {
  if (event.type === 'CaseOpened') {
    const d = event.data;
    return {
      ...counted(state, event),
      exists: true,
      caseId: d.caseId,
      subscriberId: d.subscriberId,
      kind: d.kind,
      status: 'open',
      summary: d.summary,
      openedBy: d.openedBy,
      openedAt: d.occurredAt,
      closure: null,
    };
  }
  if (!state.exists) return counted(state, event);
  return evolveExisting(state, event);
}

function evolveExisting(state: ExistingCase, event: Exclude<CaseEvent, { type: 'CaseOpened' }>): ExistingCase {
  const base = counted(state, event);
  switch (event.type) {
    case 'IncidentDocumented': {
      const d = event.data;
      return { ...base, incidents: [...state.incidents, { description: d.description, incidentAt: d.incidentAt, documentedAt: d.occurredAt }] };
    }
    case 'RemedyStepTaken': {
      const d = event.data;
      const rec: RemedyStepRecord = { step: d.step, taken: true, outcome: d.outcome, notes: d.notes, justification: null, at: d.occurredAt };
      return { ...base, steps: { ...state.steps, [d.step]: rec }, stepHistory: [...state.stepHistory, rec] };
    }
    case 'RemedyStepSkipped': {
      const d = event.data;
      const rec: RemedyStepRecord = { step: d.step, taken: false, outcome: null, notes: null, justification: d.justification, at: d.occurredAt };
      return { ...base, steps: { ...state.steps, [d.step]: rec }, stepHistory: [...state.stepHistory, rec] };
    }
    case 'UsageAnalyzed': {
      const d = event.data;
      return { ...base, analysis: { findings: d.findings, causes: [...d.causes], at: d.occurredAt } };
    }
    case 'RetentionPlanProposed': {
      const d = event.data;
      return { ...base, proposedPlan: { actions: d.actions.map((a) => ({ ...a })), goodwillGesture: d.goodwillGesture ?? null, at: d.occurredAt } };
    }
    case 'RetentionPlanAgreed': {
      const d = event.data;
      return {
        ...base,
        agreedPlan: { actions: d.actions.map((a) => ({ ...a })), goodwillGesture: d.goodwillGesture ?? null, agreedBy: d.agreedBy, at: d.occurredAt },
      };
    }
    case 'RetentionPlanRejected': {
      const d = event.data;
      return { ...base, rejection: { reason: d.reason, effectiveDate: d.effectiveDate, at: d.occurredAt } };
    }
    case 'TerminationRecommended': {
      const d = event.data;
      return {
        ...base,
        recommendation: {
          reasons: [...d.reasons],
          effectiveDate: d.effectiveDate,
          recommendedProvider: d.recommendedProvider ?? null,
          transitionSupport: d.transitionSupport,
          at: d.occurredAt,
        },
      };
    }
    case 'TerminationApproved':
      return { ...base, approval: { approvedBy: event.data.approvedBy, at: event.data.occurredAt } };
    case 'CaseClosed':
      return { ...base, status: 'closed', closure: { outcome: event.data.outcome, at: event.data.occurredAt } };
    default: {
      const unreachable: never = event;
      throw new TypeError(`evolveCase: unknown event ${(unreachable as { type: string }).type}`);
    }
  }
}

export function foldCase(events: Iterable<CaseEvent>, from: CaseState = initialCaseState()): CaseState {
  let s = from;
  for (const e of events) s = evolveCase(s, e);
  return s;
}
