import type { Projection } from '../../projection.js';
import { insertTable, loadRows, readModelProjection, saveTable } from '../read-model.js';
import { evolveSubscriberLedger, ledgerInvoiceKeys } from './evolve.js';
import { clientProfitabilityTables, subscribersTables, type SubscriberLedgerTables } from './table.js';

/**
 * Per-subscriber state with money totals, balance, default and case flags and a pruned
 * trailing-90-day ledger. Two read models have this shape (`subscribers`, the list, and
 * `client-profitability`), each in its own tables under its own checkpoint.
 */
export function subscriberLedgerProjection(name: string, tables: SubscriberLedgerTables, description: string): Projection {
  return readModelProjection({
    name,
    description,
    tables: [tables.subscribers, tables.invoices, tables.ledger],
    // No type filter: every event moves the projection's "now" (asOf), which the trailing window uses.
    async load(events, ctx) {
      const subscribers = await loadRows(
        ctx,
        tables.subscribers,
        'subscriber_id',
        events.map((e) => e.data.subscriberId),
      );
      const invoices = await loadRows(ctx, tables.invoices, 'invoice_key', ledgerInvoiceKeys(events, new Set(subscribers.map((s) => s.subscriber_id))));
      return { subscribers, invoices };
    },
    evolve: evolveSubscriberLedger,
    async save(writes, ctx) {
      const createdSubs = new Set(writes.subscribers.created);
      await saveTable(ctx, tables.subscribers, [...writes.subscribers.created, ...writes.subscribers.changed], (r) => createdSubs.has(r));
      const createdInvs = new Set(writes.invoices.created);
      await saveTable(ctx, tables.invoices, [...writes.invoices.created, ...writes.invoices.changed], (r) => createdInvs.has(r));
      await insertTable(ctx, tables.ledger, writes.ledger);
      await ctx.tx.query(`DELETE FROM ${ctx.table(tables.ledger.name)} WHERE at <= $1`, [writes.horizon]);
    },
  });
}

/** `subscribers`: the list behind `GET /v1/subscribers`. */
export const subscribersProjection = subscriberLedgerProjection('subscribers', subscribersTables, 'Subscribers list: status, plan, balance, flags');
/** `client-profitability`: lifetime and trailing-90-day margins behind `GET /v1/analytics/clients`. */
export const clientProfitabilityProjection = subscriberLedgerProjection(
  'client-profitability',
  clientProfitabilityTables,
  'Per-client billed, collected, cost to serve and margin, lifetime and trailing 90 days',
);
