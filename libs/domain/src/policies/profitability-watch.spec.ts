/**
 * Profitability watch (domain.md §5): given a subscriber's history, when a cost to serve is
 * recorded, then an `unprofitable` case is opened — or nothing. The watch judges a whole 90-day
 * window, so only a subscriber who was a customer that whole window (since enrolment or the last
 * reactivation) and is active or suspended is judged.
 */
import type { SubscriberEvent } from '../contracts/events.js';
import { hasFullProfitabilityWindow } from '../subscriber/queries.js';
import { foldSubscriber } from '../subscriber/evolve.js';
import { basicPlan, enrolled, invoiced, se, SUB, T0 } from '../testing/fixtures.js';
import { profitabilityWatch, type SourceEvent } from './process-managers.js';

/** T0 + 90 days: the first instant a subscriber enrolled at T0 has a whole trailing window. */
const T90 = '2026-04-01T09:00:00.000Z';
const JUST_BEFORE_T90 = '2026-04-01T08:59:59.999Z';

function given(history: SubscriberEvent[], openCases: Array<{ caseId: string; kind: 'unprofitable' | 'complaints' }> = []) {
  const subscriber = foldSubscriber(history);
  return {
    whenCostRecorded(amount: number, at: string) {
      const event = { ...se('CostToServeRecorded', { kind: 'service_visit', amount, minutes: 120 }, at), id: `evt-${at}` } as SourceEvent;
      const commands = profitabilityWatch.react(event, { subscriber: foldSubscriber([event as SubscriberEvent], subscriber), openCases });
      return {
        thenOpensUnprofitableCase() {
          expect(commands).toHaveLength(1);
          expect(commands[0]).toMatchObject({ stream: 'case', command: { type: 'OpenCase', automatedBy: 'profitability-watch', data: { subscriberId: SUB, kind: 'unprofitable', at } } });
        },
        thenNothing() {
          expect(commands).toEqual([]);
        },
      };
    },
  };
}

const paid = (amount: number, at: string) => se('PaymentReceived', { invoiceId: 'inv-1', amount }, at);

describe('profitability watch: tenure (the whole 90-day window)', () => {
  it('a brand-new b2b client whose first service visit comes before its first invoice gets no automatic case', () => {
    given([enrolled({ segment: 'b2b' })]).whenCostRecorded(150_000, '2026-01-10T10:00:00.000Z').thenNothing();
  });

  it('a client one millisecond short of 90 days as a customer is not judged yet', () => {
    given([enrolled()]).whenCostRecorded(5000, JUST_BEFORE_T90).thenNothing();
  });

  it('a client customer for exactly 90 days whose cost exceeds what it paid in the window gets an unprofitable case', () => {
    given([enrolled(), invoiced(), paid(3000, '2026-01-05T10:00:00.000Z')]).whenCostRecorded(5000, T90).thenOpensUnprofitableCase();
  });

  it('a long-standing client paying more than it costs gets nothing', () => {
    given([enrolled(), invoiced(), paid(3000, '2026-03-05T10:00:00.000Z')]).whenCostRecorded(2000, T90).thenNothing();
  });

  it('a suspended long-standing client is still judged', () => {
    given([enrolled(), invoiced(), se('ServiceSuspended', { reason: 'non_payment', outstanding: 3000 }, '2026-03-01T00:00:00.000Z')])
      .whenCostRecorded(1000, T90)
      .thenOpensUnprofitableCase();
  });

  it('a client under notice is not judged', () => {
    given([enrolled(), se('TerminationNoticeGiven', { initiatedBy: 'client', reasons: ['moving'], effectiveDate: '2026-05-01' }, '2026-03-20T00:00:00.000Z')])
      .whenCostRecorded(1000, T90)
      .thenNothing();
  });

  it('a client reactivated less than 90 days ago is judged from its reactivation, not its first enrolment', () => {
    const history: SubscriberEvent[] = [
      enrolled({}, '2025-01-01T09:00:00.000Z'),
      se('SubscriberTerminated', { kind: 'voluntary', reasons: ['moving'], effectiveDate: '2025-06-01', finalBalance: 0, planAtTermination: basicPlan }, '2025-06-01T00:00:00.000Z'),
      se('SubscriberReactivated', { plan: basicPlan }, T0),
    ];
    given(history).whenCostRecorded(1000, JUST_BEFORE_T90).thenNothing();
    given(history).whenCostRecorded(1000, T90).thenOpensUnprofitableCase();
  });

  it('an open unprofitable case is not opened twice', () => {
    given([enrolled()], [{ caseId: 'k1', kind: 'unprofitable' }]).whenCostRecorded(1000, T90).thenNothing();
  });

  it('hasFullProfitabilityWindow: active or suspended, customer since at or before the window start', () => {
    const s = foldSubscriber([enrolled()]);
    expect(s.customerSince).toBe(T0);
    expect(hasFullProfitabilityWindow(s, T90)).toBe(true);
    expect(hasFullProfitabilityWindow(s, JUST_BEFORE_T90)).toBe(false);
    expect(hasFullProfitabilityWindow(foldSubscriber([]), T90)).toBe(false);
  });
});
