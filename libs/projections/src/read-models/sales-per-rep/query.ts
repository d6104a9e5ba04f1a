import type { SqlExecutor } from '@libs/sql';
import { resolveCurrency } from '../../currency.js';
import { monthRange } from '../../months.js';
import { num, rate, segmentsOf, type ReportQuery, type ReportScope } from '../../query-kit.js';
import { salesPerRepTable, salesSubscribersTable } from './table.js';

export interface RepMonth {
  salesRepId: string;
  newSubscribers: number;
  newMrr: number;
  churnedWithin90Days: number;
  invoicesDue: number;
  invoicesDefaulted: number;
  defaultRate: number | null;
}

/** `GET /v1/analytics/sales-reps`: per enrolment month, the reps who sold (others are absent). */
export async function salesReps(db: SqlExecutor, q: ReportQuery): Promise<ReportScope & { months: Array<{ month: string; reps: RepMonth[] }> }> {
  const segment = q.segment ?? 'all';
  const currency = await resolveCurrency(db, salesSubscribersTable.name, q.currency);
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT month, sales_rep_id, SUM(new_subscribers)::bigint AS n, SUM(new_mrr)::bigint AS mrr, SUM(churned_within_90_days)::bigint AS churned,
            SUM(invoices_due)::bigint AS due, SUM(invoices_defaulted)::bigint AS defaulted
       FROM ${salesPerRepTable.name} WHERE segment = ANY($1::text[]) AND month >= $2 AND month <= $3 AND currency = $4
      GROUP BY month, sales_rep_id ORDER BY month, sales_rep_id`,
    [segmentsOf(segment), q.from, q.to, currency ?? ''],
  );
  const byMonth = new Map<string, RepMonth[]>();
  for (const r of rows) {
    const list = byMonth.get(r.month as string) ?? [];
    list.push({
      salesRepId: r.sales_rep_id as string,
      newSubscribers: num(r.n),
      newMrr: num(r.mrr),
      churnedWithin90Days: num(r.churned),
      invoicesDue: num(r.due),
      invoicesDefaulted: num(r.defaulted),
      defaultRate: rate(num(r.defaulted), num(r.due)),
    });
    byMonth.set(r.month as string, list);
  }
  return { segment, currency, months: monthRange(q.from, q.to).map((month) => ({ month, reps: byMonth.get(month) ?? [] })) };
}
