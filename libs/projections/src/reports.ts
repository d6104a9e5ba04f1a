/**
 * The monthly reports (domain.md §6): default rate, revenue per client, sales per rep and the
 * forecast — each returns exactly the response body of its route in api.md. Churn and MRR movement
 * are answered by read-models/churn/query.ts.
 */
import type { SqlExecutor } from '@libs/sql';
import { addMonths, monthOf, monthRange } from './months.js';
import { resolveCurrency } from './currency.js';
import { num, projectionAsOf, rate, segmentsOf, type ReportQuery, type ReportScope, type SegmentFilter } from './query-kit.js';
import { churn } from './read-models/churn/query.js';
import { churnSubscribersTable } from './read-models/churn/table.js';

export type { ReportQuery, ReportScope } from './query-kit.js';

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
  const currency = await resolveCurrency(db, 'rm_default_rate_subscribers', q.currency);
  const segs = segmentsOf(segment);
  const list = monthRange(q.from, q.to);
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT month, SUM(invoices_due)::bigint AS invoices_due, SUM(amount_due)::bigint AS amount_due,
            SUM(invoices_defaulted)::bigint AS invoices_defaulted, SUM(amount_defaulted)::bigint AS amount_defaulted,
            SUM(invoices_recovered)::bigint AS invoices_recovered, SUM(amount_recovered)::bigint AS amount_recovered,
            SUM(amount_written_off)::bigint AS amount_written_off
       FROM rm_default_rate WHERE segment = ANY($1::text[]) AND month >= $2 AND month <= $3 AND currency = $4 GROUP BY month`,
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
       JOIN rm_default_rate_aging_spans s
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

export interface ForecastInputs {
  /** The segment and currency these inputs are of (every figure covers that currency's subscribers only). */
  segment: SegmentFilter;
  currency: string | null;
  /** Latest business time known to the churn and default-rate projections ("now"). */
  asOf: string | null;
  /** Month of `asOf`: the forecast starts with the month after it. */
  baseMonth: string;
  /** The three complete months before the base month whose averages are used. */
  trailingMonths: string[];
  /** MRR at `asOf`. */
  mrr: number;
  /** c: mean revenue churn rate of the trailing months (months with no MRR at start are left out; 0 if none). */
  revenueChurnRate: number;
  /** n: mean new MRR per month. */
  newMrr: number;
  /** e: mean net expansion (expansion − contraction) per month. */
  netExpansion: number;
  /** d: mean amount default rate of the trailing months' cohorts (months with nothing due left out; 0 if none). */
  amountDefaultRate: number;
}

export interface ForecastMonth {
  month: string;
  /** Minor units, rounded to the unit; the recurrence itself runs unrounded. */
  mrr: number;
  expectedCollections: number;
}

const mean = (values: number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);

/**
 * `GET /v1/analytics/forecast` (domain.md §6): MRR(k+1) = MRR(k)·(1 − c) + n + e and
 * collections(k) = MRR(k)·(1 − d), from the trailing three months' averages.
 */
export async function forecast(db: SqlExecutor, q: { months?: number; segment?: SegmentFilter; currency?: string }): Promise<ReportScope & { inputs: ForecastInputs; months: ForecastMonth[] }> {
  const segment = q.segment ?? 'all';
  const currency = await resolveCurrency(db, churnSubscribersTable.name, q.currency);
  const horizon = q.months ?? 12;
  const stamps = [await projectionAsOf(db, 'churn'), await projectionAsOf(db, 'default-rate')].filter((s): s is string => s !== null).sort();
  const asOf = stamps.length > 0 ? stamps[stamps.length - 1] : null;
  const baseMonth = monthOf(asOf ?? new Date().toISOString());
  const trailingFrom = addMonths(baseMonth, -3);
  const trailingTo = addMonths(baseMonth, -1);
  const history = await churn(db, { from: trailingFrom, to: baseMonth, segment, currency: currency ?? '' });
  const trailing = history.months.slice(0, 3);
  const defaults = (await defaultRate(db, { from: trailingFrom, to: trailingTo, segment, currency: currency ?? '' })).months;
  const inputs: ForecastInputs = {
    segment,
    currency,
    asOf,
    baseMonth,
    trailingMonths: trailing.map((m) => m.month),
    mrr: history.months[3].mrrAtEnd,
    revenueChurnRate: mean(trailing.map((m) => m.revenueChurnRate).filter((r): r is number => r !== null)),
    newMrr: mean(trailing.map((m) => m.mrrNew)),
    netExpansion: mean(trailing.map((m) => m.mrrExpansion - m.mrrContraction)),
    amountDefaultRate: mean(defaults.map((m) => m.amountDefaultRate).filter((r): r is number => r !== null)),
  };
  const months: ForecastMonth[] = [];
  let mrr = inputs.mrr;
  for (let k = 1; k <= horizon; k++) {
    mrr = mrr * (1 - inputs.revenueChurnRate) + inputs.newMrr + inputs.netExpansion;
    months.push({ month: addMonths(baseMonth, k), mrr: Math.round(mrr), expectedCollections: Math.round(mrr * (1 - inputs.amountDefaultRate)) });
  }
  return { segment, currency, inputs, months };
}
