import { col, defineTable, type RowOf } from '../table.js';

/** Each subscriber's segment and currency: what an invoice's cohort is filed under. */
export const defaultRateSubscribersTable = defineTable({
  name: 'rm_default_rate_subscribers',
  since: 1,
  columns: {
    subscriber_id: col.text(),
    segment: col.text(),
    // v3: money is kept per currency (never summed across currencies).
    currency: col.text({ default: "''", since: 3 }),
  },
  key: ['subscriber_id'],
});
export type DefaultRateSubscriberRow = RowOf<typeof defaultRateSubscribersTable>;

/** Each invoice: its cohort (due month), what is still owed, and the month its open aging span starts. */
export const defaultRateInvoicesTable = defineTable({
  name: 'rm_default_rate_invoices',
  since: 1,
  comment: 'Internal state of the default-rate projection: each invoice, its cohort and what is still owed',
  columns: {
    invoice_key: col.text(),
    segment: col.text(),
    due_date: col.date(),
    due_month: col.text(),
    amount: col.bigint(),
    owed: col.bigint(),
    missed: col.boolean({ default: 'false' }),
    open_span_from: col.text({ nullable: true }),
    currency: col.text({ default: "''", since: 3 }),
  },
  key: ['invoice_key'],
});
export type DefaultRateInvoiceRow = RowOf<typeof defaultRateInvoicesTable>;

/** Counters per due-date month (the cohort of invoices due that month). */
export const defaultRateTable = defineTable({
  name: 'rm_default_rate',
  since: 1,
  comment: 'Default rate per segment and due-date month (the cohort of invoices due that month)',
  columns: {
    segment: col.text(),
    month: col.text(),
    invoices_due: col.int({ default: '0' }),
    amount_due: col.bigint({ default: '0' }),
    invoices_defaulted: col.int({ default: '0' }),
    amount_defaulted: col.bigint({ default: '0' }),
    invoices_recovered: col.int({ default: '0' }),
    amount_recovered: col.bigint({ default: '0' }),
    amount_written_off: col.bigint({ default: '0' }),
    currency: col.text({ default: "''", since: 3 }),
  },
  key: ['currency', 'segment', 'month'],
});
export type DefaultRateMonthRow = RowOf<typeof defaultRateTable>;

/** What a missed invoice owed at each month end, as spans of months (see the projection). */
export const defaultRateAgingSpansTable = defineTable({
  name: 'rm_default_rate_aging_spans',
  since: 1,
  comment: 'A missed invoice owed this amount at the end of every month M with from_month <= M < to_month (null: still owed)',
  columns: {
    invoice_key: col.text(),
    from_month: col.text(),
    to_month: col.text({ nullable: true }),
    segment: col.text(),
    due_date: col.date(),
    owed: col.bigint(),
    currency: col.text({ default: "''", since: 3 }),
  },
  key: ['invoice_key', 'from_month'],
  indexes: [{ name: 'rm_default_rate_aging_spans_months', columns: ['from_month', 'to_month'] }],
});
export type DefaultRateSpanRow = RowOf<typeof defaultRateAgingSpansTable>;
