import type { ProjectedEvent } from '../../projection.js';
import { evolveCohorts } from './evolve.js';
import type { CohortMemberRow } from './table.js';

/** Given stored rows and events, then the rows the cohorts projection writes: evolve is pure, no database. */
const S = 'sub-1';
let position = 0;
const ev = (type: string, occurredAt: string, data: Record<string, unknown>, subscriberId = S) =>
  ({ type, position: String(++position), streamId: `subscriber-${subscriberId}`, occurredAt, data: { subscriberId, occurredAt, ...data } }) as unknown as ProjectedEvent;
const plan = (monthlyFee: number) => ({ code: 'basic', monthlyFee, currency: 'EUR' });
const member = (over: Partial<CohortMemberRow> = {}): CohortMemberRow => ({
  subscriber_id: S,
  cohort: '2026-01',
  segment: 'b2c',
  currency: 'EUR',
  status: 'active',
  notice_by: null,
  plan_code: 'basic',
  fee: 3000,
  ...over,
});
const change = (month: string, customers_delta: number, mrr_delta: number) => ({ cohort: '2026-01', month, segment: 'b2c', currency: 'EUR', customers_delta, mrr_delta });

describe('cohorts read model: given rows and events, then the rows written', () => {
  it('an enrolment joins the cohort of its month: its size, fee and first change', () => {
    const out = evolveCohorts([], [ev('SubscriberEnrolled', '2026-01-15T00:00:00.000Z', { name: 'Ana', segment: 'b2c', plan: plan(3000), salesRepId: 'r' })]);
    expect(out.members).toEqual([member()]);
    expect(out.sizes).toEqual([{ cohort: '2026-01', segment: 'b2c', currency: 'EUR', customers: 1, mrr: 3000 }]);
    expect(out.changes).toEqual([change('2026-01', 1, 3000)]);
  });

  it('a suspension removes MRR but keeps the customer; a termination removes the customer', () => {
    const out = evolveCohorts(
      [member()],
      [
        ev('ServiceSuspended', '2026-03-02T00:00:00.000Z', { reason: 'non_payment', outstanding: 3000 }),
        ev('SubscriberTerminated', '2026-04-02T00:00:00.000Z', { kind: 'involuntary', reasons: [], effectiveDate: '2026-04-02', finalBalance: 3000, planAtTermination: plan(3000) }),
      ],
    );
    expect(out.members).toEqual([member({ status: 'terminated' })]);
    expect(out.sizes).toEqual([]);
    expect(out.changes).toEqual([change('2026-03', 0, -3000), change('2026-04', -1, 0)]);
  });

  it('a reactivated member is retained again, with its new fee, in the month it came back', () => {
    const out = evolveCohorts([member({ status: 'terminated' })], [ev('SubscriberReactivated', '2026-06-05T00:00:00.000Z', { plan: plan(2000) })]);
    expect(out.changes).toEqual([change('2026-06', 1, 2000)]);
    expect(out.members).toEqual([member({ fee: 2000 })]);
  });

  it('an event that changes neither customer nor MRR writes the member but no change row', () => {
    const out = evolveCohorts([member()], [ev('TerminationNoticeGiven', '2026-02-01T00:00:00.000Z', { initiatedBy: 'client', reasons: [], effectiveDate: '2026-03-01' })]);
    expect(out.members).toEqual([member({ status: 'notice', notice_by: 'client' })]);
    expect(out.changes).toEqual([]);
  });
});
