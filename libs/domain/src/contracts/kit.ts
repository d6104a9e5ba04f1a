/**
 * Building blocks of the event and command contracts (TypeBox → JSON Schema). Formats are
 * expressed as `pattern`s so any JSON Schema validator accepts them without format plugins.
 */
import { Type, type TLiteral, type TUnion, type TSchema, type TProperties, type TObject } from '@sinclair/typebox';
import { DATE_PATTERN, INSTANT_PATTERN, PERIOD_PATTERN } from '../shared/time.js';

/** A closed object: unknown keys are refused. */
export function Obj<T extends TProperties>(properties: T, options: { title?: string; description?: string } = {}): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/** A string enum as a union of literals. */
export function OneOf<const T extends readonly [string, ...string[]]>(values: T, description?: string): TUnion<TLiteral<T[number]>[]> {
  const literals = values.map((v) => Type.Literal(v)) as TLiteral<T[number]>[];
  return Type.Union(literals, description ? { description } : {});
}

export const Id = Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', description: 'identifier' });
/** Free text that is not blank. */
export const Text = Type.String({ minLength: 1, maxLength: 10_000, pattern: '\\S' });
/** Free text, may be empty. */
export const AnyText = Type.String({ maxLength: 10_000 });
export const Instant = Type.String({ pattern: INSTANT_PATTERN, description: 'ISO-8601 instant with zone (UTC)' });
export const CalendarDate = Type.String({ pattern: DATE_PATTERN, description: 'calendar date YYYY-MM-DD (UTC day)' });
export const Period = Type.String({ pattern: PERIOD_PATTERN, description: 'calendar month YYYY-MM' });
export const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO-4217 currency code' });
/** Integer minor units (cents), ≥ 0. */
export const Money = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'integer minor units' });
/** Integer minor units (cents), ≥ 1. */
export const PositiveMoney = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'integer minor units, > 0' });
export const Count = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });

/**
 * Every closed vocabulary of domain.md §4–§5, once: the contracts' schemas below are built from
 * these lists, and the HTTP layer validates its bodies and queries against the same lists.
 */
export const DOMAIN_VALUES = {
  segment: ['b2b', 'b2c'],
  reminderTone: ['friendly', 'firm', 'final'],
  suspensionReason: ['non_payment', 'abuse', 'other'],
  costKind: ['false_alarm', 'service_visit', 'support_time', 'complaint_handling', 'other'],
  planChangeReason: ['renegotiated', 'upgrade', 'downgrade'],
  migrationTarget: ['plan', 'prepaid', 'partner', 'channel'],
  initiator: ['provider', 'client'],
  terminationKind: ['voluntary', 'involuntary', 'migrated'],
  caseKind: [
    'unprofitable',
    'non_payment',
    'complaints',
    'time_consuming',
    'unethical',
    'abusive',
    'bad_fit',
    'non_communicative',
    'not_following_instructions',
    'retention',
  ],
  remedyStep: ['reassess', 'educate', 'renegotiate', 'migrate'],
  remedyOutcome: ['improved', 'no_change', 'declined'],
  usageCause: ['neglect', 'unaware_of_features', 'internal_organization', 'org_change', 'unmet_expectations', 'other'],
  actionOwner: ['provider', 'client'],
  caseOutcome: ['resolved', 'retained', 'migrated', 'terminated', 'withdrawn'],
} as const;

export const Segment = OneOf(DOMAIN_VALUES.segment);
export const Plan = Obj({ code: Id, monthlyFee: Money, currency: Currency }, { title: 'Plan' });
export const PlanTerms = Obj({ code: Id, monthlyFee: Money }, { title: 'PlanTerms' });
export const Qualification = Obj({ needsService: Type.Boolean(), valuesService: Type.Boolean(), canPay: Type.Boolean() });

export const ReminderTone = OneOf(DOMAIN_VALUES.reminderTone);
export const SuspensionReason = OneOf(DOMAIN_VALUES.suspensionReason);
export const CostKind = OneOf(DOMAIN_VALUES.costKind);
export const PlanChangeReason = OneOf(DOMAIN_VALUES.planChangeReason);
export const MigrationTarget = OneOf(DOMAIN_VALUES.migrationTarget);
export const Initiator = OneOf(DOMAIN_VALUES.initiator);
export const TerminationKind = OneOf(DOMAIN_VALUES.terminationKind);

export const CaseKind = OneOf(DOMAIN_VALUES.caseKind);
export const RemedyStep = OneOf(DOMAIN_VALUES.remedyStep);
export const RemedyOutcome = OneOf(DOMAIN_VALUES.remedyOutcome);
export const UsageCause = OneOf(DOMAIN_VALUES.usageCause);
export const ActionOwner = OneOf(DOMAIN_VALUES.actionOwner);
export const RetentionAction = Obj({ owner: ActionOwner, description: Text, dueDate: CalendarDate }, { title: 'RetentionAction' });
export const CaseOutcome = OneOf(DOMAIN_VALUES.caseOutcome);

export type { TSchema };
