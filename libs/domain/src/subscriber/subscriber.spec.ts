import { makeDunningPolicy } from '../dunning/policy.js';
import { DomainError } from '../shared/errors.js';
import { enrolled, invoiced, missed, sc, se, SUB, T0, basicPlan } from '../testing/fixtures.js';
import { givenSubscriber as given } from '../testing/given-when-then.js';
import { decideSubscriber } from './decide.js';
import { foldSubscriber } from './evolve.js';
import { subscriberView } from './view.js';

const D1 = '2026-01-05T12:00:00.000Z';
const DUE = '2026-01-10';
const ON_DUE_DATE = '2026-01-10T23:59:59.999Z';
const DAY_AFTER = '2026-01-11T00:00:00.000Z';

const qualified = { needsService: true, valuesService: true, canPay: true };
const enrollData = {
  name: 'Ana Pérez',
  segment: 'b2c' as const,
  plan: basicPlan,
  salesRepId: 'rep-1',
  qualification: qualified,
};

const billed = [enrolled(), invoiced('inv-1', DUE)];
const missedInv1 = [...billed, ...missed('inv-1', 3000, DUE, 1, DAY_AFTER)];

describe('subscriber: enrollment (unqualified-subscriber)', () => {
  it('enrolls a qualified subscriber', () => {
    given([])
      .when(sc('EnrollSubscriber', enrollData, T0))
      .then([enrolled()]);
  });

  it('records noticeDays and normalises business time to UTC', () => {
    given([])
      .when(sc('EnrollSubscriber', { ...enrollData, noticeDays: 30 }, '2026-01-01T06:00:00-03:00'))
      .then([enrolled({ noticeDays: 30 })]);
  });

  it('refuses a subscriber who does not value the service', () => {
    given([])
      .when(sc('EnrollSubscriber', { ...enrollData, qualification: { ...qualified, valuesService: false } }, T0))
      .then('unqualified-subscriber');
  });

  it('refuses a subscriber who cannot pay', () => {
    given([])
      .when(sc('EnrollSubscriber', { ...enrollData, qualification: { ...qualified, canPay: false } }, T0))
      .then('unqualified-subscriber');
  });

  it('accepts an override with who and why, and records it', () => {
    const override = { by: 'gerente', justification: 'strategic client, guarantor signed' };
    given([])
      .when(sc('EnrollSubscriber', { ...enrollData, qualification: { ...qualified, needsService: false }, override }, T0))
      .then([enrolled({ qualification: { ...qualified, needsService: false }, override })]);
  });

  it('refuses an override without a justification', () => {
    given([])
      .when(sc('EnrollSubscriber', { ...enrollData, qualification: { ...qualified, canPay: false }, override: { by: 'gerente', justification: '  ' } }, T0))
      .then('unqualified-subscriber');
  });

  it('refuses enrolling twice', () => {
    given([enrolled()]).when(sc('EnrollSubscriber', enrollData, D1)).then('subscriber-already-enrolled');
  });

  it('answers unknown-subscriber (404) for any other command on a new stream', () => {
    given([]).when(sc('LogComplaint', { category: 'x', description: 'y' }, D1)).then('unknown-subscriber');
    try {
      decideSubscriber(sc('LogComplaint', { category: 'x', description: 'y' }, D1), foldSubscriber([]));
    } catch (e) {
      expect(e).toBeInstanceOf(DomainError);
      expect((e as DomainError).status).toBe(404);
    }
  });
});

describe('subscriber: command validation (400)', () => {
  it('refuses non-integer money', () => {
    given([enrolled()])
      .when(sc('IssueInvoice', { invoiceId: 'i', period: '2026-01', amount: 30.5, dueDate: DUE }, D1))
      .then('invalid-command');
  });
  it('refuses negative and zero amounts', () => {
    given(billed).when(sc('RecordPayment', { invoiceId: 'inv-1', amount: -1 }, D1)).then('invalid-command');
    given(billed).when(sc('RecordPayment', { invoiceId: 'inv-1', amount: 0 }, D1)).then('invalid-command');
  });
  it('refuses impossible calendar dates and malformed instants', () => {
    given([enrolled()])
      .when(sc('IssueInvoice', { invoiceId: 'i', period: '2026-02', amount: 1, dueDate: '2026-02-30' }, D1))
      .then('invalid-command');
    given([enrolled()]).when(sc('LogComplaint', { category: 'x', description: 'y' }, '2026-01-05 10:00')).then('invalid-command');
  });
  it('refuses unknown fields', () => {
    const cmd = sc('LogComplaint', { category: 'x', description: 'y' }, D1);
    given([enrolled()]).when({ ...cmd, data: { ...cmd.data, severity: 3 } as typeof cmd.data }).then('invalid-command');
  });
  it('reports field paths', () => {
    try {
      decideSubscriber(sc('EnrollSubscriber', { ...enrollData, plan: { ...basicPlan, monthlyFee: 1.5 } }, T0), foldSubscriber([]));
      throw new Error('not refused');
    } catch (e) {
      expect((e as { errors: Array<{ field: string }> }).errors.map((x) => x.field)).toContain('plan.monthlyFee');
    }
  });
});

describe('subscriber: time-goes-backwards', () => {
  it('refuses a command earlier than the last event', () => {
    given(billed).when(sc('LogComplaint', { category: 'x', description: 'y' }, '2026-01-01T09:59:59.999Z')).then('time-goes-backwards');
  });
  it('accepts a command at the same instant as the last event', () => {
    given(billed)
      .when(sc('LogComplaint', { category: 'billing', description: 'wrong amount' }, '2026-01-01T10:00:00.000Z'))
      .then([se('ComplaintLogged', { category: 'billing', description: 'wrong amount' }, '2026-01-01T10:00:00.000Z')]);
  });
  it('raises the time of an automated command instead of refusing', () => {
    const events = given(missedInv1).when({ ...sc('SuspendService', { reason: 'abuse' }, '2026-01-02T00:00:00.000Z'), automatedBy: 'test' }).events();
    expect(events[0]?.data.occurredAt).toBe(DAY_AFTER);
  });
});

describe('subscriber: invoices (no-billing-while-suspended)', () => {
  it('issues an invoice', () => {
    given([enrolled()])
      .when(sc('IssueInvoice', { invoiceId: 'inv-1', period: '2026-01', amount: 3000, dueDate: DUE }, '2026-01-01T10:00:00.000Z'))
      .then([invoiced('inv-1', DUE)]);
  });
  it('refuses an invoice while suspended', () => {
    given([...missedInv1, se('ServiceSuspended', { reason: 'non_payment', outstanding: 3000 }, '2026-01-25T00:00:00.000Z')])
      .when(sc('IssueInvoice', { invoiceId: 'inv-2', period: '2026-02', amount: 3000, dueDate: '2026-02-10' }, '2026-02-01T00:00:00.000Z'))
      .then('no-billing-while-suspended');
  });
  it('refuses an invoice once terminated', () => {
    given([enrolled(), ...terminatedVoluntarily()])
      .when(sc('IssueInvoice', { invoiceId: 'inv-2', period: '2026-03', amount: 3000, dueDate: '2026-03-10' }, '2026-03-01T00:00:00.000Z'))
      .then('no-billing-while-suspended');
  });
  it('bills a subscriber under notice (still served)', () => {
    given([enrolled(), clientNotice('2026-03-01')])
      .when(sc('IssueInvoice', { invoiceId: 'inv-2', period: '2026-02', amount: 3000, dueDate: '2026-02-10' }, '2026-02-01T00:00:00.000Z'))
      .then([invoiced('inv-2', '2026-02-10', 3000, '2026-02-01T00:00:00.000Z', '2026-02')]);
  });
  it('refuses an invoice id twice', () => {
    given(billed).when(sc('IssueInvoice', { invoiceId: 'inv-1', period: '2026-02', amount: 3000, dueDate: '2026-02-10' }, D1)).then('duplicate-invoice');
  });
});

describe('subscriber: payments (unknown-invoice, invoice-already-settled, overpayment)', () => {
  it('records a partial payment', () => {
    given(billed).when(sc('RecordPayment', { invoiceId: 'inv-1', amount: 1000 }, D1)).then([se('PaymentReceived', { invoiceId: 'inv-1', amount: 1000 }, D1)]);
  });
  it('records a payment of a missed invoice', () => {
    const t = '2026-01-12T00:00:00.000Z';
    given(missedInv1).when(sc('RecordPayment', { invoiceId: 'inv-1', amount: 3000 }, t)).then([se('PaymentReceived', { invoiceId: 'inv-1', amount: 3000 }, t)]);
  });
  it('refuses a payment of an unknown invoice', () => {
    given(billed).when(sc('RecordPayment', { invoiceId: 'nope', amount: 1000 }, D1)).then('unknown-invoice');
  });
  it('refuses a payment of a paid invoice', () => {
    given([...billed, se('PaymentReceived', { invoiceId: 'inv-1', amount: 3000 }, D1)])
      .when(sc('RecordPayment', { invoiceId: 'inv-1', amount: 1 }, D1))
      .then('invoice-already-settled');
  });
  it('refuses a payment of a written-off invoice', () => {
    given([...missedInv1, se('DebtWrittenOff', { invoiceIds: ['inv-1'], amount: 3000 }, DAY_AFTER)])
      .when(sc('RecordPayment', { invoiceId: 'inv-1', amount: 3000 }, DAY_AFTER))
      .then('invoice-already-settled');
  });
  it('refuses a payment above what is still owed', () => {
    given([...billed, se('PaymentReceived', { invoiceId: 'inv-1', amount: 2000 }, D1)])
      .when(sc('RecordPayment', { invoiceId: 'inv-1', amount: 1001 }, D1))
      .then('overpayment');
  });
  it('pays the exact rest', () => {
    given([...billed, se('PaymentReceived', { invoiceId: 'inv-1', amount: 2000 }, D1)])
      .when(sc('RecordPayment', { invoiceId: 'inv-1', amount: 1000 }, D1))
      .then([se('PaymentReceived', { invoiceId: 'inv-1', amount: 1000 }, D1)]);
  });
});

describe('subscriber: missed payments (payment-not-missed)', () => {
  it('records a payment missed the day after the due date (graceDays 0) with a friendly reminder', () => {
    given(billed).when(sc('RecordMissedPayment', { invoiceId: 'inv-1' }, DAY_AFTER)).then([...missed('inv-1', 3000, DUE, 1, DAY_AFTER)]);
  });
  it('refuses on the due date itself, up to its last millisecond', () => {
    given(billed).when(sc('RecordMissedPayment', { invoiceId: 'inv-1' }, ON_DUE_DATE)).then('payment-not-missed');
  });
  it('honours graceDays: missed only when MORE than graceDays days past due', () => {
    const policy = makeDunningPolicy({ graceDays: 3 });
    given(billed).when(sc('RecordMissedPayment', { invoiceId: 'inv-1' }, '2026-01-13T23:00:00.000Z'), { policy }).then('payment-not-missed');
    given(billed)
      .when(sc('RecordMissedPayment', { invoiceId: 'inv-1' }, '2026-01-14T00:00:00.000Z'), { policy })
      .then([...missed('inv-1', 3000, DUE, 1, '2026-01-14T00:00:00.000Z')]);
  });
  it('records what is still owed after a partial payment', () => {
    given([...billed, se('PaymentReceived', { invoiceId: 'inv-1', amount: 1000 }, D1)])
      .when(sc('RecordMissedPayment', { invoiceId: 'inv-1' }, DAY_AFTER))
      .then([...missed('inv-1', 2000, DUE, 1, DAY_AFTER)]);
  });
  it('counts consecutive misses and resets on an invoice paid on time', () => {
    const second = invoiced('inv-2', '2026-02-10', 3000, '2026-02-01T00:00:00.000Z', '2026-02');
    given([...missedInv1, second])
      .when(sc('RecordMissedPayment', { invoiceId: 'inv-2' }, '2026-02-11T00:00:00.000Z'))
      .then([...missed('inv-2', 3000, '2026-02-10', 2, '2026-02-11T00:00:00.000Z')]);
    const s = given([...missedInv1, second, se('PaymentReceived', { invoiceId: 'inv-2', amount: 3000 }, '2026-02-05T00:00:00.000Z')]).state();
    expect(s.consecutiveMissed).toBe(0);
  });
  it('refuses a paid invoice', () => {
    given([...billed, se('PaymentReceived', { invoiceId: 'inv-1', amount: 3000 }, D1)])
      .when(sc('RecordMissedPayment', { invoiceId: 'inv-1' }, DAY_AFTER))
      .then('invoice-already-settled');
  });
  it('refuses an invoice already recorded missed', () => {
    given(missedInv1).when(sc('RecordMissedPayment', { invoiceId: 'inv-1' }, DAY_AFTER)).then('payment-already-missed');
  });
  it('refuses an unknown invoice', () => {
    given(billed).when(sc('RecordMissedPayment', { invoiceId: 'x' }, DAY_AFTER)).then('unknown-invoice');
  });
  it('decides nothing for an automated command that no longer applies', () => {
    given(missedInv1).when({ ...sc('RecordMissedPayment', { invoiceId: 'inv-1' }, DAY_AFTER), automatedBy: 'scheduler' }).then([]);
  });
});

describe('subscriber: reminders', () => {
  it('sends a firm reminder', () => {
    given(missedInv1)
      .when(sc('SendPaymentReminder', { invoiceId: 'inv-1', tone: 'firm' }, '2026-01-15T00:00:00.000Z'))
      .then([se('PaymentReminderSent', { invoiceId: 'inv-1', tone: 'firm' }, '2026-01-15T00:00:00.000Z')]);
  });
  it('refuses a reminder for a settled invoice', () => {
    given([...billed, se('PaymentReceived', { invoiceId: 'inv-1', amount: 3000 }, D1)])
      .when(sc('SendPaymentReminder', { invoiceId: 'inv-1', tone: 'firm' }, D1))
      .then('invoice-already-settled');
  });
});

describe('subscriber: payment arrangements (arrangement-too-long)', () => {
  it('agrees an arrangement ending 30 days after the day it is agreed', () => {
    given(missedInv1)
      .when(sc('AgreePaymentArrangement', { invoiceIds: ['inv-1'], payBy: '2026-02-10' }, '2026-01-11T15:00:00.000Z'))
      .then([se('PaymentArrangementAgreed', { invoiceIds: ['inv-1'], payBy: '2026-02-10' }, '2026-01-11T15:00:00.000Z')]);
  });
  it('refuses an arrangement ending 31 days after', () => {
    given(missedInv1)
      .when(sc('AgreePaymentArrangement', { invoiceIds: ['inv-1'], payBy: '2026-02-11' }, '2026-01-11T15:00:00.000Z'))
      .then('arrangement-too-long');
  });
  it('refuses chaining a second arrangement on the same invoice', () => {
    given([...missedInv1, se('PaymentArrangementAgreed', { invoiceIds: ['inv-1'], payBy: '2026-01-20' }, DAY_AFTER)])
      .when(sc('AgreePaymentArrangement', { invoiceIds: ['inv-1'], payBy: '2026-02-05' }, '2026-01-19T00:00:00.000Z'))
      .then('arrangement-too-long');
  });
  it('refuses an arrangement on unknown or settled invoices', () => {
    given(missedInv1).when(sc('AgreePaymentArrangement', { invoiceIds: ['inv-9'], payBy: '2026-01-20' }, DAY_AFTER)).then('unknown-invoice');
    given([...missedInv1, se('PaymentReceived', { invoiceId: 'inv-1', amount: 3000 }, DAY_AFTER)])
      .when(sc('AgreePaymentArrangement', { invoiceIds: ['inv-1'], payBy: '2026-01-20' }, DAY_AFTER))
      .then('invoice-already-settled');
  });
  it('refuses a payBy before the day of agreement (400)', () => {
    given(missedInv1).when(sc('AgreePaymentArrangement', { invoiceIds: ['inv-1'], payBy: '2026-01-10' }, DAY_AFTER)).then('invalid-command');
  });
});

describe('subscriber: suspension (suspension-needs-missed-payment)', () => {
  const t = '2026-01-25T00:00:00.000Z';
  it('suspends for non-payment and writes the missed invoices off (default policy)', () => {
    given(missedInv1)
      .when(sc('SuspendService', { reason: 'non_payment' }, t))
      .then([
        se('ServiceSuspended', { reason: 'non_payment', outstanding: 3000 }, t),
        se('DebtWrittenOff', { invoiceIds: ['inv-1'], amount: 3000 }, t),
      ]);
  });
  it('does not write off when the policy says so', () => {
    given(missedInv1)
      .when(sc('SuspendService', { reason: 'non_payment' }, t), { policy: makeDunningPolicy({ writeOffOnSuspension: false }) })
      .then([se('ServiceSuspended', { reason: 'non_payment', outstanding: 3000 }, t)]);
  });
  it('lets the command override the policy', () => {
    given(missedInv1)
      .when(sc('SuspendService', { reason: 'non_payment', writeOff: false }, t))
      .then([se('ServiceSuspended', { reason: 'non_payment', outstanding: 3000 }, t)]);
  });
  it('outstanding counts open invoices too; only missed ones are written off', () => {
    const inv2 = invoiced('inv-2', '2026-02-10', 3000, '2026-01-20T00:00:00.000Z', '2026-02');
    given([...missedInv1, inv2])
      .when(sc('SuspendService', { reason: 'non_payment' }, t))
      .then([
        se('ServiceSuspended', { reason: 'non_payment', outstanding: 6000 }, t),
        se('DebtWrittenOff', { invoiceIds: ['inv-1'], amount: 3000 }, t),
      ]);
  });
  it('refuses a non-payment suspension without a missed, unpaid invoice', () => {
    given(billed).when(sc('SuspendService', { reason: 'non_payment' }, t)).then('suspension-needs-missed-payment');
    given([...missedInv1, se('PaymentReceived', { invoiceId: 'inv-1', amount: 3000 }, DAY_AFTER)])
      .when(sc('SuspendService', { reason: 'non_payment' }, t))
      .then('suspension-needs-missed-payment');
  });
  it('suspends for abuse without any debt', () => {
    given([enrolled()]).when(sc('SuspendService', { reason: 'abuse' }, t)).then([se('ServiceSuspended', { reason: 'abuse', outstanding: 0 }, t)]);
  });
  it('refuses suspending twice', () => {
    given([enrolled(), se('ServiceSuspended', { reason: 'abuse', outstanding: 0 }, D1)])
      .when(sc('SuspendService', { reason: 'other' }, t))
      .then('already-suspended');
  });
});

describe('subscriber: reinstatement (reinstatement-needs-zero-balance)', () => {
  const susp = '2026-01-25T00:00:00.000Z';
  const suspendedNoWriteOff = [...missedInv1, se('ServiceSuspended', { reason: 'non_payment', outstanding: 3000 }, susp)];
  const later = '2026-01-27T00:00:00.000Z';
  it('refuses while a missed invoice is owed', () => {
    given(suspendedNoWriteOff).when(sc('ReinstateService', { reason: 'asked' }, later)).then('reinstatement-needs-zero-balance');
  });
  it('reinstates once the missed invoices are paid', () => {
    given([...suspendedNoWriteOff, se('PaymentReceived', { invoiceId: 'inv-1', amount: 3000 }, susp)])
      .when(sc('ReinstateService', { reason: 'paid up' }, later))
      .then([se('ServiceReinstated', { reason: 'paid up' }, later)]);
  });
  it('reinstates after a write-off (the operator decides)', () => {
    given([...suspendedNoWriteOff, se('DebtWrittenOff', { invoiceIds: ['inv-1'], amount: 3000 }, susp)])
      .when(sc('ReinstateService', { reason: 'client came back' }, later))
      .then([se('ServiceReinstated', { reason: 'client came back' }, later)]);
  });
  it('returns to notice when a notice is in force', () => {
    const s = given([
      ...suspendedNoWriteOff,
      se('PaymentReceived', { invoiceId: 'inv-1', amount: 3000 }, susp),
      clientNotice('2026-03-01', susp),
      se('ServiceReinstated', { reason: 'paid' }, later),
    ]).state();
    expect(s.status).toBe('notice');
  });
  it('refuses when not suspended', () => {
    given(billed).when(sc('ReinstateService', { reason: 'x' }, later)).then('not-suspended');
  });
});

describe('subscriber: write-off, costs, complaints, plans', () => {
  const t = '2026-01-20T00:00:00.000Z';
  it('writes debt off', () => {
    given(missedInv1).when(sc('WriteOffDebt', { invoiceIds: ['inv-1'] }, t)).then([se('DebtWrittenOff', { invoiceIds: ['inv-1'], amount: 3000 }, t)]);
  });
  it('refuses writing off a settled invoice', () => {
    given([...missedInv1, se('DebtWrittenOff', { invoiceIds: ['inv-1'], amount: 3000 }, t)])
      .when(sc('WriteOffDebt', { invoiceIds: ['inv-1'] }, t))
      .then('invoice-already-settled');
  });
  it('records a cost to serve', () => {
    given([enrolled()])
      .when(sc('RecordCostToServe', { kind: 'false_alarm', amount: 4500, minutes: 40 }, t))
      .then([se('CostToServeRecorded', { kind: 'false_alarm', amount: 4500, minutes: 40 }, t)]);
  });
  it('logs a complaint and counts it', () => {
    const ev = se('ComplaintLogged', { category: 'service', description: 'siren too loud' }, t);
    given([enrolled()]).when(sc('LogComplaint', { category: 'service', description: 'siren too loud' }, t)).then([ev]);
    expect(given([enrolled(), ev, ev]).state().complaintCount).toBe(2);
  });
  it('changes the plan', () => {
    given([enrolled()])
      .when(sc('ChangePlan', { to: { code: 'plus', monthlyFee: 4500 }, reason: 'upgrade' }, t))
      .then([se('PlanChanged', { from: { code: 'basic', monthlyFee: 3000 }, to: { code: 'plus', monthlyFee: 4500 }, reason: 'upgrade' }, t)]);
  });
});

describe('subscriber: migration', () => {
  const t = '2026-01-20T00:00:00.000Z';
  it('migrates to another plan, which becomes the current plan', () => {
    const toPlan = { code: 'prepaid', monthlyFee: 2500, currency: 'ARS' };
    const ev = se('ClientMigrated', { target: 'prepaid', toPlan, caseId: 'case-1' }, t);
    given([enrolled()]).when(sc('MigrateClient', { target: 'prepaid', toPlan, caseId: 'case-1' }, t)).then([ev]);
    expect(given([enrolled(), ev]).state().plan).toEqual(toPlan);
  });
  it('refuses a plan in another currency', () => {
    given([enrolled()])
      .when(sc('MigrateClient', { target: 'plan', toPlan: { code: 'x', monthlyFee: 1, currency: 'USD' } }, t))
      .then('currency-mismatch');
  });
  it('requires toPlan for target plan and partner for target partner (400)', () => {
    given([enrolled()]).when(sc('MigrateClient', { target: 'plan' }, t)).then('invalid-command');
    given([enrolled()]).when(sc('MigrateClient', { target: 'partner' }, t)).then('invalid-command');
  });
  it('terminates (migrated) after a migration to a partner', () => {
    const t2 = '2026-01-20T00:00:01.000Z';
    given([enrolled(), se('ClientMigrated', { target: 'partner', partner: 'Vecinos Seguros' }, t)])
      .when(sc('TerminateSubscriber', {}, t2))
      .then([
        se(
          'SubscriberTerminated',
          { kind: 'migrated', reasons: ['migrated to partner Vecinos Seguros'], effectiveDate: '2026-01-20', finalBalance: 0, planAtTermination: basicPlan },
          t2,
        ),
      ]);
  });
});

describe('subscriber: cancellation', () => {
  const t = '2026-01-20T00:00:00.000Z';
  it('records a cancellation request', () => {
    given([enrolled()])
      .when(sc('RequestCancellation', { reason: 'too expensive', requestedEffectiveDate: '2026-02-28' }, t))
      .then([se('CancellationRequested', { reason: 'too expensive', requestedEffectiveDate: '2026-02-28' }, t)]);
  });
  it('refuses a second pending request', () => {
    given([enrolled(), se('CancellationRequested', { reason: 'x' }, t)]).when(sc('RequestCancellation', { reason: 'y' }, t)).then('cancellation-already-requested');
  });
  it('refuses a request under notice', () => {
    given([enrolled(), clientNotice('2026-03-01')]).when(sc('RequestCancellation', { reason: 'y' }, t)).then('notice-in-force');
  });
  it('withdraws a pending cancellation', () => {
    given([enrolled(), se('CancellationRequested', { reason: 'x' }, t)])
      .when(sc('WithdrawCancellation', { caseId: 'case-1' }, t))
      .then([se('CancellationWithdrawn', { caseId: 'case-1' }, t)]);
  });
  it('withdrawing also lifts a client notice', () => {
    const s = given([enrolled(), clientNotice('2026-03-01'), se('CancellationWithdrawn', { caseId: 'case-1' }, t)]).state();
    expect(s.status).toBe('active');
    expect(s.notice).toBeNull();
  });
  it('refuses withdrawing when nothing is pending', () => {
    given([enrolled()]).when(sc('WithdrawCancellation', { caseId: 'case-1' }, t)).then('no-pending-cancellation');
  });
});

describe('subscriber: termination notice (termination-needs-approval, notice-too-short, reasons-required, recommendation-required)', () => {
  const t = '2026-01-20T15:00:00.000Z';
  const provider = {
    initiatedBy: 'provider' as const,
    reasons: ['repeated false alarms after training and a plan change'],
    recommendedProvider: 'Otra Alarma SA',
    caseId: 'case-1',
    approvedBy: 'ceo',
    caseKind: 'unprofitable' as const,
  };
  const noticeEvent = (effectiveDate: string, extra: Record<string, unknown> = {}) =>
    se(
      'TerminationNoticeGiven',
      {
        initiatedBy: 'provider',
        reasons: provider.reasons,
        effectiveDate,
        recommendedProvider: 'Otra Alarma SA',
        caseId: 'case-1',
        approvedBy: 'ceo',
        ...extra,
      },
      t,
    );

  it('gives a provider notice from an approved case (b2c: 15 days)', () => {
    given([enrolled()]).when(sc('GiveTerminationNotice', { ...provider, effectiveDate: '2026-02-04' }, t)).then([noticeEvent('2026-02-04')]);
  });
  it('refuses a provider notice without an approving case', () => {
    const { caseId: _c, approvedBy: _a, ...unapproved } = provider;
    given([enrolled()]).when(sc('GiveTerminationNotice', { ...unapproved, effectiveDate: '2026-03-04' }, t)).then('termination-needs-approval');
    given([enrolled()]).when(sc('GiveTerminationNotice', { ...provider, approvedBy: ' ', effectiveDate: '2026-03-04' }, t)).then('termination-needs-approval');
  });
  it('refuses b2c notice shorter than 15 days', () => {
    given([enrolled()]).when(sc('GiveTerminationNotice', { ...provider, effectiveDate: '2026-02-03' }, t)).then('notice-too-short');
  });
  it('b2b needs 60 days', () => {
    given([enrolled({ segment: 'b2b' })]).when(sc('GiveTerminationNotice', { ...provider, effectiveDate: '2026-03-20' }, t)).then('notice-too-short');
    given([enrolled({ segment: 'b2b' })]).when(sc('GiveTerminationNotice', { ...provider, effectiveDate: '2026-03-21' }, t)).then([noticeEvent('2026-03-21')]);
  });
  it("the contract's noticeDays wins over the segment default", () => {
    given([enrolled({ segment: 'b2b', noticeDays: 30 })]).when(sc('GiveTerminationNotice', { ...provider, effectiveDate: '2026-02-19' }, t)).then([noticeEvent('2026-02-19')]);
    given([enrolled({ noticeDays: 30 })]).when(sc('GiveTerminationNotice', { ...provider, effectiveDate: '2026-02-18' }, t)).then('notice-too-short');
  });
  it('a non_payment case needs 15 days, even for b2b', () => {
    given([enrolled({ segment: 'b2b' })])
      .when(sc('GiveTerminationNotice', { ...provider, caseKind: 'non_payment', effectiveDate: '2026-02-04' }, t))
      .then([noticeEvent('2026-02-04')]);
  });
  it('refuses a notice without reasons, or with a blank one', () => {
    given([enrolled()]).when(sc('GiveTerminationNotice', { ...provider, reasons: [], effectiveDate: '2026-03-04' }, t)).then('reasons-required');
    given([enrolled()]).when(sc('GiveTerminationNotice', { ...provider, reasons: ['ok', ''], effectiveDate: '2026-03-04' }, t)).then('reasons-required');
  });
  it('refuses a provider notice without a recommended provider', () => {
    const { recommendedProvider: _r, ...noRec } = provider;
    given([enrolled()]).when(sc('GiveTerminationNotice', { ...noRec, effectiveDate: '2026-03-04' }, t)).then('recommendation-required');
  });
  it('an unethical client gets no recommendation', () => {
    const { recommendedProvider: _r, ...noRec } = provider;
    const ev = se(
      'TerminationNoticeGiven',
      { initiatedBy: 'provider', reasons: provider.reasons, effectiveDate: '2026-03-04', caseId: 'case-1', approvedBy: 'ceo' },
      t,
    );
    given([enrolled()]).when(sc('GiveTerminationNotice', { ...noRec, caseKind: 'unethical', effectiveDate: '2026-03-04' }, t)).then([ev]);
  });
  it('gives the client notice (no approval needed) and clears the pending cancellation', () => {
    const ev = clientNotice('2026-02-04', t);
    given([enrolled(), se('CancellationRequested', { reason: 'moving' }, t)])
      .when(sc('GiveTerminationNotice', { initiatedBy: 'client', reasons: ['moving abroad'], effectiveDate: '2026-02-04', caseId: 'case-1' }, t))
      .then([ev]);
    const s = given([enrolled(), se('CancellationRequested', { reason: 'moving' }, t), ev]).state();
    expect(s.status).toBe('notice');
    expect(s.pendingCancellation).toBeNull();
  });
});

describe('subscriber: an approved termination is honoured (notice-in-force)', () => {
  // Found by the property test: a client notice used to replace the provider's approved notice,
  // and withdrawing it then left the subscriber active as if nothing had been approved.
  const t = '2026-01-20T15:00:00.000Z';
  const providerNotice = se(
    'TerminationNoticeGiven',
    { initiatedBy: 'provider', reasons: ['false alarms after every remedy'], effectiveDate: '2026-03-04', recommendedProvider: 'Otra Alarma SA', caseId: 'case-1', approvedBy: 'ceo' },
    t,
  );
  const clientCommand = (automatedBy?: string) => ({
    ...sc('GiveTerminationNotice', { initiatedBy: 'client', reasons: ['found a cheaper provider'], effectiveDate: '2026-02-20', caseId: 'case-2' }, '2026-01-21T10:00:00.000Z'),
    ...(automatedBy ? { automatedBy } : {}),
  });
  it("refuses a client notice while the provider's notice is in force", () => {
    given([enrolled(), providerNotice]).when(clientCommand()).then('notice-in-force');
  });
  it('a client notice from a policy (rejected retention plan) then decides nothing', () => {
    given([enrolled(), providerNotice]).when(clientCommand('retention-plan-rejected')).then([]);
  });
  it("a policy's notice is measured from its trigger's business time, not from a later stream event", () => {
    // Found by the property test: approved on the 20th for the 4th of next month (15 days for a
    // non_payment case), the notice was refused notice-too-short because the subscriber's stream
    // already had an event on the 21st, to which the policy command's time is raised.
    const later = invoiced('inv-1', '2026-02-10', 3000, '2026-01-21T00:30:00.000Z', '2026-01');
    const notice = {
      ...sc(
        'GiveTerminationNotice',
        { initiatedBy: 'provider', reasons: ['three invoices unpaid'], effectiveDate: '2026-02-04', recommendedProvider: 'Otra', caseId: 'case-1', approvedBy: 'ceo', caseKind: 'non_payment' },
        '2026-01-20T23:00:00.000Z',
      ),
      automatedBy: 'termination-approved',
    };
    given([enrolled(), later]).when(notice).then([
      se(
        'TerminationNoticeGiven',
        { initiatedBy: 'provider', reasons: ['three invoices unpaid'], effectiveDate: '2026-02-04', recommendedProvider: 'Otra', caseId: 'case-1', approvedBy: 'ceo' },
        '2026-01-21T00:30:00.000Z',
      ),
    ]);
    // An operator's own command is still measured from its (own) business time.
    const { automatedBy: _a, ...manual } = notice;
    given([enrolled(), later]).when({ ...manual, data: { ...manual.data, at: '2026-01-21T01:00:00.000Z' } }).then('notice-too-short');
  });
  it('a provider notice may still follow a client notice', () => {
    const client = clientNotice('2026-02-04', t);
    const next = given([enrolled(), client])
      .when(sc('GiveTerminationNotice', { initiatedBy: 'provider', reasons: ['abuse of the staff'], effectiveDate: '2026-02-10', caseId: 'case-1', approvedBy: 'ceo', caseKind: 'abusive' }, t))
      .state();
    expect(next.notice?.initiatedBy).toBe('provider');
  });
});

describe('subscriber: termination (subscriber-terminated)', () => {
  const notice = clientNotice('2026-02-04', '2026-01-20T15:00:00.000Z');
  it('refuses before the effective date', () => {
    given([enrolled(), notice]).when(sc('TerminateSubscriber', {}, '2026-02-03T23:59:59.000Z')).then('termination-not-due');
  });
  it('terminates at the effective date (voluntary for a client notice)', () => {
    const t = '2026-02-04T00:00:00.000Z';
    given([enrolled(), notice, invoiced('inv-1', '2026-02-10', 3000, '2026-02-01T00:00:00.000Z', '2026-02')])
      .when(sc('TerminateSubscriber', {}, t))
      .then([
        se(
          'SubscriberTerminated',
          { kind: 'voluntary', reasons: ['moving abroad'], effectiveDate: '2026-02-04', finalBalance: 3000, planAtTermination: basicPlan },
          t,
        ),
      ]);
  });
  it('refuses a termination without a notice', () => {
    given([enrolled()]).when(sc('TerminateSubscriber', {}, '2026-02-04T00:00:00.000Z')).then('termination-needs-approval');
  });
  it('a terminated subscriber accepts only payments of what is owed and reactivation', () => {
    const terminated = [enrolled(), invoiced('inv-1', DUE), ...terminatedVoluntarily()];
    const t = '2026-03-02T00:00:00.000Z';
    given(terminated).when(sc('LogComplaint', { category: 'x', description: 'y' }, t)).then('subscriber-terminated');
    given(terminated).when(sc('RecordCostToServe', { kind: 'other', amount: 1 }, t)).then('subscriber-terminated');
    given(terminated).when(sc('RequestCancellation', { reason: 'y' }, t)).then('subscriber-terminated');
    given(terminated).when(sc('WriteOffDebt', { invoiceIds: ['inv-1'] }, t)).then('subscriber-terminated');
    given(terminated).when(sc('RecordPayment', { invoiceId: 'inv-1', amount: 3000 }, t)).then([se('PaymentReceived', { invoiceId: 'inv-1', amount: 3000 }, t)]);
    given(terminated).when(sc('RecordPayment', { invoiceId: 'inv-1', amount: 3001 }, t)).then('overpayment');
  });
  it('reactivates a terminated subscriber (win-back)', () => {
    const t = '2026-06-01T00:00:00.000Z';
    const plan = { code: 'plus', monthlyFee: 4000, currency: 'ARS' };
    const ev = se('SubscriberReactivated', { plan }, t);
    given([enrolled(), ...terminatedVoluntarily()]).when(sc('ReactivateSubscriber', { plan }, t)).then([ev]);
    const s = given([enrolled(), ...terminatedVoluntarily(), ev]).state();
    expect(s.status).toBe('active');
    expect(s.plan).toEqual(plan);
    expect(s.reactivations).toBe(1);
  });
  it('refuses reactivating with missed debt still owed', () => {
    given([...missedInv1, ...terminatedVoluntarily()])
      .when(sc('ReactivateSubscriber', { plan: basicPlan }, '2026-06-01T00:00:00.000Z'))
      .then('reinstatement-needs-zero-balance');
  });
  it('refuses reactivating an active subscriber', () => {
    given([enrolled()]).when(sc('ReactivateSubscriber', { plan: basicPlan }, '2026-06-01T00:00:00.000Z')).then('not-terminated');
  });
});

describe('subscriber: view', () => {
  it('shows the invoices with what is owed and the balance', () => {
    const s = given([...missedInv1, invoiced('inv-2', '2026-02-10', 3000, '2026-02-01T00:00:00.000Z', '2026-02'), se('PaymentReceived', { invoiceId: 'inv-1', amount: 1000 }, '2026-02-02T00:00:00.000Z')]).state();
    const v = subscriberView(s);
    expect(v).toMatchObject({ subscriberId: SUB, name: 'Ana Pérez', segment: 'b2c', status: 'active', plan: basicPlan, balance: 5000, overdue: 2000 });
    expect(v.invoices.map((i) => [i.invoiceId, i.status, i.owed])).toEqual([
      ['inv-1', 'missed', 2000],
      ['inv-2', 'open', 3000],
    ]);
  });
});

/** A client notice (as given after a rejected retention plan). */
function clientNotice(effectiveDate: string, at = '2026-01-15T00:00:00.000Z') {
  return se('TerminationNoticeGiven', { initiatedBy: 'client', reasons: ['moving abroad'], effectiveDate, caseId: 'case-1' }, at);
}

function terminatedVoluntarily() {
  return [
    clientNotice('2026-03-01', '2026-01-20T00:00:00.000Z'),
    se(
      'SubscriberTerminated',
      { kind: 'voluntary', reasons: ['moving abroad'], effectiveDate: '2026-03-01', finalBalance: 0, planAtTermination: basicPlan },
      '2026-03-01T00:00:00.000Z',
    ),
  ];
}
