/**
 * Command contracts (TypeBox). A command is `{type, data, automatedBy?}`; `data.at` is the resolved
 * business time (the client's `at`, or the clock's now supplied by the caller — never read inside
 * `decide`). The HTTP layer may reuse these schemas (minus the path ids and `at`) for its bodies.
 *
 * Validation is done again inside `decide` (schema + calendar checks → `CommandValidationError`,
 * HTTP 400), so callers may but need not validate first. Fields whose emptiness is a *domain* rule
 * (termination `reasons`, `recommendedProvider`, enrollment `override`) are deliberately loose here
 * so that the rule answers with its 409 code instead of a 400.
 */
import { Type, type Static, type TObject, type TProperties, type TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { CommandValidationError, type FieldError } from '../shared/errors.js';
import {
  AggregateId,
  AnyLine,
  AnyText,
  CalendarDate,
  CaseKind,
  CaseOutcome,
  CostKind,
  Id,
  Initiator,
  Instant,
  Line,
  ListOf,
  MigrationTarget,
  Minutes,
  Money,
  NoticeDays,
  Obj,
  Period,
  Plan,
  PlanChangeReason,
  PlanTerms,
  PositiveMoney,
  Qualification,
  RemedyOutcome,
  RemedyStep,
  ReminderTone,
  RetentionAction,
  Segment,
  SuspensionReason,
  Text,
  UsageCause,
} from './kit.js';

function subscriberCommand<T extends TProperties>(title: string, props: T) {
  return Obj({ subscriberId: AggregateId, ...props, at: Instant }, { title });
}
function caseCommand<T extends TProperties>(title: string, props: T) {
  return Obj({ caseId: AggregateId, ...props, at: Instant }, { title });
}

const subscriberCommandSchemas = {
  EnrollSubscriber: subscriberCommand('EnrollSubscriber', {
    name: Line,
    segment: Segment,
    plan: Plan,
    salesRepId: Id,
    qualification: Qualification,
    noticeDays: Type.Optional(NoticeDays),
    /** Who overrides a failed qualification and why (both must be non-blank or the rule refuses). */
    override: Type.Optional(Obj({ by: AnyLine, justification: AnyText })),
  }),
  IssueInvoice: subscriberCommand('IssueInvoice', { invoiceId: Id, period: Period, amount: PositiveMoney, dueDate: CalendarDate }),
  RecordPayment: subscriberCommand('RecordPayment', { invoiceId: Id, amount: PositiveMoney }),
  RecordMissedPayment: subscriberCommand('RecordMissedPayment', { invoiceId: Id }),
  SendPaymentReminder: subscriberCommand('SendPaymentReminder', { invoiceId: Id, tone: ReminderTone }),
  AgreePaymentArrangement: subscriberCommand('AgreePaymentArrangement', {
    invoiceIds: ListOf(Id, { minItems: 1, uniqueItems: true }),
    payBy: CalendarDate,
  }),
  SuspendService: subscriberCommand('SuspendService', {
    reason: SuspensionReason,
    /** Overrides the dunning policy's `writeOffOnSuspension` for this non-payment suspension. */
    writeOff: Type.Optional(Type.Boolean()),
  }),
  ReinstateService: subscriberCommand('ReinstateService', { reason: Text }),
  WriteOffDebt: subscriberCommand('WriteOffDebt', { invoiceIds: ListOf(Id, { minItems: 1, uniqueItems: true }) }),
  RecordCostToServe: subscriberCommand('RecordCostToServe', {
    kind: CostKind,
    amount: Money,
    minutes: Type.Optional(Minutes),
    note: Type.Optional(AnyText),
  }),
  LogComplaint: subscriberCommand('LogComplaint', { category: Line, description: Text }),
  ChangePlan: subscriberCommand('ChangePlan', { to: PlanTerms, reason: PlanChangeReason }),
  MigrateClient: subscriberCommand('MigrateClient', {
    target: MigrationTarget,
    toPlan: Type.Optional(Plan),
    partner: Type.Optional(Line),
    channel: Type.Optional(Line),
    caseId: Type.Optional(AggregateId),
  }),
  RequestCancellation: subscriberCommand('RequestCancellation', {
    reason: Text,
    requestedEffectiveDate: Type.Optional(CalendarDate),
  }),
  WithdrawCancellation: subscriberCommand('WithdrawCancellation', { caseId: AggregateId }),
  GiveTerminationNotice: subscriberCommand('GiveTerminationNotice', {
    initiatedBy: Initiator,
    reasons: ListOf(AnyText),
    effectiveDate: CalendarDate,
    recommendedProvider: Type.Optional(AnyLine),
    /** Provider notices: the case whose termination was approved, and by whom (`termination-needs-approval`). */
    caseId: Type.Optional(AggregateId),
    approvedBy: Type.Optional(AnyText),
    /** Kind of the approving case: `non_payment` → 15 days' notice; `unethical`/`abusive` → no recommendation needed. Not recorded. */
    caseKind: Type.Optional(CaseKind),
  }),
  /** Ends the relationship: when a notice has come into effect, or after a migration to a partner. Kind and reasons come from the state. */
  TerminateSubscriber: subscriberCommand('TerminateSubscriber', {}),
  ReactivateSubscriber: subscriberCommand('ReactivateSubscriber', { plan: Plan }),
} as const satisfies Record<string, TObject>;

const caseCommandSchemas = {
  OpenCase: caseCommand('OpenCase', { subscriberId: AggregateId, kind: CaseKind, summary: Text, openedBy: Text }),
  DocumentIncident: caseCommand('DocumentIncident', { description: Text, incidentAt: Instant }),
  TakeRemedyStep: caseCommand('TakeRemedyStep', { step: RemedyStep, notes: AnyText, outcome: RemedyOutcome }),
  SkipRemedyStep: caseCommand('SkipRemedyStep', { step: RemedyStep, justification: Text }),
  AnalyzeUsage: caseCommand('AnalyzeUsage', { findings: Text, causes: ListOf(UsageCause, { minItems: 1, uniqueItems: true }) }),
  ProposeRetentionPlan: caseCommand('ProposeRetentionPlan', {
    actions: ListOf(RetentionAction, { minItems: 1 }),
    goodwillGesture: Type.Optional(Text),
  }),
  AgreeRetentionPlan: caseCommand('AgreeRetentionPlan', { agreedBy: Line }),
  RejectRetentionPlan: caseCommand('RejectRetentionPlan', { reason: Text, effectiveDate: CalendarDate }),
  RecommendTermination: caseCommand('RecommendTermination', {
    reasons: ListOf(AnyText),
    effectiveDate: CalendarDate,
    recommendedProvider: Type.Optional(AnyLine),
    transitionSupport: Type.Boolean(),
  }),
  ApproveTermination: caseCommand('ApproveTermination', { approvedBy: Text }),
  CloseCase: caseCommand('CloseCase', { outcome: CaseOutcome }),
} as const satisfies Record<string, TObject>;

type SubscriberCommandSchemas = typeof subscriberCommandSchemas;
type CaseCommandSchemas = typeof caseCommandSchemas;

export type SubscriberCommandType = keyof SubscriberCommandSchemas;
export type CaseCommandType = keyof CaseCommandSchemas;
export type CommandType = SubscriberCommandType | CaseCommandType;

/**
 * Set by process managers and the scheduler (their name). Such a command is idempotent: when what
 * it asks for is already done or no longer applies it decides nothing (`[]`) instead of refusing,
 * and a business time earlier than the stream's last event is raised to it.
 */
export interface CommandOrigin {
  automatedBy?: string;
}

export type SubscriberCommand = {
  [K in SubscriberCommandType]: { type: K; data: Static<SubscriberCommandSchemas[K]> } & CommandOrigin;
}[SubscriberCommandType];
export type CaseCommand = {
  [K in CaseCommandType]: { type: K; data: Static<CaseCommandSchemas[K]> } & CommandOrigin;
}[CaseCommandType];
export type DomainCommand = SubscriberCommand | CaseCommand;

export type SubscriberCommandOf<T extends SubscriberCommandType> = Extract<SubscriberCommand, { type: T }>;
export type CaseCommandOf<T extends CaseCommandType> = Extract<CaseCommand, { type: T }>;

const SUBSCRIBER_COMMAND_TYPES = Object.keys(subscriberCommandSchemas) as SubscriberCommandType[];
const CASE_COMMAND_TYPES = Object.keys(caseCommandSchemas) as CaseCommandType[];

/** Every command's data schema, keyed by command type. */
export const commandContracts: Readonly<Record<CommandType, { aggregate: 'subscriber' | 'case'; schema: TObject }>> =
  Object.freeze({
    ...Object.fromEntries(SUBSCRIBER_COMMAND_TYPES.map((t) => [t, { aggregate: 'subscriber' as const, schema: subscriberCommandSchemas[t] }])),
    ...Object.fromEntries(CASE_COMMAND_TYPES.map((t) => [t, { aggregate: 'case' as const, schema: caseCommandSchemas[t] }])),
  } as unknown as Record<CommandType, { aggregate: 'subscriber' | 'case'; schema: TObject }>);

const checkers = new Map<string, TypeCheck<TObject>>();
function checkerFor(type: string, schema: TObject): TypeCheck<TObject> {
  let c = checkers.get(type);
  if (!c) {
    c = TypeCompiler.Compile(schema);
    checkers.set(type, c);
  }
  return c;
}

/** `/plan/monthlyFee` → `plan.monthlyFee`. */
function pointerToField(path: string): string {
  return path
    .split('/')
    .filter((p) => p !== '')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .join('.');
}

/**
 * A field error for one TypeBox error. Dates and instants are marked in the schema (`format`), so
 * a calendar-impossible value (2026-02-30) reads as such; a value that already fails the pattern
 * gets no second message for the format.
 */
export function fieldErrors(errors: Iterable<{ path: string; message: string; schema: TSchema; value: unknown }>, max = 20): FieldError[] {
  const out: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    const field = pointerToField(e.path);
    const format = (e.schema as { format?: string }).format;
    if (format !== undefined && typeof e.value === 'string') {
      if (seen.has(field)) continue;
      out.push({ field, message: format === 'date' ? 'is not a calendar date (YYYY-MM-DD)' : 'is not an ISO-8601 instant' });
    } else out.push({ field, message: e.message });
    seen.add(field);
    if (out.length >= max) break;
  }
  return out;
}

/** Cross-field requirements of some commands. */
function crossFieldErrors(command: { type: string; data: Record<string, unknown> }): FieldError[] {
  if (command.type === 'MigrateClient') {
    const d = command.data;
    if (d['target'] === 'plan' && d['toPlan'] === undefined) return [{ field: 'toPlan', message: 'is required when target is plan' }];
    if (d['target'] === 'partner' && d['partner'] === undefined) return [{ field: 'partner', message: 'is required when target is partner' }];
    if (d['target'] === 'channel' && d['channel'] === undefined) return [{ field: 'channel', message: 'is required when target is channel' }];
  }
  return [];
}

/**
 * Validates a command's data against its contract: `[]` when valid, else the field errors. An
 * unknown command type is one error on `type`.
 */
export function validateCommand(command: { type: string; data: unknown }): FieldError[] {
  const contract = (commandContracts as Record<string, { schema: TObject } | undefined>)[command.type];
  if (!contract) return [{ field: 'type', message: `unknown command type ${String(command.type)}` }];
  const checker = checkerFor(command.type, contract.schema);
  if (!checker.Check(command.data)) return fieldErrors(checker.Errors(command.data));
  return crossFieldErrors(command as { type: string; data: Record<string, unknown> });
}

/** Throws {@link CommandValidationError} when the command does not match its contract. */
export function assertValidCommand(command: { type: string; data: unknown }): void {
  const errors = validateCommand(command);
  if (errors.length > 0) throw new CommandValidationError(command.type, errors);
}
