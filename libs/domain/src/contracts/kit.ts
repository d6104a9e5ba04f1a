/**
 * Building blocks of the event and command contracts (TypeBox → JSON Schema), built from the
 * bounds in contracts/limits.ts. Formats are expressed as `pattern`s so any JSON Schema validator
 * accepts them without format plugins; dates and instants also carry `format` (`date`,
 * `date-time`), which is how the schema itself marks them for the calendar check a pattern cannot
 * do (2026-02-30) — registered below with TypeBox, so the compiled check enforces it.
 */
import { FormatRegistry, Type, type TLiteral, type TUnion, type TSchema, type TProperties, type TObject } from '@sinclair/typebox';
import { DATE_PATTERN, INSTANT_PATTERN, isCalendarDate, isInstant } from '../shared/time.js';
import { ANY_LINE_PATTERN, CONTRACT_LIMITS as L, CURRENCIES, LINE_PATTERN, NOT_BLANK_PATTERN } from './limits.js';

if (!FormatRegistry.Has('date')) FormatRegistry.Set('date', isCalendarDate);
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', isInstant);

/** A closed object: unknown keys are refused. */
export function Obj<T extends TProperties>(properties: T, options: { title?: string; description?: string } = {}): TObject<T> {
  return Type.Object(properties, { additionalProperties: false, ...options });
}

/** A string enum as a union of literals. */
function OneOf<const T extends readonly [string, ...string[]]>(values: T, description?: string): TUnion<TLiteral<T[number]>[]> {
  const literals = values.map((v) => Type.Literal(v)) as TLiteral<T[number]>[];
  return Type.Union(literals, description ? { description } : {});
}

/** A list of at most `list.maxItems` items. */
export function ListOf<T extends TSchema>(items: T, options: { minItems?: number; uniqueItems?: boolean } = {}) {
  return Type.Array(items, { ...options, maxItems: L.list.maxItems });
}

/** A subscriber or case id (also its stream name's suffix). */
export const AggregateId = Type.String({ minLength: 1, ...L.aggregateId, description: 'aggregate id' });
/** An identifier inside an aggregate (invoice, sales rep, plan code): one line, not blank. */
export const Id = Type.String({ minLength: 1, maxLength: L.line.maxLength, pattern: LINE_PATTERN, description: 'identifier' });
/** One line of text that is not blank (names, categories). */
export const Line = Type.String({ minLength: 1, maxLength: L.line.maxLength, pattern: LINE_PATTERN });
/** One line, may be empty. */
export const AnyLine = Type.String({ maxLength: L.line.maxLength, pattern: ANY_LINE_PATTERN });
/** Free text that is not blank. */
export const Text = Type.String({ minLength: 1, maxLength: L.text.maxLength, pattern: NOT_BLANK_PATTERN });
/** Free text, may be empty. */
export const AnyText = Type.String({ maxLength: L.text.maxLength });
export const Instant = Type.String({ pattern: INSTANT_PATTERN, format: 'date-time', maxLength: L.instant.maxLength, description: 'ISO-8601 instant with zone (UTC)' });
export const CalendarDate = Type.String({ pattern: DATE_PATTERN, format: 'date', description: 'calendar date YYYY-MM-DD (UTC day)' });
export const Period = Type.String({ pattern: L.month.pattern, description: 'calendar month YYYY-MM' });
/** Checked against the code list; typed `string` so callers need not narrow every code they pass through. */
const Currency = Type.Unsafe<string>(OneOf(CURRENCIES, 'ISO-4217 currency code'));
/** Integer minor units (cents), 0 ≤ amount < 10^12. */
export const Money = Type.Integer({ minimum: 0, maximum: L.money.maximum, description: 'integer minor units' });
/** Integer minor units (cents), 1 ≤ amount < 10^12. */
export const PositiveMoney = Type.Integer({ minimum: 1, maximum: L.money.maximum, description: 'integer minor units, > 0' });
/** A sum of amounts (balances, totals) in integer minor units. */
export const MoneyTotal = Type.Integer({ minimum: 0, maximum: L.moneyTotal.maximum, description: 'integer minor units' });
/** A positive sum of amounts in integer minor units. */
export const PositiveMoneyTotal = Type.Integer({ minimum: 1, maximum: L.moneyTotal.maximum, description: 'integer minor units, > 0' });
export const NoticeDays = Type.Integer({ minimum: 0, maximum: L.noticeDays.maximum });
export const Minutes = Type.Integer({ minimum: 0, maximum: L.minutes.maximum });

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
const ActionOwner = OneOf(DOMAIN_VALUES.actionOwner);
export const RetentionAction = Obj({ owner: ActionOwner, description: Text, dueDate: CalendarDate }, { title: 'RetentionAction' });
export const CaseOutcome = OneOf(DOMAIN_VALUES.caseOutcome);

/**
 * The field types by name, for adapters that describe or check one field at a time (the HTTP
 * layer's validators and their OpenAPI fragments read their bounds, patterns and formats here).
 */
export const CONTRACT_TYPES = {
  aggregateId: AggregateId,
  id: Id,
  line: Line,
  anyLine: AnyLine,
  text: Text,
  anyText: AnyText,
  instant: Instant,
  calendarDate: CalendarDate,
  period: Period,
  currency: Currency,
  money: Money,
  positiveMoney: PositiveMoney,
  noticeDays: NoticeDays,
  minutes: Minutes,
} as const satisfies Record<string, TSchema>;

export type { TSchema };
