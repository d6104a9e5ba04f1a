import type { SqlExecutor } from '@libs/sql';
import { resolveCurrency } from '../../currency.js';
import { monthRange } from '../../months.js';
import { num, rate, segmentsOf, type ReportQuery, type ReportScope } from '../../query-kit.js';
import { defaultRateAgingSpansTable, defaultRateSubscribersTable, defaultRateTable } from './table.js';

export interface Aging {
  '1-30': number;
  '31-60': number;
  '61-90': number;
  '90+': number;
}

export interface DefaultRateMonth {
  month: string;
  invoicesDue: number;
  amountDue: number;
  invoicesDefaulted: number;
  amountDefaulted: number;
  defaultRate: number | null;
  amountDefaultRate: number | null;
  invoicesRecovered: number;
  amountRecovered: number;
  amountWrittenOff: number;
  aging: Aging;
}

/** `GET /v1/analytics/default-rate`. */
export async function defaultRate(db: SqlExecutor, q: ReportQuery): Promise<ReportScope & { months: DefaultRateMonth[] }> {
  const segment = q.segment ?? 'all';
  const currency = await resolveCurrency(db, defaultRateSubscribersTable.name, q.currency);
  const segs = segmentsOf(segment);
  const list = monthRange(q.from, q.to);
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT month, SUM(invoices_due)::bigint AS invoices_due, SUM(amount_due)::bigint AS amount_due,
            SUM(invoices_defaulted)::bigint AS invoices_defaulted, SUM(amount_defaulted)::bigint AS amount_defaulted,
            SUM(invoices_recovered)::bigint AS invoices_recovered, SUM(amount_recovered)::bigint AS amount_recovered,
            SUM(amount_written_off)::bigint AS amount_written_off
       FROM ${defaultRateTable.name} WHERE segment = ANY($1::text[]) AND month >= $2 AND month <= $3 AND currency = $4 GROUP BY month`,
    [segs, q.from, q.to, currency ?? ''],
  );
  // Days past due at the first instant of M+1 = (first day of M+1) − due date, in whole days.
  const aging = await db.query<Record<string, unknown>>(
    `SELECT m.month,
            COALESCE(SUM(s.owed) FILTER (WHERE d.days BETWEEN 1 AND 30), 0)::bigint AS a1,
            COALESCE(SUM(s.owed) FILTER (WHERE d.days BETWEEN 31 AND 60), 0)::bigint AS a2,
            COALESCE(SUM(s.owed) FILTER (WHERE d.days BETWEEN 61 AND 90), 0)::bigint AS a3,
            COALESCE(SUM(s.owed) FILTER (WHERE d.days > 90), 0)::bigint AS a4
       FROM unnest($1::text[]) AS m(month)
       JOIN ${defaultRateAgingSpansTable.name} s
         ON s.from_month <= m.month AND (s.to_month IS NULL OR s.to_month > m.month) AND s.segment = ANY($2::text[]) AND s.currency = $3
       CROSS JOIN LATERAL (SELECT ((to_date(m.month, 'YYYY-MM') + interval '1 month')::date - s.due_date) AS days) d
      GROUP BY m.month`,
    [list, segs, currency ?? ''],
  );
  const byMonth = new Map(rows.map((r) => [r.month as string, r]));
  const agingByMonth = new Map(aging.rows.map((r) => [r.month as string, r]));
  const months = list.map((month): DefaultRateMonth => {
    const r = byMonth.get(month) ?? {};
    const a = agingByMonth.get(month) ?? {};
    return {
      month,
      invoicesDue: num(r.invoices_due),
      amountDue: num(r.amount_due),
      invoicesDefaulted: num(r.invoices_defaulted),
      amountDefaulted: num(r.amount_defaulted),
      defaultRate: rate(num(r.invoices_defaulted), num(r.invoices_due)),
      amountDefaultRate: rate(num(r.amount_defaulted), num(r.amount_due)),
      invoicesRecovered: num(r.invoices_recovered),
      amountRecovered: num(r.amount_recovered),
      amountWrittenOff: num(r.amount_written_off),
      aging: { '1-30': num(a.a1), '31-60': num(a.a2), '61-90': num(a.a3), '90+': num(a.a4) },
    };
  });
  return { segment, currency, months };
}
