import type { ProjectedEvent } from '../../projection.js';
import { evolveRevenuePerClient } from './evolve.js';

/** Given stored rows and events, then the rows the revenue-per-client projection writes: evolve is pure, no database. */
const S = 'sub-1';
let position = 0;
const ev = (type: string, occurredAt: string, data: Record<string, unknown>, subscriberId = S) =>
  ({ type, position: String(++position), streamId: `subscriber-${subscriberId}`, occurredAt, data: { subscriberId, occurredAt, ...data } }) as unknown as ProjectedEvent;
const enrolled = (at: string, id = S, segment = 'b2c') => ev('SubscriberEnrolled', at, { name: 'Ana', segment, plan: { code: 'basic', monthlyFee: 3000, currency: 'EUR' }, salesRepId: 'r' }, id);
const invoice = (id: string, period: string, amount: number, at: string) => ev('InvoiceIssued', at, { invoiceId: id, period, amount, dueDate: `${period}-10` });
const month = (m: string, deltas: { billed?: number; collected?: number; cost_to_serve?: number }, segment = 'b2c') => ({
  currency: 'EUR',
  segment,
  month: m,
  billed: 0,
  collected: 0,
  cost_to_serve: 0,
  ...deltas,
});
const stored = { subscriber_id: S, segment: 'b2b', currency: 'EUR' };

describe('revenue-per-client read model: given rows and events, then the rows written', () => {
  it('an enrolment writes the subscriber; its invoice bills its period and marks it billed once', () => {
    const out = evolveRevenuePerClient([], [enrolled('2026-01-03T00:00:00.000Z'), invoice('i1', '2026-02', 3000, '2026-01-20T00:00:00.000Z'), invoice('i2', '2026-02', 500, '2026-01-21T00:00:00.000Z')]);
    expect(out.subscribers).toEqual([{ subscriber_id: S, segment: 'b2c', currency: 'EUR' }]);
    expect(out.billed).toEqual([{ period: '2026-02', subscriber_id: S, segment: 'b2c', currency: 'EUR' }]);
    expect(out.months).toEqual([month('2026-02', { billed: 3500 })]);
  });

  it('payments and costs of a stored subscriber count in the month they happened, in its segment', () => {
    const out = evolveRevenuePerClient(
      [stored],
      [ev('PaymentReceived', '2026-03-31T23:59:59.000Z', { invoiceId: 'i1', amount: 1200 }), ev('CostToServeRecorded', '2026-04-01T00:00:00.000Z', { kind: 'visit', amount: 400 })],
    );
    expect(out.subscribers).toEqual([]);
    expect(out.billed).toEqual([]);
    expect(out.months).toEqual([month('2026-03', { collected: 1200 }, 'b2b'), month('2026-04', { cost_to_serve: 400 }, 'b2b')]);
  });

  it('events of a subscriber it does not know, and a repeated enrolment, change nothing', () => {
    const out = evolveRevenuePerClient([stored], [enrolled('2026-05-01T00:00:00.000Z'), ev('PaymentReceived', '2026-05-03T00:00:00.000Z', { invoiceId: 'i9', amount: 7 }, 'nobody')]);
    expect(out).toEqual({ subscribers: [], billed: [], months: [] });
  });
});
