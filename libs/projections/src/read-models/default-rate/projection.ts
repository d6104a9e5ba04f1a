import { deleteTableRows, loadRows, readModelProjection, saveTable, upsertTable } from '../read-model.js';
import { defaultRateInvoiceKeys, defaultRateSubscriberIds, evolveDefaultRate } from './evolve.js';
import { defaultRateAgingSpansTable, defaultRateInvoicesTable, defaultRateSubscribersTable, defaultRateTable } from './table.js';

/**
 * `default-rate`: invoice cohorts by due month, plus the aging of missed invoices as it was at
 * each month's end (kept as spans of months; see {@link evolveDefaultRate}).
 */
export const defaultRateProjection = readModelProjection({
  name: 'default-rate',
  description: 'Invoice cohorts by due month: default, recovery, write-off and month-end aging',
  tables: [defaultRateTable, defaultRateInvoicesTable, defaultRateAgingSpansTable, defaultRateSubscribersTable],
  // No type filter: the forecast takes "now" from this projection's latest business time.
  async load(events, ctx) {
    const subscribers = await loadRows(ctx, defaultRateSubscribersTable, 'subscriber_id', defaultRateSubscriberIds(events));
    const invoices = await loadRows(ctx, defaultRateInvoicesTable, 'invoice_key', defaultRateInvoiceKeys(events, new Set(subscribers.map((s) => s.subscriber_id))));
    return { subscribers, invoices };
  },
  evolve: evolveDefaultRate,
  async save(changes, ctx) {
    await upsertTable(ctx, defaultRateSubscribersTable, changes.subscribers, 'ignore');
    const created = new Set(changes.invoices.created);
    await saveTable(ctx, defaultRateInvoicesTable, [...changes.invoices.created, ...changes.invoices.changed], (r) => created.has(r));
    await deleteTableRows(ctx, defaultRateAgingSpansTable, changes.spans.deleted);
    await upsertTable(ctx, defaultRateAgingSpansTable, changes.spans.saved, 'replace');
    await upsertTable(ctx, defaultRateTable, changes.months, 'add');
  },
});
