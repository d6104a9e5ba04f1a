import { DAY_MS, monthOf } from '../../months.js';
import type { ProjectedEvent } from '../../projection.js';
import { countersOf } from '../read-model.js';
import { salesPerRepTable, type RepMonthRow, type SaleRow } from './table.js';

/** A sale churned "early" when terminated at most this long after its enrolment. */
const EARLY_CHURN_DAYS = 90;

/** What a batch changes: the sales it created or marked churned, and the deltas of each cohort row. */
export interface SalesPerRepChanges {
  sales: SaleRow[];
  reps: RepMonthRow[];
}

/**
 * Pure: the stored sales the batch's terminations and invoices refer to (enrolments need no
 * lookup) and the batch → what to write. Everything lands in the sale's enrolment cohort.
 */
export function evolveSalesPerRep(loaded: readonly SaleRow[], events: readonly ProjectedEvent[]): SalesPerRepChanges {
  const sales = new Map<string, SaleRow>(loaded.map((r) => [r.subscriber_id, { ...r }]));
  const dirty = new Set<string>();
  const reps = countersOf(salesPerRepTable);
  const cohortOf = (sale: SaleRow) => reps.at({ month: sale.cohort_month, sales_rep_id: sale.sales_rep_id, segment: sale.segment, currency: sale.currency });
  for (const e of events) {
    const id = e.data.subscriberId;
    if (e.type === 'SubscriberEnrolled') {
      if (sales.has(id)) continue;
      const sale: SaleRow = {
        subscriber_id: id,
        sales_rep_id: e.data.salesRepId,
        segment: e.data.segment,
        cohort_month: monthOf(e.occurredAt),
        enrolled_at: e.occurredAt,
        churned: false,
        currency: e.data.plan.currency,
      };
      sales.set(id, sale);
      dirty.add(id);
      const c = cohortOf(sale);
      c.new_subscribers += 1;
      c.new_mrr += e.data.plan.monthlyFee;
      continue;
    }
    const sale = sales.get(id);
    if (!sale) continue;
    const c = cohortOf(sale);
    if (e.type === 'SubscriberTerminated') {
      if (!sale.churned && Date.parse(e.occurredAt) - Date.parse(sale.enrolled_at) <= EARLY_CHURN_DAYS * DAY_MS) {
        sale.churned = true;
        dirty.add(id);
        c.churned_within_90_days += 1;
      }
    } else if (e.type === 'InvoiceIssued') {
      c.invoices_due += 1;
    } else if (e.type === 'PaymentMissed') {
      c.invoices_defaulted += 1;
    }
  }
  return { sales: [...dirty].map((id) => sales.get(id)!), reps: reps.rows() as RepMonthRow[] };
}
