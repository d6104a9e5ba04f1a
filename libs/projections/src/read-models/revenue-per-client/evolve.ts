import { monthOf } from '../../months.js';
import type { ProjectedEvent } from '../../projection.js';
import { countersOf } from '../read-model.js';
import { revenueTable, type RevenueBilledRow, type RevenueMonthRow, type RevenueSubscriberRow } from './table.js';

/** What a batch changes. */
export interface RevenueChanges {
  /** Subscribers enrolled in the batch and not among the loaded rows (written, keeping any that exists). */
  subscribers: RevenueSubscriberRow[];
  /** (period, subscriber) pairs billed in the batch, once each. */
  billed: RevenueBilledRow[];
  /** Deltas of the month rows. */
  months: RevenueMonthRow[];
}

/**
 * Pure: the stored rows of the subscribers the batch bills, pays or serves (enrolments need no
 * lookup) and the batch → what to write. Billed goes by invoice period, collected and cost by the
 * month the event happened in.
 */
export function evolveRevenuePerClient(loaded: readonly RevenueSubscriberRow[], events: readonly ProjectedEvent[]): RevenueChanges {
  const segments = new Map(loaded.map((r) => [r.subscriber_id, { segment: r.segment, currency: r.currency }]));
  const subscribers: RevenueSubscriberRow[] = [];
  const billed = new Map<string, RevenueBilledRow>();
  const months = countersOf(revenueTable);
  for (const e of events) {
    const id = e.data.subscriberId;
    if (e.type === 'SubscriberEnrolled') {
      if (!segments.has(id)) {
        segments.set(id, { segment: e.data.segment, currency: e.data.plan.currency });
        subscribers.push({ subscriber_id: id, segment: e.data.segment, currency: e.data.plan.currency });
      }
      continue;
    }
    const sub = segments.get(id);
    if (!sub) continue;
    const { segment, currency } = sub;
    if (e.type === 'InvoiceIssued') {
      months.at({ currency, segment, month: e.data.period }).billed += e.data.amount;
      billed.set(`${e.data.period}\u0000${id}`, { period: e.data.period, subscriber_id: id, segment, currency });
    } else if (e.type === 'PaymentReceived') {
      months.at({ currency, segment, month: monthOf(e.occurredAt) }).collected += e.data.amount;
    } else if (e.type === 'CostToServeRecorded') {
      months.at({ currency, segment, month: monthOf(e.occurredAt) }).cost_to_serve += e.data.amount;
    }
  }
  return { subscribers, billed: [...billed.values()], months: months.rows() as RevenueMonthRow[] };
}
