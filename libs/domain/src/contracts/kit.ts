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

export const Segment = OneOf(['b2b', 'b2c']);
export const Plan = Obj({ code: Id, monthlyFee: Money, currency: Currency }, { title: 'Plan' });
export const PlanTerms = Obj({ code: Id, monthlyFee: Money }, { title: 'PlanTerms' });
export const Qualification = Obj({ needsService: Type.Boolean(), valuesService: Type.Boolean(), canPay: Type.Boolean() });

export const ReminderTone = OneOf(['friendly', 'firm', 'final']);
export const SuspensionReason = OneOf(['non_payment', 'abuse', 'other']);
export const CostKind = OneOf(['false_alarm', 'service_visit', 'support_time', 'complaint_handling', 'other']);
export const PlanChangeReason = OneOf(['renegotiated', 'upgrade', 'downgrade']);
export const MigrationTarget = OneOf(['plan', 'prepaid', 'partner', 'channel']);
export const Initiator = OneOf(['provider', 'client']);
export const TerminationKind = OneOf(['voluntary', 'involuntary', 'migrated']);

export const CaseKind = OneOf([
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
]);
export const RemedyStep = OneOf(['reassess', 'educate', 'renegotiate', 'migrate']);
export const RemedyOutcome = OneOf(['improved', 'no_change', 'declined']);
export const UsageCause = OneOf([
  'neglect',
  'unaware_of_features',
  'internal_organization',
  'org_change',
  'unmet_expectations',
  'other',
]);
export const ActionOwner = OneOf(['provider', 'client']);
export const RetentionAction = Obj({ owner: ActionOwner, description: Text, dueDate: CalendarDate }, { title: 'RetentionAction' });
export const CaseOutcome = OneOf(['resolved', 'retained', 'migrated', 'terminated', 'withdrawn']);

export type { TSchema };
