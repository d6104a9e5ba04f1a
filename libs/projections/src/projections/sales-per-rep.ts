import { DAY_MS, monthOf } from '../months.js';
import type { ProjectedEvent, Projection, ProjectionContext } from '../projection.js';
import { Counters, loadByKeys, upsertRows, type Column } from '../sql.js';

/** A sale churned "early" when terminated at most this long after its enrolment. */
const EARLY_CHURN_DAYS = 90;

interface SaleRow {
  subscriber_id: string;
  sales_rep_id: string;
  segment: string;
  currency: string;
  cohort_month: string;
  enrolled_at: string;
  churned: boolean;
}

const SALE_COLUMNS: Column[] = [
  { name: 'subscriber_id', type: 'text' },
  { name: 'sales_rep_id', type: 'text' },
  { name: 'segment', type: 'text' },
  { name: 'currency', type: 'text' },
  { name: 'cohort_month', type: 'text' },
  { name: 'enrolled_at', type: 'timestamptz' },
  { name: 'churned', type: 'boolean' },
];
const REP_COLUMNS: Column[] = [
  { name: 'month', type: 'text' },
  { name: 'sales_rep_id', type: 'text' },
  { name: 'segment', type: 'text' },
  { name: 'currency', type: 'text' },
  { name: 'new_subscribers', type: 'int' },
  { name: 'new_mrr', type: 'bigint' },
  { name: 'churned_within_90_days', type: 'int' },
  { name: 'invoices_due', type: 'int' },
  { name: 'invoices_defaulted', type: 'int' },
];
const zero = () => ({ new_subscribers: 0, new_mrr: 0, churned_within_90_days: 0, invoices_due: 0, invoices_defaulted: 0 });

/**
 * `sales-per-rep`: each rep's monthly cohort of enrolments and, to date, how many of them churned
 * within 90 days of enrolling and how their invoices defaulted — the quality of a sale.
 */
export const salesPerRepProjection: Projection = {
  name: 'sales-per-rep',
  description: 'New subscribers and MRR per rep and month, with early churn and default rate of that cohort',
  tables: ['rm_sales_per_rep', 'rm_sales_per_rep_subscribers'],
  eventTypes: ['SubscriberEnrolled', 'SubscriberTerminated', 'InvoiceIssued', 'PaymentMissed'],
  async apply(events: readonly ProjectedEvent[], ctx: ProjectionContext): Promise<void> {
    const sales = new Map<string, SaleRow>();
    const lookup = events.filter((e) => e.type !== 'SubscriberEnrolled').map((e) => e.data.subscriberId);
    for (const r of await loadByKeys<Record<string, unknown>>(ctx.tx, ctx.table('rm_sales_per_rep_subscribers'), 'subscriber_id', lookup)) {
      sales.set(r.subscriber_id as string, { ...(r as unknown as SaleRow), enrolled_at: new Date(r.enrolled_at as Date).toISOString() });
    }
    const dirty = new Set<string>();
    const reps = new Counters<{ month: string; sales_rep_id: string; segment: string; currency: string }, ReturnType<typeof zero>>(zero);
    const cohortOf = (sale: SaleRow) => reps.at({ month: sale.cohort_month, sales_rep_id: sale.sales_rep_id, segment: sale.segment, currency: sale.currency });
    for (const e of events) {
      const id = e.data.subscriberId;
      if (e.type === 'SubscriberEnrolled') {
        if (sales.has(id)) continue;
        const sale: SaleRow = {
          subscriber_id: id,
          sales_rep_id: e.data.salesRepId,
          segment: e.data.segment,
          currency: e.data.plan.currency,
          cohort_month: monthOf(e.occurredAt),
          enrolled_at: e.occurredAt,
          churned: false,
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
    await upsertRows(ctx.tx, ctx.table('rm_sales_per_rep_subscribers'), SALE_COLUMNS, ['subscriber_id'], [...dirty].map((id) => sales.get(id)! as unknown as Record<string, unknown>), 'replace');
    await upsertRows(ctx.tx, ctx.table('rm_sales_per_rep'), REP_COLUMNS, ['month', 'sales_rep_id', 'segment', 'currency'], reps.rows(), 'add');
  },
};
