import type { ProjectedEvent } from '../../projection.js';
import { evolveSalesPerRep } from './evolve.js';
import type { SaleRow } from './table.js';

/** Given stored rows and events, then the rows the sales-per-rep projection writes: evolve is pure, no database. */
const S = 'sub-1';
let position = 0;
const ev = (type: string, occurredAt: string, data: Record<string, unknown>, subscriberId = S) =>
  ({ type, position: String(++position), streamId: `subscriber-${subscriberId}`, occurredAt, data: { subscriberId, occurredAt, ...data } }) as unknown as ProjectedEvent;
const enrolled = (at: string) => ev('SubscriberEnrolled', at, { name: 'Ana', segment: 'b2c', plan: { code: 'basic', monthlyFee: 3000, currency: 'EUR' }, salesRepId: 'rep-ana' });
const terminated = (at: string) => ev('SubscriberTerminated', at, { kind: 'voluntary', reasons: [], effectiveDate: at.slice(0, 10), finalBalance: 0, planAtTermination: { code: 'basic', monthlyFee: 3000, currency: 'EUR' } });
const sale = (over: Partial<SaleRow> = {}): SaleRow => ({
  subscriber_id: S,
  sales_rep_id: 'rep-ana',
  segment: 'b2c',
  cohort_month: '2026-01',
  enrolled_at: '2026-01-10T00:00:00.000Z',
  churned: false,
  currency: 'EUR',
  ...over,
});
const cohort = (deltas: Partial<Record<'new_subscribers' | 'new_mrr' | 'churned_within_90_days' | 'invoices_due' | 'invoices_defaulted', number>>) => ({
  month: '2026-01',
  sales_rep_id: 'rep-ana',
  segment: 'b2c',
  currency: 'EUR',
  new_subscribers: 0,
  new_mrr: 0,
  churned_within_90_days: 0,
  invoices_due: 0,
  invoices_defaulted: 0,
  ...deltas,
});

describe('sales-per-rep read model: given rows and events, then the rows written', () => {
  it("an enrolment is a sale in the rep's cohort of its month", () => {
    const out = evolveSalesPerRep([], [enrolled('2026-01-10T00:00:00.000Z')]);
    expect(out.sales).toEqual([sale()]);
    expect(out.reps).toEqual([cohort({ new_subscribers: 1, new_mrr: 3000 })]);
  });

  it('a termination within 90 days is an early churn of the cohort, counted once', () => {
    const out = evolveSalesPerRep([sale()], [terminated('2026-04-10T00:00:00.000Z'), terminated('2026-04-11T00:00:00.000Z')]);
    expect(out.sales).toEqual([sale({ churned: true })]);
    expect(out.reps).toEqual([cohort({ churned_within_90_days: 1 })]);
  });

  it('a termination after 90 days is not an early churn and changes no sale', () => {
    const out = evolveSalesPerRep([sale()], [terminated('2026-04-10T00:00:00.001Z')]);
    expect(out.sales).toEqual([]);
    expect(out.reps).toEqual([cohort({})]);
  });

  it("invoices due and missed later count in the sale's enrolment cohort", () => {
    const out = evolveSalesPerRep(
      [sale()],
      [ev('InvoiceIssued', '2026-06-01T00:00:00.000Z', { invoiceId: 'i1', period: '2026-06', amount: 3000, dueDate: '2026-06-10' }), ev('PaymentMissed', '2026-06-11T00:00:00.000Z', { invoiceId: 'i1', amount: 3000, dueDate: '2026-06-10', consecutiveMissed: 1 })],
    );
    expect(out.reps).toEqual([cohort({ invoices_due: 1, invoices_defaulted: 1 })]);
  });

  it('leaves the loaded rows as they were', () => {
    const row = sale();
    evolveSalesPerRep([row], [terminated('2026-02-01T00:00:00.000Z')]);
    expect(row.churned).toBe(false);
  });
});
