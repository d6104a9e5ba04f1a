/**
 * The dashboard's numbers, pure: headline figures for the last complete month with the change
 * against the month before, and the rows each chart and its table show.
 */
import type { ChurnMonth, DefaultRateMonth, RepMonth, RevenueMonth } from '../api/views.js';
import { addMonths } from './format.js';

export interface Kpi {
  value: number | null;
  previous: number | null;
  /** value − previous (a ratio's change is in ratio points); null when either is unknown. */
  change: number | null;
}

export interface Headline {
  month: string;
  previousMonth: string;
  customerChurnRate: Kpi;
  defaultRate: Kpi;
  arpu: Kpi;
  newSales: Kpi & { reps: number };
}

function kpi(value: number | null | undefined, previous: number | null | undefined): Kpi {
  const v = value ?? null;
  const p = previous ?? null;
  return { value: v, previous: p, change: v !== null && p !== null ? v - p : null };
}

function byMonth<M extends { month: string }>(rows: readonly M[], month: string): M | undefined {
  return rows.find((r) => r.month === month);
}

export function headline(
  month: string,
  data: { churn: readonly ChurnMonth[]; defaults: readonly DefaultRateMonth[]; revenue: readonly RevenueMonth[]; reps: ReadonlyArray<{ month: string; reps: readonly RepMonth[] }> },
): Headline {
  const previousMonth = addMonths(month, -1);
  const sales = (m: string) => {
    const reps = byMonth(data.reps, m)?.reps;
    return reps ? { total: reps.reduce((a, r) => a + r.newSubscribers, 0), reps: reps.filter((r) => r.newSubscribers > 0).length } : undefined;
  };
  const now = sales(month);
  const before = sales(previousMonth);
  return {
    month,
    previousMonth,
    customerChurnRate: kpi(byMonth(data.churn, month)?.customerChurnRate, byMonth(data.churn, previousMonth)?.customerChurnRate),
    defaultRate: kpi(byMonth(data.defaults, month)?.defaultRate, byMonth(data.defaults, previousMonth)?.defaultRate),
    arpu: kpi(byMonth(data.revenue, month)?.arpu, byMonth(data.revenue, previousMonth)?.arpu),
    newSales: { ...kpi(now?.total ?? (data.reps.length > 0 ? 0 : null), before?.total ?? null), reps: now?.reps ?? 0 },
  };
}

/** Every month of [from, to], so a chart's axis has no holes where a read model has no row. */
export function monthsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to && out.length < 600; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** One row per month of the MRR movement chart: churned MRR is drawn below zero. */
export function mrrMovements(churn: readonly ChurnMonth[]) {
  return churn.map((m) => ({
    month: m.month,
    mrr: m.mrrAtEnd,
    new: m.mrrNew,
    expansion: m.mrrExpansion,
    contraction: -m.mrrContraction,
    churned: -m.mrrLost,
  }));
}

/** Voluntary/involuntary split of the customer churn rate, each as a share of customers at start. */
export function churnSplit(churn: readonly ChurnMonth[]) {
  return churn.map((m) => {
    const base = m.customersAtStart;
    const share = (n: number) => (base > 0 ? n / base : null);
    return {
      month: m.month,
      customerChurnRate: m.customerChurnRate,
      voluntary: share(m.churned.voluntary),
      involuntary: share(m.churned.involuntary),
      migrated: share(m.churned.migrated),
      revenueChurnRate: m.revenueChurnRate,
    };
  });
}

/** True when no month of the range had a customer or any MRR: the store is empty for it. */
export function isEmptyRange(churn: readonly ChurnMonth[]): boolean {
  return churn.every((m) => m.customersAtStart === 0 && m.customersAtEnd === 0 && m.mrrAtEnd === 0 && m.new === 0);
}
