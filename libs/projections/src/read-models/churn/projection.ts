import { LIFECYCLE_EVENT_TYPES } from '../../lifecycle.js';
import { loadRows, readModelProjection, upsertTable } from '../read-model.js';
import { evolveChurn } from './evolve.js';
import { churnSubscribersTable, churnTable } from './table.js';

/**
 * `churn`: monthly counters per currency and segment (money is never summed across currencies). Customers and MRR at a month's start are not stored:
 * they are the running sums of `new + reactivated − churned` and of `mrr_delta` (every change of
 * MRR, bucketed by the month it happened in) over the earlier months, so an event only ever
 * touches its own month's row and late or out-of-order events stay exact.
 */
export const churnProjection = readModelProjection({
  name: 'churn',
  description: 'Customers, churn by kind and MRR movement per month; also the forecast inputs',
  tables: [churnTable, churnSubscribersTable],
  eventTypes: LIFECYCLE_EVENT_TYPES,
  load: (events, ctx) =>
    loadRows(
      ctx,
      churnSubscribersTable,
      'subscriber_id',
      events.map((e) => e.data.subscriberId),
    ),
  evolve: evolveChurn,
  async save(changes, ctx) {
    await upsertTable(ctx, churnSubscribersTable, changes.subscribers, 'replace');
    await upsertTable(ctx, churnTable, changes.months, 'add');
  },
});
