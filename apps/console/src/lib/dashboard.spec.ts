import type { ChurnMonth, DefaultRateMonth, RevenueMonth } from '../api/views.js';
import { churnSplit, headline, isEmptyRange, monthsBetween, mrrMovements } from './dashboard.js';

const churn = (month: string, rate: number | null, over: Partial<ChurnMonth> = {}): ChurnMonth => ({
  month,
  customersAtStart: 100,
  new: 5,
  reactivated: 0,
  churned: { voluntary: 6, involuntary: 3, migrated: 1, total: 10, fromStart: 10 },
  customersAtEnd: 95,
  customerChurnRate: rate,
  mrrAtStart: 1_000_000,
  mrrAtEnd: 950_000,
  mrrLost: 100_000,
  revenueChurnRate: 0.1,
  mrrNew: 40_000,
  mrrExpansion: 20_000,
  mrrContraction: 10_000,
  mrrReactivation: 0,
  mrrSuspended: 0,
  mrrReinstated: 0,
  startingCustomerChurnRate: rate,
  grossMrrChurnRate: 0.11,
  netMrrChurnRate: 0.09,
  netRevenueRetention: 0.91,
  quickRatio: 0.55,
  ...over,
});
const defaults = (month: string, rate: number | null) => ({ month, defaultRate: rate }) as DefaultRateMonth;
const revenue = (month: string, arpu: number | null) => ({ month, arpu }) as RevenueMonth;

describe('dashboard headline', () => {
  it('given two months, when the headline is read for the later, then each figure carries its change against the earlier', () => {
    const h = headline('2026-11', {
      churn: [churn('2026-10', 0.05), churn('2026-11', 0.1)],
      defaults: [defaults('2026-10', 0.2), defaults('2026-11', 0.15)],
      revenue: [revenue('2026-10', 30000), revenue('2026-11', 31000)],
      reps: [
        { month: '2026-10', reps: [{ salesRepId: 'a', newSubscribers: 3 } as never] },
        { month: '2026-11', reps: [{ salesRepId: 'a', newSubscribers: 2 } as never, { salesRepId: 'b', newSubscribers: 4 } as never] },
      ],
    });
    expect(h.previousMonth).toBe('2026-10');
    expect(h.customerChurnRate.value).toBe(0.1);
    expect(h.customerChurnRate.change).toBeCloseTo(0.05);
    expect(h.defaultRate.change).toBeCloseTo(-0.05);
    expect(h.arpu).toEqual({ value: 31000, previous: 30000, change: 1000 });
    expect(h.newSales).toEqual({ value: 6, previous: 3, change: 3, reps: 2 });
  });

  it('given no previous month, then there is no change rather than a change from zero', () => {
    const h = headline('2026-11', { churn: [churn('2026-11', 0.1)], defaults: [], revenue: [], reps: [] });
    expect(h.customerChurnRate).toEqual({ value: 0.1, previous: null, change: null });
    expect(h.defaultRate.value).toBeNull();
    expect(h.newSales.value).toBeNull();
  });
});

describe('chart rows', () => {
  it('draws contraction and churned MRR below zero, and splits churn by kind over customers at start', () => {
    expect(mrrMovements([churn('2026-11', 0.1)])[0]).toEqual({ month: '2026-11', mrr: 950_000, new: 40_000, expansion: 20_000, contraction: -10_000, churned: -100_000 });
    const split = churnSplit([churn('2026-11', 0.1), churn('2026-12', null, { customersAtStart: 0 })]);
    expect(split[0]).toMatchObject({ voluntary: 0.06, involuntary: 0.03, migrated: 0.01 });
    expect(split[1]).toMatchObject({ voluntary: null, involuntary: null });
  });

  it('lists every month of a range, across a year end', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
  });
});

describe('empty range', () => {
  it('is empty only when no month had a customer, MRR or a sale', () => {
    const zero = churn('2026-11', null, { customersAtStart: 0, customersAtEnd: 0, mrrAtEnd: 0, new: 0 });
    expect(isEmptyRange([zero])).toBe(true);
    expect(isEmptyRange([zero, churn('2026-12', 0.1)])).toBe(false);
  });
});
