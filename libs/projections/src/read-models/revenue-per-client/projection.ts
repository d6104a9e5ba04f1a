import { loadRows, readModelProjection, saveTable, upsertTable } from '../read-model.js';
import { evolveRevenuePerClient } from './evolve.js';
import { revenueBilledTable, revenueSubscribersTable, revenueTable } from './table.js';

/**
 * `revenue-per-client`: per month, what was billed for that billing period (and to how many
 * distinct subscribers), collected and spent serving clients (by month of `occurredAt`), per
 * currency and segment.
 */
export const revenuePerClientProjection = readModelProjection({
  name: 'revenue-per-client',
  description: 'Billed, collected and cost to serve per month, and the clients billed',
  tables: [revenueTable, revenueBilledTable, revenueSubscribersTable],
  eventTypes: ['SubscriberEnrolled', 'InvoiceIssued', 'PaymentReceived', 'CostToServeRecorded'],
  load: (events, ctx) =>
    loadRows(
      ctx,
      revenueSubscribersTable,
      'subscriber_id',
      events.filter((e) => e.type !== 'SubscriberEnrolled').map((e) => e.data.subscriberId),
    ),
  evolve: evolveRevenuePerClient,
  async save(changes, ctx) {
    await upsertTable(ctx, revenueSubscribersTable, changes.subscribers, 'ignore');
    // A billed row is only written for a stored subscriber or with its subscriber's row: for one
    // not stored before this batch there is none yet, so a plain INSERT will do.
    const fresh = new Set(changes.subscribers.map((s) => s.subscriber_id));
    await saveTable(ctx, revenueBilledTable, changes.billed, (r) => fresh.has(r.subscriber_id), 'ignore');
    await upsertTable(ctx, revenueTable, changes.months, 'add');
  },
});
