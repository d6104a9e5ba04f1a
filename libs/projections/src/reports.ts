/**
 * The forecast (domain.md §6): computed at query time from the churn and default-rate read models,
 * it has no projection of its own. Returns exactly the response body of its route in api.md.
 */
import type { SqlExecutor } from '@libs/sql';
import { addMonths, monthOf } from './months.js';
import { resolveCurrency } from './currency.js';
import { projectionAsOf, type ReportScope, type SegmentFilter } from './query-kit.js';
import { churn } from './read-models/churn/query.js';
import { churnSubscribersTable } from './read-models/churn/table.js';
import { defaultRate } from './read-models/default-rate/query.js';

export type { ReportQuery, ReportScope } from './query-kit.js';

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
