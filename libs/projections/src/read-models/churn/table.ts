import { col, defineTable, type RowOf } from '../table.js';

/** Each subscriber's lifecycle as churn needs it (status, notice, fee), to know what an event changes. */
export const churnSubscribersTable = defineTable({
  name: 'rm_churn_subscribers',
  since: 1,
  comment: 'Internal state of the churn projection: status and fee per subscriber',
  columns: {
    subscriber_id: col.text(),
    segment: col.text(),
    status: col.text(),
    notice_by: col.text({ nullable: true }),
    plan_code: col.text(),
    currency: col.text(),
    fee: col.bigint(),
    /** Enrolment or last reactivation. Nullable: rows written before v3 have none (v3 asks for a rebuild). */
    customer_since: col.timestamptz({ nullable: true, since: 3 }),
  },
  key: ['subscriber_id'],
});
export type ChurnSubscriberRow = RowOf<typeof churnSubscribersTable>;

/** Monthly counters; customers and MRR at a month's start are running sums of the earlier months. */
export const churnTable = defineTable({
  name: 'rm_churn',
  since: 1,
  comment: 'Churn per segment (b2b/b2c) and month of occurredAt; customers and MRR at a month start are running sums of earlier months',
  columns: {
    segment: col.text(),
    month: col.text(),
    new_subscribers: col.int({ default: '0' }),
    reactivated: col.int({ default: '0' }),
    churned_voluntary: col.int({ default: '0' }),
    churned_involuntary: col.int({ default: '0' }),
    churned_migrated: col.int({ default: '0' }),
    mrr_new: col.bigint({ default: '0' }),
    mrr_lost: col.bigint({ default: '0' }),
    mrr_expansion: col.bigint({ default: '0' }),
    mrr_contraction: col.bigint({ default: '0' }),
    mrr_delta: col.bigint({ default: '0' }),
    // v3: money is kept per currency (never summed across currencies).
    currency: col.text({ default: "''", since: 3 }),
    churned_from_start: col.int({ default: '0', since: 3 }),
    mrr_reactivation: col.bigint({ default: '0', since: 3 }),
    mrr_suspended: col.bigint({ default: '0', since: 3 }),
    mrr_reinstated: col.bigint({ default: '0', since: 3 }),
  },
  key: ['currency', 'segment', 'month'],
});
export type ChurnMonthRow = RowOf<typeof churnTable>;
