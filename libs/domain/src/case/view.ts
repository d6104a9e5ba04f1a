/** The case as `GET /v1/cases/{id}` shows it (the application adds `version`). */
import type { CaseKind, CaseOutcome, RemedyStep, RetentionAction, UsageCause } from '../contracts/events.js';
import { REMEDY_STEPS, type ExistingCase, type RemedyStepRecord, type TerminationRecommendation } from './state.js';

export interface CaseView {
  caseId: string;
  subscriberId: string;
  kind: CaseKind;
  status: 'open' | 'closed';
  summary: string;
  openedBy: string;
  openedAt: string;
  incidents: Array<{ description: string; incidentAt: string; documentedAt: string }>;
  /** Latest record per remedy step; null = neither taken nor skipped yet. */
  remedySteps: Record<RemedyStep, RemedyStepRecord | null>;
  analysis: { findings: string; causes: UsageCause[]; at: string } | null;
  proposedPlan: { actions: RetentionAction[]; goodwillGesture: string | null; at: string } | null;
  agreedPlan: { actions: RetentionAction[]; goodwillGesture: string | null; agreedBy: string; at: string } | null;
  rejection: { reason: string; effectiveDate: string; at: string } | null;
  recommendation: TerminationRecommendation | null;
  approval: { approvedBy: string; at: string } | null;
  closure: { outcome: CaseOutcome; at: string } | null;
  lastOccurredAt: string | null;
}

export function caseView(state: ExistingCase): CaseView {
  const steps = Object.fromEntries(REMEDY_STEPS.map((s) => [s, state.steps[s] ? { ...state.steps[s] } : null])) as Record<
    RemedyStep,
    RemedyStepRecord | null
  >;
  return {
    caseId: state.caseId,
    subscriberId: state.subscriberId,
    kind: state.kind,
    status: state.status,
    summary: state.summary,
    openedBy: state.openedBy,
    openedAt: state.openedAt,
    incidents: state.incidents.map((i) => ({ ...i })),
    remedySteps: steps,
    analysis: state.analysis ? { ...state.analysis, causes: [...state.analysis.causes] } : null,
    proposedPlan: state.proposedPlan ? { ...state.proposedPlan, actions: state.proposedPlan.actions.map((a) => ({ ...a })) } : null,
    agreedPlan: state.agreedPlan ? { ...state.agreedPlan, actions: state.agreedPlan.actions.map((a) => ({ ...a })) } : null,
    rejection: state.rejection ? { ...state.rejection } : null,
    recommendation: state.recommendation ? { ...state.recommendation, reasons: [...state.recommendation.reasons] } : null,
    approval: state.approval ? { ...state.approval } : null,
    closure: state.closure ? { ...state.closure } : null,
    lastOccurredAt: state.lastOccurredAt,
  };
}
