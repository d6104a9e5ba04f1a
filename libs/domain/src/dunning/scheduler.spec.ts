import { basicPlan, enrolled, invoiced, missed, se, SUB } from '../testing/fixtures.js';
import { foldSubscriber } from '../subscriber/evolve.js';
import type { SubscriberEvent } from '../contracts/events.js';
import { defaultDunningPolicy, dunningPolicyFromEnv, makeDunningPolicy } from './policy.js';
import { nextSchedulerAttention, runSchedulerPass, schedulerPass } from './scheduler.js';

const DUE = '2026-01-10';
const billed = [enrolled(), invoiced('inv-1', DUE)];
const state = (events: SubscriberEvent[]) => foldSubscriber(events);

/** Runs a pass, then checks that a second pass at the same instant yields nothing. */
function pass(events: SubscriberEvent[], asOf: string, policy = defaultDunningPolicy) {
  const r = runSchedulerPass(state(events), asOf, policy);
  expect(schedulerPass(r.state, asOf, policy)).toEqual([]);
  return r;
}

describe('scheduler pass: missed payments', () => {
  it('does nothing on the due date', () => {
    expect(schedulerPass(state(billed), '2026-01-10T23:59:00.000Z')).toEqual([]);
  });
  it('records the payment missed the day after the due date, with a friendly reminder', () => {
    const asOf = '2026-01-11T00:01:00.000Z';
    const r = pass(billed, asOf);
    expect(r.commands).toEqual([{ type: 'RecordMissedPayment', data: { subscriberId: SUB, invoiceId: 'inv-1', at: asOf }, automatedBy: 'scheduler' }]);
    expect(r.events).toEqual([...missed('inv-1', 3000, DUE, 1, asOf)]);
  });
  it('graceDays 5: missed from the sixth day past due', () => {
    const policy = makeDunningPolicy({ graceDays: 5 });
    expect(schedulerPass(state(billed), '2026-01-15T23:00:00.000Z', policy)).toEqual([]);
    expect(pass(billed, '2026-01-16T00:00:00.000Z', policy).events.map((e) => e.type)).toEqual(['PaymentMissed', 'PaymentReminderSent']);
  });
  it('records several invoices in due-date order with consecutive counts', () => {
    const events = [...billed, invoiced('inv-0', '2026-01-05', 1000, '2026-01-01T11:00:00.000Z', '2025-12')];
    const r = pass(events, '2026-01-12T00:00:00.000Z');
    expect(r.events.filter((e) => e.type === 'PaymentMissed').map((e) => [e.data.invoiceId, (e.data as { consecutiveMissed: number }).consecutiveMissed])).toEqual([
      ['inv-0', 1],
      ['inv-1', 2],
    ]);
  });
  it('ignores paid invoices', () => {
    expect(schedulerPass(state([...billed, se('PaymentReceived', { invoiceId: 'inv-1', amount: 3000 }, '2026-01-09T00:00:00.000Z')]), '2026-02-01T00:00:00.000Z')).toEqual([]);
  });
});

describe('scheduler pass: suspension', () => {
  const missedInv1 = [...billed, ...missed('inv-1', 3000, DUE, 1, '2026-01-11T00:00:00.000Z')];
  it('waits until suspendAfterDays past due', () => {
    expect(schedulerPass(state(missedInv1), '2026-01-24T23:59:59.000Z')).toEqual([]);
  });
  it('suspends 15 days past due and writes the debt off', () => {
    const asOf = '2026-01-25T00:00:00.000Z';
    const r = pass(missedInv1, asOf);
    expect(r.events).toEqual([
      se('ServiceSuspended', { reason: 'non_payment', outstanding: 3000 }, asOf),
      se('DebtWrittenOff', { invoiceIds: ['inv-1'], amount: 3000 }, asOf),
    ]);
    expect(r.state.status).toBe('suspended');
    expect(r.state.balance).toBe(0);
  });
  it('misses and suspends in one pass when the scheduler was not run for a while', () => {
    const asOf = '2026-02-01T00:00:00.000Z';
    expect(pass(billed, asOf).events.map((e) => e.type)).toEqual(['PaymentMissed', 'PaymentReminderSent', 'ServiceSuspended', 'DebtWrittenOff']);
  });
  it('keeps the debt when writeOffOnSuspension is false', () => {
    const policy = makeDunningPolicy({ writeOffOnSuspension: false });
    const r = pass(missedInv1, '2026-01-25T00:00:00.000Z', policy);
    expect(r.events.map((e) => e.type)).toEqual(['ServiceSuspended']);
    expect(r.state.balance).toBe(3000);
  });
  it('an arrangement in force defers suspension until its payBy', () => {
    const arranged = [...missedInv1, se('PaymentArrangementAgreed', { invoiceIds: ['inv-1'], payBy: '2026-02-05' }, '2026-01-12T00:00:00.000Z')];
    expect(schedulerPass(state(arranged), '2026-01-25T00:00:00.000Z')).toEqual([]);
    expect(schedulerPass(state(arranged), '2026-02-05T23:59:59.000Z')).toEqual([]);
    // Unpaid then: the next pass suspends.
    expect(pass(arranged, '2026-02-06T00:00:00.000Z').events.map((e) => e.type)).toEqual(['ServiceSuspended', 'DebtWrittenOff']);
  });
  it('a broken short arrangement suspends at the next pass', () => {
    const arranged = [...missedInv1, se('PaymentArrangementAgreed', { invoiceIds: ['inv-1'], payBy: '2026-01-15' }, '2026-01-12T00:00:00.000Z')];
    expect(pass(arranged, '2026-01-16T00:00:00.000Z').events.map((e) => e.type)).toEqual(['ServiceSuspended', 'DebtWrittenOff']);
  });
  it('a kept arrangement never suspends', () => {
    const kept = [
      ...missedInv1,
      se('PaymentArrangementAgreed', { invoiceIds: ['inv-1'], payBy: '2026-02-05' }, '2026-01-12T00:00:00.000Z'),
      se('PaymentReceived', { invoiceId: 'inv-1', amount: 3000 }, '2026-02-01T00:00:00.000Z'),
    ];
    expect(schedulerPass(state(kept), '2026-03-01T00:00:00.000Z')).toEqual([]);
  });
  it('does not suspend an already suspended subscriber again', () => {
    expect(schedulerPass(state([...missedInv1, se('ServiceSuspended', { reason: 'abuse', outstanding: 3000 }, '2026-01-12T00:00:00.000Z')]), '2026-02-01T00:00:00.000Z')).toEqual([]);
  });
});

describe('scheduler pass: notices', () => {
  const notice = se(
    'TerminationNoticeGiven',
    { initiatedBy: 'provider', reasons: ['unprofitable'], effectiveDate: '2026-02-04', recommendedProvider: 'X', caseId: 'c', approvedBy: 'ceo' },
    '2026-01-20T00:00:00.000Z',
  );
  it('does nothing before the effective date', () => {
    expect(schedulerPass(state([enrolled(), notice]), '2026-02-03T23:59:59.999Z')).toEqual([]);
  });
  it('terminates at the first pass at or after 00:00Z of the effective date, at the pass instant', () => {
    const asOf = '2026-02-04T00:00:30.000Z';
    const r = pass([enrolled(), notice], asOf);
    expect(r.events).toEqual([
      se('SubscriberTerminated', { kind: 'involuntary', reasons: ['unprofitable'], effectiveDate: '2026-02-04', finalBalance: 0, planAtTermination: basicPlan }, asOf),
    ]);
  });
  it('records misses but does not suspend a subscriber it terminates in the same pass', () => {
    const asOf = '2026-02-04T00:00:00.000Z';
    const r = pass([...billed, notice], asOf);
    expect(r.events.map((e) => e.type)).toEqual(['PaymentMissed', 'PaymentReminderSent', 'SubscriberTerminated']);
    expect(r.events.at(-1)?.data).toMatchObject({ finalBalance: 3000 });
  });
  it('terminates a subscriber suspended under notice', () => {
    const events = [enrolled(), se('ServiceSuspended', { reason: 'abuse', outstanding: 0 }, '2026-01-15T00:00:00.000Z'), notice];
    expect(pass(events, '2026-02-05T00:00:00.000Z').state.status).toBe('terminated');
  });
  it('completes a partner migration', () => {
    const events = [enrolled(), se('ClientMigrated', { target: 'partner', partner: 'P' }, '2026-01-20T00:00:00.000Z')];
    expect(pass(events, '2026-01-20T00:01:00.000Z').events.map((e) => e.data)).toMatchObject([{ kind: 'migrated' }]);
  });
});

describe('scheduler pass: guards', () => {
  it('does nothing for a terminated or unknown subscriber', () => {
    expect(schedulerPass(foldSubscriber([]), '2026-05-01T00:00:00.000Z')).toEqual([]);
    const terminated = [
      ...billed,
      se('TerminationNoticeGiven', { initiatedBy: 'client', reasons: ['r'], effectiveDate: '2026-01-05' }, '2026-01-02T00:00:00.000Z'),
      se('SubscriberTerminated', { kind: 'voluntary', reasons: ['r'], effectiveDate: '2026-01-05', finalBalance: 3000, planAtTermination: basicPlan }, '2026-01-05T00:00:00.000Z'),
    ];
    expect(schedulerPass(state(terminated), '2026-05-01T00:00:00.000Z')).toEqual([]);
  });
  it('does nothing as of an instant before the last event (business time never goes backwards)', () => {
    const events = [...billed, se('ComplaintLogged', { category: 'c', description: 'd' }, '2026-03-01T00:00:00.000Z')];
    expect(schedulerPass(state(events), '2026-02-01T00:00:00.000Z')).toEqual([]);
    expect(schedulerPass(state(events), '2026-03-01T00:00:00.000Z').length).toBeGreaterThan(0);
  });
});

describe('nextSchedulerAttention', () => {
  it('is the first instant a pass would act', () => {
    expect(nextSchedulerAttention(state([enrolled()]))).toBeNull();
    expect(nextSchedulerAttention(state(billed))).toBe('2026-01-11T00:00:00.000Z');
    const missedState = state([...billed, ...missed('inv-1', 3000, DUE, 1, '2026-01-11T00:00:00.000Z')]);
    expect(nextSchedulerAttention(missedState)).toBe('2026-01-25T00:00:00.000Z');
    expect(schedulerPass(missedState, '2026-01-25T00:00:00.000Z')).not.toEqual([]);
  });
  it('agrees with the pass for a notice', () => {
    const s = state([
      enrolled(),
      se('TerminationNoticeGiven', { initiatedBy: 'client', reasons: ['r'], effectiveDate: '2026-02-04' }, '2026-01-20T00:00:00.000Z'),
    ]);
    expect(nextSchedulerAttention(s)).toBe('2026-02-04T00:00:00.000Z');
  });
});

describe('dunning policy settings', () => {
  it('defaults follow the field advice', () => {
    expect(defaultDunningPolicy).toEqual({ graceDays: 0, suspendAfterDays: 15, writeOffOnSuspension: true });
  });
  it('reads the environment', () => {
    expect(dunningPolicyFromEnv({ DUNNING_GRACE_DAYS: '2', DUNNING_WRITE_OFF_ON_SUSPENSION: 'false' })).toEqual({
      graceDays: 2,
      suspendAfterDays: 15,
      writeOffOnSuspension: false,
    });
    expect(() => dunningPolicyFromEnv({ DUNNING_SUSPEND_AFTER_DAYS: '-1' })).toThrow(TypeError);
    expect(() => makeDunningPolicy({ graceDays: 1.5 })).toThrow(TypeError);
  });
});
