import type { SqlExecutor } from '@libs/sql';
import { resolveCurrency } from '../../currency.js';
import { monthRange } from '../../months.js';
import { num, rate, segmentsOf, type ReportQuery, type ReportScope } from '../../query-kit.js';
import { revenueBilledTable, revenueSubscribersTable, revenueTable } from './table.js';

export interface RevenueMonth {
  month: string;
  clientsBilled: number;
  billed: number;
  collected: number;
  costToServe: number;
  arpu: number | null;
  collectedPerClient: number | null;
  costPerClient: number | null;
  marginPerClient: number | null;
}

/** `GET /v1/analytics/revenue-per-client`. `billed` and `clientsBilled` go by invoice period; `collected` and `costToServe` by month of occurrence. */
export async function revenuePerClient(db: SqlExecutor, q: ReportQuery): Promise<ReportScope & { months: RevenueMonth[] }> {
  const segment = q.segment ?? 'all';
  const currency = await resolveCurrency(db, revenueSubscribersTable.name, q.currency);
  const segs = segmentsOf(segment);
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT month, SUM(billed)::bigint AS billed, SUM(collected)::bigint AS collected, SUM(cost_to_serve)::bigint AS cost
       FROM ${revenueTable.name} WHERE segment = ANY($1::text[]) AND month >= $2 AND month <= $3 AND currency = $4 GROUP BY month`,
    [segs, q.from, q.to, currency ?? ''],
  );
  const clients = await db.query<{ period: string; n: number }>(
    `SELECT period, COUNT(*)::int AS n FROM ${revenueBilledTable.name} WHERE segment = ANY($1::text[]) AND period >= $2 AND period <= $3 AND currency = $4 GROUP BY period`,
    [segs, q.from, q.to, currency ?? ''],
  );
  const byMonth = new Map(rows.map((r) => [r.month as string, r]));
  const clientsBy = new Map(clients.rows.map((r) => [r.period, Number(r.n)]));
  const months = monthRange(q.from, q.to).map((month): RevenueMonth => {
    const r = byMonth.get(month) ?? {};
    const n = clientsBy.get(month) ?? 0;
    const billed = num(r.billed);
    const collected = num(r.collected);
    const cost = num(r.cost);
    return {
      month,
      clientsBilled: n,
      billed,
      collected,
      costToServe: cost,
      arpu: rate(billed, n),
      collectedPerClient: rate(collected, n),
      costPerClient: rate(cost, n),
      marginPerClient: rate(collected - cost, n),
    };
  });
  return { segment, currency, months };
}
