import { monthOf } from '../months.js';
import type { ProjectedEvent, Projection, ProjectionContext } from '../projection.js';
import { Counters, loadByKeys, saveRows, upsertRows, type Column } from '../sql.js';

const MONTH_COLUMNS: Column[] = [
  { name: 'currency', type: 'text' },
  { name: 'segment', type: 'text' },
  { name: 'month', type: 'text' },
  { name: 'billed', type: 'bigint' },
  { name: 'collected', type: 'bigint' },
  { name: 'cost_to_serve', type: 'bigint' },
];
const BILLED_COLUMNS: Column[] = [
  { name: 'period', type: 'text' },
  { name: 'subscriber_id', type: 'text' },
  { name: 'segment', type: 'text' },
  { name: 'currency', type: 'text' },
];
const SEGMENT_COLUMNS: Column[] = [
  { name: 'subscriber_id', type: 'text' },
  { name: 'segment', type: 'text' },
  { name: 'currency', type: 'text' },
];
const zero = () => ({ billed: 0, collected: 0, cost_to_serve: 0 });

/**
 * `revenue-per-client`: per month, what was billed for that billing period (and to how many
 * distinct subscribers), collected and spent serving clients (by month of `occurredAt`), per
 * currency and segment.
 */
export const revenuePerClientProjection: Projection = {
  name: 'revenue-per-client',
  description: 'Billed, collected and cost to serve per month, and the clients billed',
  tables: ['rm_revenue_per_client', 'rm_revenue_per_client_billed', 'rm_revenue_per_client_subscribers'],
  eventTypes: ['SubscriberEnrolled', 'InvoiceIssued', 'PaymentReceived', 'CostToServeRecorded'],
  async apply(events: readonly ProjectedEvent[], ctx: ProjectionContext): Promise<void> {
    const segments = new Map<string, { segment: string; currency: string }>();
    const lookup = events.filter((e) => e.type !== 'SubscriberEnrolled').map((e) => e.data.subscriberId);
    for (const r of await loadByKeys<{ subscriber_id: string; segment: string; currency: string }>(ctx.tx, ctx.table('rm_revenue_per_client_subscribers'), 'subscriber_id', lookup)) {
      segments.set(r.subscriber_id, { segment: r.segment, currency: r.currency });
    }
    const stored = new Set(segments.keys());
    const newSubs: Record<string, unknown>[] = [];
    const billedClients = new Map<string, Record<string, unknown>>();
    const months = new Counters<{ currency: string; segment: string; month: string }, ReturnType<typeof zero>>(zero);
    for (const e of events) {
      const id = e.data.subscriberId;
      if (e.type === 'SubscriberEnrolled') {
        if (!segments.has(id)) {
          segments.set(id, { segment: e.data.segment, currency: e.data.plan.currency });
          newSubs.push({ subscriber_id: id, segment: e.data.segment, currency: e.data.plan.currency });
        }
        continue;
      }
      const sub = segments.get(id);
      if (!sub) continue;
      const { segment, currency } = sub;
      if (e.type === 'InvoiceIssued') {
        months.at({ currency, segment, month: e.data.period }).billed += e.data.amount;
        billedClients.set(`${e.data.period}\u0000${id}`, { period: e.data.period, subscriber_id: id, segment, currency });
      } else if (e.type === 'PaymentReceived') {
        months.at({ currency, segment, month: monthOf(e.occurredAt) }).collected += e.data.amount;
      } else if (e.type === 'CostToServeRecorded') {
        months.at({ currency, segment, month: monthOf(e.occurredAt) }).cost_to_serve += e.data.amount;
      }
    }
    await upsertRows(ctx.tx, ctx.table('rm_revenue_per_client_subscribers'), SEGMENT_COLUMNS, ['subscriber_id'], newSubs, 'ignore');
    // A billed row is only written for a stored subscriber or with its subscriber's row: for one
    // not stored before this batch there is none yet.
    await saveRows(ctx.tx, ctx.table('rm_revenue_per_client_billed'), BILLED_COLUMNS, ['period', 'subscriber_id'], [...billedClients.values()], (r) => !stored.has(r.subscriber_id as string), 'ignore');
    await upsertRows(ctx.tx, ctx.table('rm_revenue_per_client'), MONTH_COLUMNS, ['currency', 'segment', 'month'], months.rows(), 'add');
  },
};
