import type { ProjectedEvent } from '../../projection.js';
import { evolveChurn } from './evolve.js';
import type { ChurnSubscriberRow } from './table.js';

/** Given stored rows and events, then the rows the churn projection writes: evolve is pure, no database. */
const S = 'sub-1';
let position = 0;
const ev = (type: string, occurredAt: string, data: Record<string, unknown>, subscriberId = S) =>
  ({ type, position: String(++position), streamId: `subscriber-${subscriberId}`, occurredAt, data: { subscriberId, occurredAt, ...data } }) as unknown as ProjectedEvent;
const plan = (monthlyFee: number, code = 'basic') => ({ code, monthlyFee, currency: 'EUR' });
const enrolled = (at: string, fee = 3000, id = S) => ev('SubscriberEnrolled', at, { name: 'Ana', segment: 'b2c', plan: plan(fee), salesRepId: 'r' }, id);
const terminated = (at: string, kind: 'voluntary' | 'involuntary' | 'migrated', fee = 3000) =>
  ev('SubscriberTerminated', at, { kind, reasons: [], effectiveDate: at.slice(0, 10), finalBalance: 0, planAtTermination: plan(fee) });

/** A stored subscriber row, as a previous batch left it. */
const stored = (over: Partial<ChurnSubscriberRow> = {}): ChurnSubscriberRow => ({
  subscriber_id: S,
  segment: 'b2c',
  status: 'active',
  notice_by: null,
  plan_code: 'basic',
  currency: 'EUR',
  fee: 3000,
  customer_since: '2026-01-05T00:00:00.000Z',
  ...over,
});
const counters = {
  new_subscribers: 0,
  reactivated: 0,
  churned_voluntary: 0,
  churned_involuntary: 0,
  churned_migrated: 0,
  mrr_new: 0,
  mrr_lost: 0,
  mrr_expansion: 0,
  mrr_contraction: 0,
  mrr_delta: 0,
  churned_from_start: 0,
  mrr_reactivation: 0,
  mrr_suspended: 0,
  mrr_reinstated: 0,
};
const month = (m: string, deltas: Partial<typeof counters>) => ({ currency: 'EUR', segment: 'b2c', month: m, ...counters, ...deltas });

describe('churn read model: given rows and events, then the rows written', () => {
  it('an enrolment writes the subscriber and counts a new customer and its MRR in its month', () => {
    const out = evolveChurn([], [enrolled('2026-01-05T00:00:00.000Z')]);
    expect(out.subscribers).toEqual([stored()]);
    expect(out.months).toEqual([month('2026-01', { new_subscribers: 1, mrr_new: 3000, mrr_delta: 3000 })]);
  });

  it('a customer since before the month who terminates churns "from start" and loses its MRR', () => {
    const out = evolveChurn([stored()], [terminated('2026-03-10T00:00:00.000Z', 'voluntary')]);
    expect(out.subscribers).toEqual([stored({ status: 'terminated' })]);
    expect(out.months).toEqual([month('2026-03', { churned_voluntary: 1, mrr_lost: 3000, mrr_delta: -3000, churned_from_start: 1 })]);
  });

  it('joining and leaving within one month is churn but not churn from start', () => {
    const out = evolveChurn([], [enrolled('2026-02-03T00:00:00.000Z'), terminated('2026-02-20T00:00:00.000Z', 'involuntary')]);
    expect(out.months).toEqual([month('2026-02', { new_subscribers: 1, mrr_new: 3000, churned_involuntary: 1, mrr_lost: 3000, churned_from_start: 0 })]);
  });

  it('a suspension takes the fee out of MRR once; the reinstatement brings it back', () => {
    const out = evolveChurn(
      [stored()],
      [
        ev('ServiceSuspended', '2026-02-01T00:00:00.000Z', { reason: 'non_payment', outstanding: 3000 }),
        ev('ServiceSuspended', '2026-02-02T00:00:00.000Z', { reason: 'non_payment', outstanding: 3000 }),
        ev('ServiceReinstated', '2026-03-01T00:00:00.000Z', {}),
      ],
    );
    expect(out.months).toEqual([month('2026-02', { mrr_suspended: 3000, mrr_delta: -3000 }), month('2026-03', { mrr_reinstated: 3000, mrr_delta: 3000 })]);
    expect(out.subscribers).toEqual([stored({ status: 'active' })]);
  });

  it('plan changes are expansion or contraction by the fee difference', () => {
    const out = evolveChurn(
      [stored()],
      [
        ev('PlanChanged', '2026-04-01T00:00:00.000Z', { from: plan(3000), to: plan(5000, 'plus') }),
        ev('PlanChanged', '2026-04-15T00:00:00.000Z', { from: plan(5000, 'plus'), to: plan(4000, 'mid') }),
      ],
    );
    expect(out.months).toEqual([month('2026-04', { mrr_expansion: 2000, mrr_contraction: 1000, mrr_delta: 1000 })]);
    expect(out.subscribers).toEqual([stored({ plan_code: 'mid', fee: 4000 })]);
  });

  it('a reactivation counts a returning customer and restarts its tenure', () => {
    const out = evolveChurn([stored({ status: 'terminated' })], [ev('SubscriberReactivated', '2026-05-02T00:00:00.000Z', { plan: plan(2500, 'lite') })]);
    expect(out.months).toEqual([month('2026-05', { reactivated: 1, mrr_reactivation: 2500, mrr_delta: 2500 })]);
    expect(out.subscribers).toEqual([stored({ plan_code: 'lite', fee: 2500, customer_since: '2026-05-02T00:00:00.000Z' })]);
  });

  it('a row from before schema v3 (no customer_since) counts as a customer from the start', () => {
    const out = evolveChurn([stored({ customer_since: null })], [terminated('2026-03-10T00:00:00.000Z', 'migrated')]);
    expect(out.months).toEqual([month('2026-03', { churned_migrated: 1, mrr_lost: 3000, mrr_delta: -3000, churned_from_start: 1 })]);
  });

  it('a repeated enrolment and events of an unknown subscriber change nothing', () => {
    const out = evolveChurn([stored()], [enrolled('2026-06-01T00:00:00.000Z'), ev('ServiceSuspended', '2026-06-03T00:00:00.000Z', { reason: 'non_payment', outstanding: 0 }, 'nobody')]);
    expect(out.subscribers).toEqual([]);
    expect(out.months).toEqual([]);
  });

  it('leaves the loaded rows as they were', () => {
    const row = stored();
    const before = { ...row };
    evolveChurn([row], [terminated('2026-03-10T00:00:00.000Z', 'voluntary')]);
    expect(row).toEqual(before);
  });
});
