/**
 * JSON Schemas (OpenAPI 3.1) of the work-queue answers, merged into the document's components
 * with the other answers (http/openapi/response-schemas.ts); test/openapi validates sampled real
 * answers against them. Open objects: answers may gain fields.
 */
import { DOMAIN_VALUES } from '@libs/domain';
import { count, date, instant, int, money, nextCursor, obj, orNull, ref, str, type JsonSchema } from '../http/openapi/json-schema.js';

const asOf = orNull(str({ format: 'date-time', description: "the read model's latest business time; every date-dependent field is computed from it (null before the first event)" }));
const kind = str({ enum: [...DOMAIN_VALUES.caseKind] });

/** A page of a queue: `{queue, asOf, items, nextCursor?}`. */
const page = (queue: JsonSchema, item: JsonSchema, description: string): JsonSchema =>
  obj({ queue, asOf, items: { type: 'array', items: item }, nextCursor }, ['nextCursor'], { description });

const NEXT_STEPS = [...DOMAIN_VALUES.remedyStep, 'recommend-termination', 'await-approval', 'analyze-usage', 'propose-retention-plan', 'agree-or-reject-plan', 'close-case'] as const;

/** The row of each queue, by the queue's name (and its component name). */
const ITEMS: Record<string, [string, JsonSchema]> = {
  'in-default': [
    'InDefaultItem',
    obj(
      {
        subscriberId: str(),
        name: str(),
        segment: str({ enum: [...DOMAIN_VALUES.segment] }),
        currency: str({ pattern: '^[A-Z]{3}$' }),
        amountOwed: money,
        missedInvoices: count,
        oldestDueDate: date,
        daysPastDue: int({ description: 'whole days from 00:00Z of oldestDueDate to asOf' }),
        arrangement: orNull(obj({ payBy: date }, [], { description: 'an arrangement in force (to the end of payBy) on a missed invoice' })),
      },
      [],
      { description: 'a subscriber with missed invoices still owed' },
    ),
  ],
  'suspensions-due': [
    'SuspensionDueItem',
    obj({ subscriberId: str(), name: str(), dueAt: str({ format: 'date-time', description: "00:00Z of the day the scheduler's pass suspends for non-payment; past when no pass ran since" }) }, [], {
      description: 'an active subscriber (or under notice) in default and when the dunning policy suspends it',
    }),
  ],
  'unprofitable-without-case': [
    'UnprofitableItem',
    obj(
      {
        subscriberId: str(),
        name: str(),
        segment: str({ enum: [...DOMAIN_VALUES.segment] }),
        currency: str(),
        collected: money,
        costToServe: money,
        trailingMargin: int({ description: 'collected − costToServe over the trailing 90 days up to asOf (< 0)' }),
      },
      [],
      { description: 'a customer of the whole trailing 90 days with a negative margin there and no open unprofitable case' },
    ),
  ],
  'open-cases': [
    'OpenCaseItem',
    obj({ caseId: str(), subscriberId: str(), name: str(), kind, openedAt: instant, nextStep: str({ enum: [...NEXT_STEPS] }) }, [], { description: 'an open case and its next due step' }),
  ],
  'pending-cancellations': [
    'PendingCancellationItem',
    obj({ subscriberId: str(), name: str(), requestedAt: instant, reason: str(), caseId: orNull(str({ description: 'the open retention case' })) }, [], { description: 'a cancellation request not withdrawn' }),
  ],
  'notices-ending': [
    'NoticeEndingItem',
    obj({ subscriberId: str(), name: str(), effectiveDate: date, initiatedBy: str({ enum: [...DOMAIN_VALUES.initiator] }) }, [], { description: 'a notice taking effect within 30 days of asOf' }),
  ],
};

export const WORK_QUEUE_SCHEMAS: Record<string, JsonSchema> = {
  ...Object.fromEntries(Object.values(ITEMS)),
  WorkQueueCounts: obj(
    {
      asOf,
      counts: obj({ inDefault: count, suspensionsDue: count, unprofitableWithoutCase: count, openCases: count, pendingCancellations: count, noticesEnding: count }),
    },
    [],
    { description: "how many rows each operator queue holds (the console's navigation)" },
  ),
  WorkQueuePage: page(
    str({ enum: Object.keys(ITEMS) }),
    { anyOf: Object.values(ITEMS).map(([name]) => ref(name)) },
    `one page of an operator queue; each row is the queue's item: ${Object.entries(ITEMS)
      .map(([q, [name]]) => `${q} ${name}`)
      .join(', ')}`,
  ),
  ApprovalsQueue: page(
    str({ const: 'approvals' }),
    obj({ caseId: str(), subscriberId: str(), name: str(), kind, recommendedAt: instant, effectiveDate: date }),
    'terminations recommended and not yet approved, oldest recommendation first',
  ),
};
