import { col, defineTable, type RowOf } from '../table.js';

/**
 * The three tables of a subscriber-ledger read model. Two read models have this shape
 * (`rm_subscribers`, the list, and `rm_client_profitability`), each under its own prefix.
 */
export function subscriberLedgerTables<const P extends string>(prefix: P, comment: string) {
  const subscribers = defineTable({
    name: prefix,
    since: 1,
    comment,
    columns: {
      subscriber_id: col.text(),
      name: col.text(),
      segment: col.text(),
      status: col.text(),
      plan_code: col.text(),
      currency: col.text(),
      monthly_fee: col.bigint(),
      mrr: col.bigint(),
      balance: col.bigint({ default: '0' }),
      sales_rep_id: col.text(),
      enrolled_at: col.timestamptz(),
      terminated_at: col.timestamptz({ nullable: true }),
      notice_by: col.text({ nullable: true }),
      billed: col.bigint({ default: '0' }),
      collected: col.bigint({ default: '0' }),
      cost_to_serve: col.bigint({ default: '0' }),
      written_off: col.bigint({ default: '0' }),
      missed_unpaid: col.int({ default: '0' }),
      open_cases: col.int({ default: '0' }),
      complaints: col.int({ default: '0' }),
      updated_at: col.timestamptz(),
      /** Enrolment or last reactivation: the tenure the `unprofitable` flag asks for (domain.md §5). Rows older than v3 start from their enrolment. */
      customer_since: col.timestamptz({ since: 3, backfill: 'enrolled_at' }),
    },
    key: ['subscriber_id'],
    indexes: [{ name: `${prefix}_segment_status`, columns: ['segment', 'status', 'subscriber_id'] }],
  });
  const invoices = defineTable({
    name: `${prefix}_invoices`,
    since: 1,
    comment: 'Internal state: what is still owed on each invoice (key subscriberId/invoiceId)',
    columns: {
      invoice_key: col.text(),
      subscriber_id: col.text(),
      amount: col.bigint(),
      owed: col.bigint(),
      missed: col.boolean({ default: 'false' }),
    },
    key: ['invoice_key'],
  });
  const ledger = defineTable({
    name: `${prefix}_ledger`,
    since: 1,
    comment: 'Internal state: invoices, payments and costs of the trailing 90 days (older rows are pruned)',
    columns: {
      subscriber_id: col.text(),
      at: col.timestamptz(),
      billed: col.bigint({ default: '0' }),
      collected: col.bigint({ default: '0' }),
      cost: col.bigint({ default: '0' }),
    },
    key: [],
    indexes: [
      { name: `${prefix}_ledger_subscriber`, columns: ['subscriber_id', 'at'] },
      { name: `${prefix}_ledger_at`, columns: ['at'] },
    ],
  });
  return { subscribers, invoices, ledger };
}

export type SubscriberLedgerTables = ReturnType<typeof subscriberLedgerTables>;
export type LedgerSubscriberRow = RowOf<SubscriberLedgerTables['subscribers']>;
export type LedgerInvoiceRow = RowOf<SubscriberLedgerTables['invoices']>;
export type LedgerEntryRow = RowOf<SubscriberLedgerTables['ledger']>;

export const subscribersTables = subscriberLedgerTables('rm_subscribers', 'Subscribers list: one row per subscriber, current status, plan, balance and flags');
export const clientProfitabilityTables = subscriberLedgerTables('rm_client_profitability', 'Client profitability: lifetime billed, collected and cost to serve per subscriber');
