/**
 * @libs/domain — the client-lifecycle domain (domain.md §3–§5): subscriber and case deciders,
 * event and command contracts, the dunning policy and scheduler pass, and the process managers.
 * Pure TypeScript: imports nothing from NestJS, the store or the database. See docs/operators.md and docs/architecture.md.
 */

// Errors
export {
  ADDITIONAL_RULE_CODES,
  CommandValidationError,
  DomainError,
  SPEC_RULE_CODES,
  type AdditionalRuleCode,
  type DomainErrorCode,
  type FieldError,
  type SpecRuleCode,
} from './shared/errors.js';

// Time and ids
export {
  addDays,
  daysPastDue,
  isCalendarDate,
  isInstant,
  PERIOD_PATTERN,
  utcDate,
} from './shared/time.js';
export { deterministicId, eventIdsFor } from './shared/ids.js';
export type { Decider } from './shared/decider.js';
export { CASE_STREAM_PREFIX, caseStream, SUBSCRIBER_STREAM_PREFIX, subscriberStream } from './shared/streams.js';

// The contract kit: every bound, closed vocabulary and field type the contracts are built from
export { CONTRACT_TYPES, DOMAIN_VALUES } from './contracts/kit.js';
export { CONTRACT_LIMITS, CURRENCIES } from './contracts/limits.js';

// Event contracts
export {
  CASE_EVENT_TYPES,
  isCaseEventType,
  isSubscriberEventType,
  SUBSCRIBER_EVENT_TYPES,
  type CaseEvent,
  type CaseEventOf,
  type CaseEventType,
  type CaseKind,
  type CaseOutcome,
  type CostKind,
  type DomainEvent,
  type DomainEventType,
  type Initiator,
  type MigrationTarget,
  type Plan,
  type PlanChangeReason,
  type PlanTerms,
  type Qualification,
  type RemedyOutcome,
  type RemedyStep,
  type ReminderTone,
  type RetentionAction,
  type Segment,
  type SubscriberEvent,
  type SubscriberEventOf,
  type SubscriberEventType,
  type SuspensionReason,
  type TerminationKind,
  type UsageCause,
} from './contracts/events.js';
export {
  currentSchemaVersion,
  eventContracts,
  eventJsonSchemas,
  isDomainEventType,
  upcastEvent,
  type EventContract,
  type Upcaster,
  type ValidationResult,
  type VersionedEvent,
} from './contracts/registry.js';

// Command contracts
export {
  commandContracts,
  validateCommand,
  type CaseCommand,
  type CaseCommandOf,
  type CaseCommandType,
  type CommandOrigin,
  type CommandType,
  type DomainCommand,
  type SubscriberCommand,
  type SubscriberCommandOf,
  type SubscriberCommandType,
} from './contracts/commands.js';

// Subscriber aggregate
export { evolveSubscriber, foldSubscriber } from './subscriber/evolve.js';
export {
  initialSubscriberState,
  type InvoiceState,
  type InvoiceStatus,
  type LedgerEntry,
  type PaymentArrangement,
  type EnrolledSubscriber,
  type SubscriberState,
  type SubscriberStatus,
  type UnenrolledSubscriber,
  type Suspension,
  type Termination,
  type TerminationNotice,
} from './subscriber/state.js';
export {
  decideSubscriber,
  subscriberDecider,
  type SubscriberContext,
} from './subscriber/decide.js';
export {
  earliestEffectiveDate,
  missedUnpaid,
  subscriberFacts,
  type SubscriberFacts,
} from './subscriber/queries.js';
export { subscriberView, type InvoiceView, type SubscriberView } from './subscriber/view.js';

// Case aggregate
export {
  evolveCase,
  initialCaseState,
  KINDS_EXCUSED_FROM_REMEDY,
  REMEDY_STEPS,
  type CaseState,
  type ClosedCase,
  type ExistingCase,
  type NoCase,
  type OpenCase,
  type RemedyStepRecord,
  type RetentionPlan,
  type TerminationRecommendation,
} from './case/state.js';
export { caseDecider, type CaseContext } from './case/decide.js';
export { caseView, type CaseView } from './case/view.js';

// Dunning and the scheduler
export { defaultDunningPolicy, makeDunningPolicy, type DunningPolicy } from './dunning/policy.js';
export { nextSchedulerAttention, runSchedulerPass, SCHEDULER, type SchedulerPassResult } from './dunning/scheduler.js';

// Process managers
export {
  lookupsFor,
  PROCESS_MANAGER_EVENT_TYPES,
  reactToEvent,
  SYSTEM_ACTOR,
  type PolicyCommand,
  type ProcessManager,
  type ProcessManagerLookup,
  type ProcessManagerLookups,
  type SourceEvent,
} from './policies/process-managers.js';
