import { col, defineTable, type RowOf } from '../table.js';

/** Per subscriber: the columns the queues filter and sort on, beside the domain's folded state. */
export const workQueueSubscribersTable = defineTable({
  name: 'rm_work_queue_subscribers',
  since: 2,
  comment:
    "Work queues: per subscriber what is owed on missed invoices, arrangements, pending cancellation and notice (state = the domain's folded state, payments and costs excluded)",
  columns: {
    subscriber_id: col.text(),
    name: col.text(),
    segment: col.text(),
    currency: col.text(),
    status: col.text(),
    customer_since: col.timestamptz({ nullable: true }),
    /** Σ owed on missed invoices. */
    amount_owed: col.bigint(),
    missed_invoices: col.int(),
    oldest_due_date: col.date({ nullable: true }),
    /** Oldest due date of a missed, unpaid invoice no arrangement covers (suspends at + suspendAfterDays). */
    unarranged_due_date: col.date({ nullable: true }),
    /** Earliest payBy of an arrangement covering a missed, unpaid invoice (suspends the day after). */
    arranged_until: col.date({ nullable: true }),
    cancellation_requested_at: col.timestamptz({ nullable: true }),
    cancellation_reason: col.text({ nullable: true }),
    notice_effective_date: col.date({ nullable: true }),
    notice_initiated_by: col.text({ nullable: true }),
    state: col.jsonb(),
  },
  key: ['subscriber_id'],
  indexes: [{ name: 'rm_work_queue_subscribers_default', columns: ['oldest_due_date', 'subscriber_id'], where: 'missed_invoices > 0' }],
});

/** Per case: its next step and the termination recommendation awaiting approval, beside the folded state. */
export const workQueueCasesTable = defineTable({
  name: 'rm_work_queue_cases',
  since: 2,
  comment: "Work queues: per case its next step and the termination recommendation awaiting approval (state = the domain's folded case state)",
  columns: {
    case_id: col.text(),
    subscriber_id: col.text(),
    kind: col.text(),
    status: col.text(),
    opened_at: col.timestamptz(),
    next_step: col.text({ nullable: true }),
    recommended_at: col.timestamptz({ nullable: true }),
    effective_date: col.date({ nullable: true }),
    approved: col.boolean(),
    state: col.jsonb(),
  },
  key: ['case_id'],
  indexes: [{ name: 'rm_work_queue_cases_open', columns: ['subscriber_id', 'kind'], where: "status = 'open'" }],
});

/** Payments and costs inside the trailing window (older rows are pruned as business time advances). */
export const workQueueLedgerTable = defineTable({
  name: 'rm_work_queue_ledger',
  since: 2,
  comment: 'Work queues, internal: payments and costs of the trailing 90 days (older rows are pruned)',
  columns: {
    subscriber_id: col.text(),
    at: col.timestamptz(),
    collected: col.bigint({ default: '0' }),
    cost: col.bigint({ default: '0' }),
  },
  key: [],
  indexes: [
    { name: 'rm_work_queue_ledger_subscriber', columns: ['subscriber_id', 'at'] },
    { name: 'rm_work_queue_ledger_at', columns: ['at'] },
  ],
});

/** A payment or a cost inside the trailing window. */
export type WorkQueueLedgerRow = RowOf<typeof workQueueLedgerTable>;
