/** `GET /v1/analytics/cohorts` (domain.md §6 "Signup cohorts", api.md). */
import type { SqlExecutor } from '@libs/sql';
import { resolveCurrency } from '../../currency.js';
import { monthOf, monthRange, monthsBetween, addMonths } from '../../months.js';
import { META_TABLE, REBUILD_SUFFIX } from '../../projection.js';
import { rate, segmentsOf, type MonthRange, type SegmentFilter } from '../../query-kit.js';
import { cohortChangesTable, cohortMembersTable, cohortsTable } from './table.js';

export interface CohortMonth {
  offset: number;
  month: string;
  customersRetained: number;
  customerRetention: number | null;
  mrrRetained: number;
  netMrrRetention: number | null;
}

export interface Cohort {
  cohort: string;
  customers: number;
  mrr: number;
  months: CohortMonth[];
}

export interface CohortsAnswer {
  segment: SegmentFilter;
  currency: string | null;
  /** Month of the newest event in the log the read model has seen: the last offset of every cohort. */
  lastMonth: string | null;
  cohorts: Cohort[];
}

/**
 * The retention triangle: for each cohort month C in [from, to] and each offset k from 0 to the
 * newest month in the log, the cohort's members who are customers at the end of C+k (the first
 * instant of C+k+1) and the MRR they add then — the running sums of their changes up to C+k.
 */
export async function cohorts(db: SqlExecutor, q: MonthRange & { currency?: string }): Promise<CohortsAnswer> {
  const segment = q.segment ?? 'all';
  const segs = segmentsOf(segment);
  const currency = await resolveCurrency(db, cohortMembersTable.name, q.currency);
  // The newest business time any read model has seen: those without a type filter (subscribers,
  // default-rate, …) read every event, so this is the month of the newest event in the log.
  const meta = await db.query<{ as_of: Date | null }>(`SELECT max(as_of) AS as_of FROM ${META_TABLE} WHERE strpos(name, $1) = 0`, [REBUILD_SUFFIX]);
  const asOf = meta.rows[0]?.as_of ? new Date(meta.rows[0].as_of).toISOString() : null;
  const lastMonth = asOf ? monthOf(asOf) : null;
  const sizes = await db.query<{ cohort: string; customers: string; mrr: string }>(
    `SELECT cohort, SUM(customers)::bigint AS customers, SUM(mrr)::bigint AS mrr FROM ${cohortsTable.name}
      WHERE segment = ANY($1::text[]) AND currency = $2 AND cohort >= $3 AND cohort <= $4 GROUP BY cohort`,
    [segs, currency ?? '', q.from, q.to],
  );
  const changes = await db.query<{ cohort: string; month: string; customers: string; mrr: string }>(
    `SELECT cohort, month, SUM(customers_delta)::bigint AS customers, SUM(mrr_delta)::bigint AS mrr FROM ${cohortChangesTable.name}
      WHERE segment = ANY($1::text[]) AND currency = $2 AND cohort >= $3 AND cohort <= $4 GROUP BY cohort, month ORDER BY cohort, month`,
    [segs, currency ?? '', q.from, q.to],
  );
  const sizeOf = new Map(sizes.rows.map((r) => [r.cohort, { customers: Number(r.customers), mrr: Number(r.mrr) }]));
  const changesOf = new Map<string, Map<string, { customers: number; mrr: number }>>();
  for (const r of changes.rows) {
    const byMonth = changesOf.get(r.cohort) ?? new Map<string, { customers: number; mrr: number }>();
    byMonth.set(r.month, { customers: Number(r.customers), mrr: Number(r.mrr) });
    changesOf.set(r.cohort, byMonth);
  }
  const list = monthRange(q.from, q.to).map((cohort): Cohort => {
    const size = sizeOf.get(cohort) ?? { customers: 0, mrr: 0 };
    const byMonth = changesOf.get(cohort) ?? new Map();
    const months: CohortMonth[] = [];
    let customers = 0;
    let mrr = 0;
    const offsets = lastMonth === null || lastMonth < cohort ? -1 : monthsBetween(cohort, lastMonth);
    for (let k = 0; k <= offsets; k++) {
      const month = addMonths(cohort, k);
      const c = byMonth.get(month);
      customers += c?.customers ?? 0;
      mrr += c?.mrr ?? 0;
      months.push({ offset: k, month, customersRetained: customers, customerRetention: rate(customers, size.customers), mrrRetained: mrr, netMrrRetention: rate(mrr, size.mrr) });
    }
    return { cohort, customers: size.customers, mrr: size.mrr, months };
  });
  return { segment, currency, lastMonth, cohorts: list };
}
