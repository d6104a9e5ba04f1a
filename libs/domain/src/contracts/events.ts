/**
 * Event contracts, defined once: the TypeBox schemas below are what the code validates with, what
 * `/v1/events/schemas` publishes, and (through `Static<>`) the TypeScript types of the events.
 *
 * Every event's data carries `subscriberId` (and `caseId` for case events) and `occurredAt` (the
 * business time, ISO-8601 UTC) plus exactly the fields of domain.md §4/§5. Money is integer minor
 * units in the subscriber's currency (`plan.currency`).
 */
import { Type, type Static, type TObject, type TProperties } from '@sinclair/typebox';
import {
  AggregateId,
  AnyText,
  CalendarDate,
  CaseKind,
  CaseOutcome,
  CostKind,
  Id,
  Initiator,
  Instant,
  Line,
  MigrationTarget,
  Minutes,
  Money,
  MoneyTotal,
  NoticeDays,
  Obj,
  Period,
  Plan,
  PlanChangeReason,
  PlanTerms,
  PositiveMoney,
  PositiveMoneyTotal,
  Qualification,
  RemedyOutcome,
  RemedyStep,
  ReminderTone,
  RetentionAction,
  Segment,
  SuspensionReason,
  TerminationKind,
  Text,
  UsageCause,
} from './kit.js';

function subscriberEvent<T extends TProperties>(title: string, props: T) {
  return Obj({ subscriberId: AggregateId, occurredAt: Instant, ...props }, { title });
}
function caseEvent<T extends TProperties>(title: string, props: T) {
  return Obj({ caseId: AggregateId, subscriberId: AggregateId, occurredAt: Instant, ...props }, { title });
}

const Reasons = Type.Array(Text, { minItems: 1 });

// ---------------------------------------------------------------------------------------------
// Subscriber (stream `subscriber-<subscriberId>`)
// ---------------------------------------------------------------------------------------------

const SubscriberEnrolledData = subscriberEvent('SubscriberEnrolled', {
  name: Line,
  segment: Segment,
  plan: Plan,
  salesRepId: Id,
  qualification: Qualification,
  /** Contractual notice in days; absent = the segment's default (b2b 60, b2c 15). */
  noticeDays: Type.Optional(NoticeDays),
  override: Type.Optional(Obj({ by: Line, justification: Text })),
});
const InvoiceIssuedData = subscriberEvent('InvoiceIssued', {
  invoiceId: Id,
  period: Period,
  amount: PositiveMoney,
  dueDate: CalendarDate,
});
const PaymentReceivedData = subscriberEvent('PaymentReceived', { invoiceId: Id, amount: PositiveMoney });
/** v1 (before tones): every reminder was friendly. */
export const PaymentReminderSentDataV1 = subscriberEvent('PaymentReminderSent', { invoiceId: Id });
const PaymentReminderSentData = subscriberEvent('PaymentReminderSent', { invoiceId: Id, tone: ReminderTone });
const PaymentMissedData = subscriberEvent('PaymentMissed', {
  invoiceId: Id,
  /** What was still owed on the invoice when it was recorded missed. */
  amount: Money,
  dueDate: CalendarDate,
  /** Consecutive missed invoices including this one. */
  consecutiveMissed: Type.Integer({ minimum: 1 }),
});
const PaymentArrangementAgreedData = subscriberEvent('PaymentArrangementAgreed', {
  invoiceIds: Type.Array(Id, { minItems: 1 }),
  /** Last day (UTC) to pay; the arrangement is in force until the end of that day. */
  payBy: CalendarDate,
});
const ServiceSuspendedData = subscriberEvent('ServiceSuspended', {
  reason: SuspensionReason,
  /** Total still owed (all open and missed invoices) at suspension. */
  outstanding: MoneyTotal,
});
const DebtWrittenOffData = subscriberEvent('DebtWrittenOff', {
  invoiceIds: Type.Array(Id, { minItems: 1 }),
  /** Sum of what was still owed on those invoices. */
  amount: PositiveMoneyTotal,
});
const ServiceReinstatedData = subscriberEvent('ServiceReinstated', { reason: Text });
const CostToServeRecordedData = subscriberEvent('CostToServeRecorded', {
  kind: CostKind,
  amount: Money,
  minutes: Type.Optional(Minutes),
  note: Type.Optional(AnyText),
});
const ComplaintLoggedData = subscriberEvent('ComplaintLogged', { category: Line, description: Text });
const PlanChangedData = subscriberEvent('PlanChanged', { from: PlanTerms, to: PlanTerms, reason: PlanChangeReason });
const ClientMigratedData = subscriberEvent('ClientMigrated', {
  target: MigrationTarget,
  /** The plan the client moves to (required for `plan`; optional for `prepaid`); becomes the current plan. */
  toPlan: Type.Optional(Plan),
  partner: Type.Optional(Line),
  channel: Type.Optional(Line),
  caseId: Type.Optional(AggregateId),
});
const CancellationRequestedData = subscriberEvent('CancellationRequested', {
  reason: Text,
  requestedEffectiveDate: Type.Optional(CalendarDate),
});
const CancellationWithdrawnData = subscriberEvent('CancellationWithdrawn', { caseId: AggregateId });
const TerminationNoticeGivenData = subscriberEvent('TerminationNoticeGiven', {
  initiatedBy: Initiator,
  reasons: Reasons,
  /** First day (UTC) the subscriber is no longer served; termination happens at its 00:00Z. */
  effectiveDate: CalendarDate,
  recommendedProvider: Type.Optional(Line),
  caseId: Type.Optional(AggregateId),
  approvedBy: Type.Optional(Text),
});
const SubscriberTerminatedData = subscriberEvent('SubscriberTerminated', {
  kind: TerminationKind,
  reasons: Reasons,
  effectiveDate: CalendarDate,
  /** Still owed on open and missed invoices at termination (stays collectable). */
  finalBalance: MoneyTotal,
  planAtTermination: Plan,
});
const SubscriberReactivatedData = subscriberEvent('SubscriberReactivated', { plan: Plan });

// ---------------------------------------------------------------------------------------------
// Case (stream `case-<caseId>`)
// ---------------------------------------------------------------------------------------------

const CaseOpenedData = caseEvent('CaseOpened', { kind: CaseKind, summary: Text, openedBy: Text });
const IncidentDocumentedData = caseEvent('IncidentDocumented', { description: Text, incidentAt: Instant });
const RemedyStepTakenData = caseEvent('RemedyStepTaken', { step: RemedyStep, notes: AnyText, outcome: RemedyOutcome });
const RemedyStepSkippedData = caseEvent('RemedyStepSkipped', { step: RemedyStep, justification: Text });
const UsageAnalyzedData = caseEvent('UsageAnalyzed', {
  findings: Text,
  causes: Type.Array(UsageCause, { minItems: 1 }),
});
const RetentionPlanProposedData = caseEvent('RetentionPlanProposed', {
  actions: Type.Array(RetentionAction, { minItems: 1 }),
  goodwillGesture: Type.Optional(Text),
});
const RetentionPlanAgreedData = caseEvent('RetentionPlanAgreed', {
  actions: Type.Array(RetentionAction, { minItems: 2 }),
  goodwillGesture: Type.Optional(Text),
  agreedBy: Line,
});
const RetentionPlanRejectedData = caseEvent('RetentionPlanRejected', {
  reason: Text,
  /** The client's termination date. */
  effectiveDate: CalendarDate,
});
const TerminationRecommendedData = caseEvent('TerminationRecommended', {
  reasons: Reasons,
  effectiveDate: CalendarDate,
  recommendedProvider: Type.Optional(Line),
  /** Transition documentation offered to the client. */
  transitionSupport: Type.Boolean(),
});
const TerminationApprovedData = caseEvent('TerminationApproved', { approvedBy: Text });
const CaseClosedData = caseEvent('CaseClosed', { outcome: CaseOutcome });

// ---------------------------------------------------------------------------------------------
// Unions
// ---------------------------------------------------------------------------------------------

/** Current data schema of every subscriber event type. */
export const subscriberEventSchemas = {
  SubscriberEnrolled: SubscriberEnrolledData,
  InvoiceIssued: InvoiceIssuedData,
  PaymentReceived: PaymentReceivedData,
  PaymentReminderSent: PaymentReminderSentData,
  PaymentMissed: PaymentMissedData,
  PaymentArrangementAgreed: PaymentArrangementAgreedData,
  ServiceSuspended: ServiceSuspendedData,
  DebtWrittenOff: DebtWrittenOffData,
  ServiceReinstated: ServiceReinstatedData,
  CostToServeRecorded: CostToServeRecordedData,
  ComplaintLogged: ComplaintLoggedData,
  PlanChanged: PlanChangedData,
  ClientMigrated: ClientMigratedData,
  CancellationRequested: CancellationRequestedData,
  CancellationWithdrawn: CancellationWithdrawnData,
  TerminationNoticeGiven: TerminationNoticeGivenData,
  SubscriberTerminated: SubscriberTerminatedData,
  SubscriberReactivated: SubscriberReactivatedData,
} as const satisfies Record<string, TObject>;

/** Current data schema of every case event type. */
export const caseEventSchemas = {
  CaseOpened: CaseOpenedData,
  IncidentDocumented: IncidentDocumentedData,
  RemedyStepTaken: RemedyStepTakenData,
  RemedyStepSkipped: RemedyStepSkippedData,
  UsageAnalyzed: UsageAnalyzedData,
  RetentionPlanProposed: RetentionPlanProposedData,
  RetentionPlanAgreed: RetentionPlanAgreedData,
  RetentionPlanRejected: RetentionPlanRejectedData,
  TerminationRecommended: TerminationRecommendedData,
  TerminationApproved: TerminationApprovedData,
  CaseClosed: CaseClosedData,
} as const satisfies Record<string, TObject>;

type SubscriberSchemas = typeof subscriberEventSchemas;
type CaseSchemas = typeof caseEventSchemas;

export type SubscriberEventType = keyof SubscriberSchemas;
export type CaseEventType = keyof CaseSchemas;
export type DomainEventType = SubscriberEventType | CaseEventType;

/** `{type, data}` of every subscriber event: a discriminated union on `type`. */
export type SubscriberEvent = { [K in SubscriberEventType]: { type: K; data: Static<SubscriberSchemas[K]> } }[SubscriberEventType];
/** `{type, data}` of every case event: a discriminated union on `type`. */
export type CaseEvent = { [K in CaseEventType]: { type: K; data: Static<CaseSchemas[K]> } }[CaseEventType];
export type DomainEvent = SubscriberEvent | CaseEvent;

export type SubscriberEventOf<T extends SubscriberEventType> = Extract<SubscriberEvent, { type: T }>;
export type CaseEventOf<T extends CaseEventType> = Extract<CaseEvent, { type: T }>;

export const SUBSCRIBER_EVENT_TYPES = Object.keys(subscriberEventSchemas) as SubscriberEventType[];
export const CASE_EVENT_TYPES = Object.keys(caseEventSchemas) as CaseEventType[];

export function isSubscriberEventType(type: string): type is SubscriberEventType {
  return Object.prototype.hasOwnProperty.call(subscriberEventSchemas, type);
}
export function isCaseEventType(type: string): type is CaseEventType {
  return Object.prototype.hasOwnProperty.call(caseEventSchemas, type);
}

// Shared value types, derived from the same schemas.
export type Plan = Static<typeof Plan>;
export type PlanTerms = Static<typeof PlanTerms>;
export type Segment = Static<typeof Segment>;
export type Qualification = Static<typeof Qualification>;
export type ReminderTone = Static<typeof ReminderTone>;
export type SuspensionReason = Static<typeof SuspensionReason>;
export type CostKind = Static<typeof CostKind>;
export type PlanChangeReason = Static<typeof PlanChangeReason>;
export type MigrationTarget = Static<typeof MigrationTarget>;
export type Initiator = Static<typeof Initiator>;
export type TerminationKind = Static<typeof TerminationKind>;
export type CaseKind = Static<typeof CaseKind>;
export type RemedyStep = Static<typeof RemedyStep>;
export type RemedyOutcome = Static<typeof RemedyOutcome>;
export type UsageCause = Static<typeof UsageCause>;
export type RetentionAction = Static<typeof RetentionAction>;
export type CaseOutcome = Static<typeof CaseOutcome>;
