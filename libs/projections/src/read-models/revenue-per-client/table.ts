import { col, defineTable, type RowOf } from '../table.js';

/** Each subscriber's segment and currency, to bucket its invoices, payments and costs. */
export const revenueSubscribersTable = defineTable({
  name: 'rm_revenue_per_client_subscribers',
  since: 1,
  columns: {
    subscriber_id: col.text(),
    segment: col.text(),
    currency: col.text({ default: "''", since: 3 }),
  },
  key: ['subscriber_id'],
});
export type RevenueSubscriberRow = RowOf<typeof revenueSubscribersTable>;

export const revenueTable = defineTable({
  name: 'rm_revenue_per_client',
  since: 1,
  comment: 'Billed (invoices for the period), collected and cost to serve (by month of occurredAt) per segment',
  columns: {
    segment: col.text(),
    month: col.text(),
    billed: col.bigint({ default: '0' }),
    collected: col.bigint({ default: '0' }),
    cost_to_serve: col.bigint({ default: '0' }),
    // v3: money is kept per currency (never summed across currencies).
    currency: col.text({ default: "''", since: 3 }),
  },
  key: ['currency', 'segment', 'month'],
});
export type RevenueMonthRow = RowOf<typeof revenueTable>;

export const revenueBilledTable = defineTable({
  name: 'rm_revenue_per_client_billed',
  since: 1,
  comment: 'Subscribers with at least one invoice for a period (clientsBilled = count per period)',
  columns: {
    period: col.text(),
    subscriber_id: col.text(),
    segment: col.text(),
    currency: col.text({ default: "''", since: 3 }),
  },
  key: ['period', 'subscriber_id'],
});
export type RevenueBilledRow = RowOf<typeof revenueBilledTable>;
