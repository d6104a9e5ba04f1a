import type { CaseView, RemedyStepRecord, SubscriberView } from '../api/views.js';
import { formsEn, formsEs } from '../i18n/forms.js';
import {
  AGREE_ARRANGEMENT,
  CASE_COMMANDS,
  earliestEffectiveDate,
  ENROL,
  fieldChecks,
  ISSUE_INVOICE,
  parseMoney,
  planChecks,
  PROPOSE_PLAN,
  recommendationAllowed,
  RECOMMEND_TERMINATION,
  RECORD_PAYMENT,
  skipStep,
  SUBSCRIBER_COMMANDS,
  subscriberCommandsFor,
  takeStep,
  type CommandContext,
  type CommandSpec,
  type FormValues,
} from './commands.js';
import { draftNoticeLetter, letterAvailable } from './letter.js';

const NOW = '2026-03-10T09:30:00.000Z';

function subscriber(over: Partial<SubscriberView> = {}): SubscriberView {
  return {
    subscriberId: 'sub-1',
    name: 'Alarmas Pérez',
    segment: 'b2c',
    status: 'active',
    plan: { code: 'alarm-300', monthlyFee: 30000, currency: 'EUR' },
    currency: 'EUR',
    salesRepId: 'rep-1',
    qualification: { needsService: true, valuesService: true, canPay: true },
    override: null,
    noticeDays: null,
    enrolledAt: '2026-01-01T00:00:00.000Z',
    balance: 30000,
    overdue: 30000,
    consecutiveMissed: 1,
    invoices: [
      { invoiceId: 'inv-1', period: '2026-02', amount: 30000, dueDate: '2026-02-10', status: 'missed', owed: 30000, paid: 0, writtenOff: 0, issuedAt: '2026-02-01T00:00:00Z', missedAt: '2026-02-11T00:00:00Z', arrangedUntil: null, reminders: [] },
    ],
    arrangement: null,
    totals: { billed: 30000, paid: 0, writtenOff: 0, costToServe: 0 },
    costs: [],
    complaintCount: 0,
    pendingCancellation: null,
    notice: null,
    suspension: null,
    termination: null,
    openCases: [],
    reactivations: 0,
    version: 3,
    lastOccurredAt: '2026-02-11T00:00:00Z',
    ...over,
  };
}

function kase(over: Partial<CaseView> = {}): CaseView {
  return {
    caseId: 'case-1',
    subscriberId: 'sub-1',
    kind: 'unprofitable',
    status: 'open',
    summary: 'cost to serve above revenue',
    openedBy: 'op-1',
    openedAt: '2026-03-01T00:00:00Z',
    incidents: [],
    remedySteps: { reassess: null, educate: null, renegotiate: null, migrate: null },
    analysis: null,
    proposedPlan: null,
    agreedPlan: null,
    rejection: null,
    recommendation: null,
    approval: null,
    closure: null,
    lastOccurredAt: '2026-03-01T00:00:00Z',
    version: 0,
    ...over,
  };
}

const step = (name: RemedyStepRecord['step'], taken: boolean): RemedyStepRecord => ({ step: name, taken, outcome: taken ? 'no_change' : null, notes: taken ? 'n' : null, justification: taken ? null : 'j', at: NOW });
const allSteps = { reassess: step('reassess', true), educate: step('educate', true), renegotiate: step('renegotiate', true), migrate: step('migrate', false) };
const ctxOf = (over: Partial<CommandContext> = {}): CommandContext => ({ now: NOW, locale: 'en', subscriber: subscriber(), ...over });
const checks = (spec: CommandSpec, values: FormValues, ctx: CommandContext) => [...fieldChecks(spec.fields, values, ctx.subscriber?.currency ?? 'EUR'), ...(spec.check?.(values, ctx) ?? [])].map((c) => c.message);

describe('money in forms', () => {
  it('parses typed amounts to integer minor units without floats', () => {
    expect(parseMoney('300', 'EUR')).toBe(30000);
    expect(parseMoney('300,5', 'EUR')).toBe(30050);
    expect(parseMoney(' 0.30 ', 'EUR')).toBe(30);
    expect(parseMoney('1 234.56', 'EUR')).toBe(123456);
    expect(parseMoney('300', 'JPY')).toBe(300);
    expect(parseMoney('1.234', 'KWD')).toBe(1234);
  });

  it('refuses what is not an amount, too many decimals, and 10^12 minor units or more', () => {
    for (const bad of ['', '-5', '1e3', '3,00,0', '300.505', 'abc', '10000000000']) expect(parseMoney(bad, 'EUR')).toBeNull();
    expect(parseMoney('300.5', 'JPY')).toBeNull();
  });

  it('given a payment over what is owed, when checked, then it is refused before sending', () => {
    const ctx = ctxOf();
    expect(checks(RECORD_PAYMENT, { invoiceId: 'inv-1', amount: '300.01', at: '' }, ctx)).toEqual(['check.overpayment']);
    expect(checks(RECORD_PAYMENT, { invoiceId: 'inv-1', amount: '300', at: '' }, ctx)).toEqual([]);
    expect(RECORD_PAYMENT.body({ invoiceId: 'inv-1', amount: '299.99', at: '' }, ctx)).toEqual({ invoiceId: 'inv-1', amount: 29999 });
  });

  it('starts the invoice form from the plan fee and sends the business time only when typed', () => {
    const ctx = ctxOf();
    const initial = ISSUE_INVOICE.initial!(ctx);
    expect(initial).toMatchObject({ period: '2026-03', amount: '300.00', dueDate: '2026-03-20' });
    expect(ISSUE_INVOICE.body({ ...initial, at: '2026-03-09T08:00' }, ctx)).toEqual({ invoiceId: 'inv-2026-03', period: '2026-03', amount: 30000, dueDate: '2026-03-20', at: '2026-03-09T08:00:00Z' });
  });
});

describe('payment arrangements are short-term', () => {
  const ctx = ctxOf();
  it('given today, when pay-by is 30 days ahead it passes and 31 days ahead it is refused', () => {
    expect(checks(AGREE_ARRANGEMENT, { invoiceIds: ['inv-1'], payBy: '2026-04-09', at: '' }, ctx)).toEqual([]);
    expect(checks(AGREE_ARRANGEMENT, { invoiceIds: ['inv-1'], payBy: '2026-04-10', at: '' }, ctx)).toEqual(['check.payByTooLate']);
    expect(checks(AGREE_ARRANGEMENT, { invoiceIds: ['inv-1'], payBy: '2026-03-09', at: '' }, ctx)).toEqual(['check.payByPast']);
  });
  it('counts from the business time when one is typed', () => {
    expect(checks(AGREE_ARRANGEMENT, { invoiceIds: ['inv-1'], payBy: '2026-04-10', at: '2026-03-11T10:00' }, ctx)).toEqual([]);
  });
  it('needs at least one invoice', () => {
    expect(checks(AGREE_ARRANGEMENT, { invoiceIds: [], payBy: '2026-03-20', at: '' }, ctx)).toEqual(['check.chooseOne']);
  });
});

describe('termination recommendation', () => {
  it('computes the earliest effective date the notice rule allows', () => {
    expect(earliestEffectiveDate({ segment: 'b2b' }, NOW, 'unprofitable')).toBe('2026-05-09');
    expect(earliestEffectiveDate({ segment: 'b2c' }, NOW, 'unprofitable')).toBe('2026-03-25');
    expect(earliestEffectiveDate({ segment: 'b2b' }, NOW, 'non_payment')).toBe('2026-03-25');
    expect(earliestEffectiveDate({ segment: 'b2b', noticeDays: 90 }, NOW, 'complaints')).toBe('2026-06-08');
    expect(earliestEffectiveDate({ segment: 'b2c', noticeDays: 90 }, NOW, 'non_payment')).toBe('2026-03-25');
  });

  it('is allowed only once the four steps are taken or skipped, except for the kinds that may skip them', () => {
    expect(recommendationAllowed(kase())).toEqual({ allowed: false, reason: 'remedy-steps-incomplete', missing: ['reassess', 'educate', 'renegotiate', 'migrate'] });
    expect(recommendationAllowed(kase({ remedySteps: { ...allSteps, migrate: null } }))).toMatchObject({ allowed: false, missing: ['migrate'] });
    expect(recommendationAllowed(kase({ remedySteps: allSteps }))).toEqual({ allowed: true });
    for (const kind of ['non_payment', 'unethical', 'abusive'] as const) expect(recommendationAllowed(kase({ kind }))).toEqual({ allowed: true });
    expect(recommendationAllowed(kase({ remedySteps: allSteps, status: 'closed' }))).toMatchObject({ allowed: false, reason: 'case-closed' });
  });

  it('given a business client, when the notice is short and no provider is named, then both are caught before sending', () => {
    const ctx = ctxOf({ subscriber: subscriber({ segment: 'b2b' }), kase: kase({ remedySteps: allSteps }) });
    const values = { reasons: 'cost to serve above revenue for six months', effectiveDate: '2026-05-08', recommendedProvider: '', transitionSupport: true, at: '' };
    expect(checks(RECOMMEND_TERMINATION, values, ctx)).toEqual(['check.providerRequired', 'check.noticeTooShort']);
    expect(checks(RECOMMEND_TERMINATION, { ...values, effectiveDate: '2026-05-09', recommendedProvider: 'Seguridad Norte' }, ctx)).toEqual([]);
    expect(RECOMMEND_TERMINATION.helpValues!(values, ctx)).toEqual({ earliest: '2026-05-09', days: 60 });
  });

  it('excuses the provider for unethical clients and sends one reason per line', () => {
    const ctx = ctxOf({ kase: kase({ kind: 'unethical' }) });
    const values = { reasons: 'falsified the incident reports\n\n  threatened the technician ', effectiveDate: '2026-03-25', recommendedProvider: '', transitionSupport: false, at: '' };
    expect(checks(RECOMMEND_TERMINATION, values, ctx)).toEqual([]);
    expect(RECOMMEND_TERMINATION.body(values, ctx)).toEqual({ reasons: ['falsified the incident reports', 'threatened the technician'], effectiveDate: '2026-03-25', transitionSupport: false });
  });

  it('refuses while steps are missing, naming them', () => {
    const ctx = ctxOf({ kase: kase() });
    expect(checks(RECOMMEND_TERMINATION, { reasons: 'r', effectiveDate: '2026-03-25', recommendedProvider: 'X', transitionSupport: true, at: '' }, ctx)).toEqual(['check.stepsMissing']);
  });
});

describe('remedy steps', () => {
  it('takes a step with notes and outcome, or skips it with a justification', () => {
    const ctx = ctxOf({ kase: kase() });
    expect(takeStep('educate').body({ notes: 'trained the office manager', outcome: 'improved', at: '' }, ctx)).toEqual({ step: 'educate', notes: 'trained the office manager', outcome: 'improved' });
    expect(skipStep('migrate').body({ justification: 'no plan fits', at: '' }, ctx)).toEqual({ step: 'migrate', skipped: true, justification: 'no plan fits' });
    expect(checks(skipStep('migrate'), { justification: ' ', at: '' }, ctx)).toEqual(['check.required']);
  });
});

describe('retention plan', () => {
  it('needs actions on both sides, each described and dated, none in the past', () => {
    expect(planChecks([{ owner: 'provider', description: 'two training sessions', dueDate: '2026-03-20' }], '2026-03-10').map((c) => c.message)).toEqual(['check.planNeedsClient']);
    expect(
      planChecks(
        [
          { owner: 'provider', description: 'two training sessions', dueDate: '2026-03-20' },
          { owner: 'client', description: '', dueDate: '2026-03-01' },
        ],
        '2026-03-10',
      ).map((c) => `${c.field}:${c.message}`),
    ).toEqual(['actions.1.description:check.required', 'actions.1.dueDate:check.duePast', 'actions:check.planNeedsClient']);
  });

  it('sends the actions trimmed and the goodwill gesture only when given', () => {
    const ctx = ctxOf({ kase: kase({ kind: 'retention' }) });
    const actions = [
      { owner: 'provider' as const, description: ' two training sessions ', dueDate: '2026-03-20' },
      { owner: 'client' as const, description: 'arm the system every night', dueDate: '2026-03-31' },
    ];
    expect(checks(PROPOSE_PLAN, { actions, goodwillGesture: '', at: '' }, ctx)).toEqual([]);
    expect(PROPOSE_PLAN.body({ actions, goodwillGesture: '', at: '' }, ctx)).toEqual({ actions: [{ ...actions[0], description: 'two training sessions' }, actions[1]] });
  });
});

describe('enrolment', () => {
  const initial = ENROL.initial!(ctxOf());
  const filled = { ...initial, name: 'Norte IT', segment: 'b2b', salesRepId: 'rep-2', planCode: 'msp-gold', monthlyFee: '1500' };
  it('asks for the override (who and why) only when one qualification is "no"', () => {
    const shown = (v: FormValues) => ENROL.fields.filter((f) => !f.showIf || f.showIf(v)).map((f) => f.name);
    expect(shown(filled)).not.toContain('overrideBy');
    expect(shown({ ...filled, canPay: false })).toEqual(expect.arrayContaining(['overrideBy', 'overrideJustification']));
    expect(checks(ENROL, { ...filled, canPay: false }, ctxOf())).toEqual(['check.required', 'check.required']);
  });
  it('sends the three answers, the plan in minor units and the override when there is one', () => {
    expect(ENROL.body(filled, ctxOf())).toEqual({
      name: 'Norte IT',
      segment: 'b2b',
      salesRepId: 'rep-2',
      plan: { code: 'msp-gold', monthlyFee: 150000, currency: 'EUR' },
      qualification: { needsService: true, valuesService: true, canPay: true },
    });
    expect(ENROL.body({ ...filled, valuesService: false, overrideBy: 'sales director', overrideJustification: 'pilot customer', noticeDays: '90' }, ctxOf())).toMatchObject({
      qualification: { valuesService: false },
      override: { by: 'sales director', justification: 'pilot customer' },
      noticeDays: 90,
    });
  });
});

describe('which actions a client offers', () => {
  const ids = (s: SubscriberView) => subscriberCommandsFor(s).map((o) => o.spec.id);
  it('suspended: reinstate, no second suspension, and invoicing with the rule said up front', () => {
    const offered = subscriberCommandsFor(subscriber({ status: 'suspended' }));
    expect(offered.map((o) => o.spec.id)).toContain('reinstate');
    expect(offered.map((o) => o.spec.id)).not.toContain('suspend');
    expect(offered.find((o) => o.spec.id === 'issue-invoice')?.warning).toBe('no-billing-while-suspended');
  });
  it('active: no reinstatement or reactivation; terminated: reactivation and payments of what is still owed', () => {
    expect(ids(subscriber())).not.toEqual(expect.arrayContaining(['reinstate']));
    expect(ids(subscriber())).not.toContain('reactivate');
    expect(ids(subscriber({ status: 'terminated' }))).toEqual(['record-payment', 'reactivate']);
    expect(ids(subscriber({ status: 'terminated', invoices: [] }))).toEqual(['reactivate']);
  });
  it('no second cancellation request while one is pending or a notice is in force', () => {
    expect(ids(subscriber({ pendingCancellation: { reason: 'r', requestedEffectiveDate: null, requestedAt: NOW } }))).not.toContain('request-cancellation');
    expect(ids(subscriber({ status: 'notice', notice: { effectiveDate: '2026-05-01', initiatedBy: 'provider', reasons: ['r'], recommendedProvider: null, caseId: null, approvedBy: null, givenAt: NOW } }))).not.toContain('request-cancellation');
  });
});

describe('every form has its words', () => {
  const specs = [ENROL, ...SUBSCRIBER_COMMANDS, ...CASE_COMMANDS];
  it.each(specs.map((s) => [s.id, s] as const))('%s: a title, a label for each field and each help and message key, in both languages', (_id, spec) => {
    const keys = [`form.${spec.id}`, ...spec.fields.flatMap((f) => [f.label ?? `field.${f.name}`, ...(f.help ? [f.help] : [])])];
    for (const key of keys) {
      expect({ key, en: key in formsEn }).toEqual({ key, en: true });
      expect({ key, es: key in formsEs }).toEqual({ key, es: true });
    }
  });
});

describe('the notice letter', () => {
  const approved = kase({
    kind: 'unprofitable',
    remedySteps: allSteps,
    recommendation: { reasons: ['cost to serve exceeded revenue for six months', 'a lower plan was declined'], effectiveDate: '2026-05-09', recommendedProvider: 'Soporte Norte', transitionSupport: true, at: NOW },
    approval: { approvedBy: 'exec-1', at: NOW },
  });
  const who = { name: 'Norte IT', subscriberId: 'norte' };

  it('drafts from the case: the specific reasons, the effective date, the provider, the transition offer and thanks', () => {
    const letter = draftNoticeLetter(approved, who, 'en', '2026-03-10')!;
    expect(letter).toContain('Dear Norte IT,');
    expect(letter).toContain('- cost to serve exceeded revenue for six months');
    expect(letter).toContain('- a lower plan was declined');
    expect(letter).toContain('9 May 2026');
    expect(letter).toContain('we recommend Soporte Norte');
    expect(letter).toContain('documentation');
    expect(letter).toContain('Thank you');
    expect(letter).toContain('case case-1');
    const es = draftNoticeLetter(approved, who, 'es', '2026-03-10')!;
    expect(es).toContain('le recomendamos a Soporte Norte');
    expect(es).toContain('9 may 2026');
  });

  it('judges no one: the only reasons in it are the case’s own', () => {
    const letter = draftNoticeLetter(approved, who, 'en', '2026-03-10')!.toLowerCase();
    for (const word of ['fault', 'blame', 'difficult', 'bad client', 'unfortunately you', 'abusive', 'unethical']) expect(letter).not.toContain(word);
  });

  it('without a provider or transition support it says neither; a rejected plan gives the client’s own date and reason', () => {
    const plain = draftNoticeLetter(kase({ kind: 'unethical', recommendation: { reasons: ['r'], effectiveDate: '2026-03-25', recommendedProvider: null, transitionSupport: false, at: NOW }, approval: { approvedBy: 'e', at: NOW } }), who, 'en', '2026-03-10')!;
    expect(plain).not.toContain('we recommend');
    const rejected = kase({ kind: 'retention', rejection: { reason: 'moving abroad', effectiveDate: '2026-04-30', at: NOW } });
    expect(letterAvailable(rejected)).toBe(true);
    expect(draftNoticeLetter(rejected, who, 'en', '2026-03-10')).toContain('We have noted your reason: moving abroad.');
  });

  it('has nothing to draft before an approval or a rejection', () => {
    expect(letterAvailable(kase({ recommendation: approved.recommendation }))).toBe(false);
    expect(draftNoticeLetter(kase(), who, 'en', '2026-03-10')).toBeNull();
  });
});
