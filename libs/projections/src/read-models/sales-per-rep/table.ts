import { col, defineTable, type RowOf } from '../table.js';

/** Each sale: who sold it, its cohort, and whether it already counted as an early churn. */
export const salesSubscribersTable = defineTable({
  name: 'rm_sales_per_rep_subscribers',
  since: 1,
  columns: {
    subscriber_id: col.text(),
    sales_rep_id: col.text(),
    segment: col.text(),
    cohort_month: col.text(),
    enrolled_at: col.timestamptz(),
    churned: col.boolean({ default: 'false' }),
    currency: col.text({ default: "''", since: 3 }),
  },
  key: ['subscriber_id'],
});
export type SaleRow = RowOf<typeof salesSubscribersTable>;

export const salesPerRepTable = defineTable({
  name: 'rm_sales_per_rep',
  since: 1,
  comment: 'Per enrolment month, rep and segment: the sales and, to date, how that cohort churned and paid',
  columns: {
    month: col.text(),
    sales_rep_id: col.text(),
    segment: col.text(),
    new_subscribers: col.int({ default: '0' }),
    new_mrr: col.bigint({ default: '0' }),
    churned_within_90_days: col.int({ default: '0' }),
    invoices_due: col.int({ default: '0' }),
    invoices_defaulted: col.int({ default: '0' }),
    // v3: money is kept per currency (never summed across currencies).
    currency: col.text({ default: "''", since: 3 }),
  },
  key: ['month', 'sales_rep_id', 'segment', 'currency'],
});
export type RepMonthRow = RowOf<typeof salesPerRepTable>;
