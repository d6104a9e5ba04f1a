import { loadRows, readModelProjection, upsertTable } from '../read-model.js';
import { evolveSalesPerRep } from './evolve.js';
import { salesPerRepTable, salesSubscribersTable } from './table.js';

/**
 * `sales-per-rep`: each rep's monthly cohort of enrolments and, to date, how many of them churned
 * within 90 days of enrolling and how their invoices defaulted — the quality of a sale.
 */
export const salesPerRepProjection = readModelProjection({
  name: 'sales-per-rep',
  description: 'New subscribers and MRR per rep and month, with early churn and default rate of that cohort',
  tables: [salesPerRepTable, salesSubscribersTable],
  eventTypes: ['SubscriberEnrolled', 'SubscriberTerminated', 'InvoiceIssued', 'PaymentMissed'],
  load: (events, ctx) =>
    loadRows(
      ctx,
      salesSubscribersTable,
      'subscriber_id',
      events.filter((e) => e.type !== 'SubscriberEnrolled').map((e) => e.data.subscriberId),
    ),
  evolve: evolveSalesPerRep,
  async save(changes, ctx) {
    await upsertTable(ctx, salesSubscribersTable, changes.sales, 'replace');
    await upsertTable(ctx, salesPerRepTable, changes.reps, 'add');
  },
});
