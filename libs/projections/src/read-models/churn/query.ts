import type { SqlExecutor } from '@libs/sql';
import { resolveCurrency } from '../../currency.js';
import { monthRange } from '../../months.js';
import { num, rate, segmentsOf, type ReportQuery, type ReportScope } from '../../query-kit.js';
import { churnSubscribersTable, churnTable } from './table.js';

export interface ChurnMonth {
  month: string;
  customersAtStart: number;
  new: number;
  reactivated: number;
  /** `fromStart`: of `total`, the subscribers who were customers at the month's first instant. */
  churned: { voluntary: number; involuntary: number; migrated: number; total: number; fromStart: number };
  customersAtEnd: number;
  customerChurnRate: number | null;
  /** churned.fromStart / customersAtStart (the convention that leaves out who joined and left in M). */
  startingCustomerChurnRate: number | null;
  mrrAtStart: number;
  mrrAtEnd: number;
  mrrLost: number;
  revenueChurnRate: number | null;
  mrrNew: number;
  mrrExpansion: number;
  mrrContraction: number;
  mrrReactivation: number;
  mrrSuspended: number;
  mrrReinstated: number;
  /** (mrrLost + mrrContraction) / mrrAtStart. */
  grossMrrChurnRate: number | null;
  /** (mrrLost + mrrContraction − mrrExpansion − mrrReactivation) / mrrAtStart; may be negative. */
  netMrrChurnRate: number | null;
  /** 1 − netMrrChurnRate. */
  netRevenueRetention: number | null;
  /** (mrrNew + mrrExpansion + mrrReactivation) / (mrrLost + mrrContraction). */
  quickRatio: number | null;
}

/** `GET /v1/analytics/churn`. Customers and MRR at a month's start are the state before any of that month's events. */
export async function churn(db: SqlExecutor, q: ReportQuery): Promise<ReportScope & { months: ChurnMonth[] }> {
  const segment = q.segment ?? 'all';
  const currency = await resolveCurrency(db, churnSubscribersTable.name, q.currency);
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT month, SUM(new_subscribers)::bigint AS n, SUM(reactivated)::bigint AS r, SUM(churned_voluntary)::bigint AS cv,
            SUM(churned_involuntary)::bigint AS ci, SUM(churned_migrated)::bigint AS cm, SUM(mrr_new)::bigint AS mrr_new,
            SUM(mrr_lost)::bigint AS mrr_lost, SUM(mrr_expansion)::bigint AS exp, SUM(mrr_contraction)::bigint AS con,
            SUM(mrr_delta)::bigint AS delta, SUM(churned_from_start)::bigint AS from_start, SUM(mrr_reactivation)::bigint AS reactivation,
            SUM(mrr_suspended)::bigint AS suspended, SUM(mrr_reinstated)::bigint AS reinstated
       FROM ${churnTable.name} WHERE segment = ANY($1::text[]) AND month <= $2 AND currency = $3 GROUP BY month ORDER BY month`,
    [segmentsOf(segment), q.to, currency ?? ''],
  );
  const byMonth = new Map(rows.map((r) => [r.month as string, r]));
  let customers = 0;
  let mrr = 0;
  for (const r of rows) {
    if ((r.month as string) >= q.from) break;
    customers += num(r.n) + num(r.r) - num(r.cv) - num(r.ci) - num(r.cm);
    mrr += num(r.delta);
  }
  const months = monthRange(q.from, q.to).map((month): ChurnMonth => {
    const r = byMonth.get(month) ?? {};
    const voluntary = num(r.cv);
    const involuntary = num(r.ci);
    const migrated = num(r.cm);
    const total = voluntary + involuntary + migrated;
    const start = customers;
    const mrrStart = mrr;
    customers = start + num(r.n) + num(r.r) - total;
    mrr = mrrStart + num(r.delta);
    const fromStart = num(r.from_start);
    const [lost, expansion, contraction, reactivation] = [num(r.mrr_lost), num(r.exp), num(r.con), num(r.reactivation)];
    const netMrrChurnRate = rate(lost + contraction - expansion - reactivation, mrrStart);
    return {
      month,
      customersAtStart: start,
      new: num(r.n),
      reactivated: num(r.r),
      churned: { voluntary, involuntary, migrated, total, fromStart },
      customersAtEnd: customers,
      customerChurnRate: rate(total, start),
      startingCustomerChurnRate: rate(fromStart, start),
      mrrAtStart: mrrStart,
      mrrAtEnd: mrr,
      mrrLost: lost,
      revenueChurnRate: rate(lost, mrrStart),
      mrrNew: num(r.mrr_new),
      mrrExpansion: expansion,
      mrrContraction: contraction,
      mrrReactivation: reactivation,
      mrrSuspended: num(r.suspended),
      mrrReinstated: num(r.reinstated),
      grossMrrChurnRate: rate(lost + contraction, mrrStart),
      netMrrChurnRate,
      netRevenueRetention: netMrrChurnRate === null ? null : 1 - netMrrChurnRate,
      quickRatio: rate(num(r.mrr_new) + expansion + reactivation, lost + contraction),
    };
  });
  return { segment, currency, months };
}
