import { evolveWorkQueues, foldWorkQueues, nextCaseStep, type WorkQueueModel } from './evolve.js';

/** Given events, then the rows the work-queues projection writes: the fold is pure, no database. */
const S = 'sub-1';
const C = 'case-1';
const se = (type: string, data: Record<string, unknown>, occurredAt: string, subscriberId = S) => ({ type, data: { subscriberId, occurredAt, ...data } });
const ce = (type: string, data: Record<string, unknown>, occurredAt: string, caseId = C) => ({ type, data: { caseId, subscriberId: S, occurredAt, ...data } });
const enrolled = (at = '2026-01-01T09:00:00.000Z') =>
  se('SubscriberEnrolled', { name: 'Ana Pérez', segment: 'b2c', plan: { code: 'basic', monthlyFee: 3000, currency: 'ARS' }, salesRepId: 'r', qualification: { needsService: true, valuesService: true, canPay: true } }, at);
const invoice = (id: string, due: string, at = '2026-01-01T10:00:00.000Z') => se('InvoiceIssued', { invoiceId: id, period: due.slice(0, 7), amount: 3000, dueDate: due }, at);
const miss = (id: string, due: string, at: string, n = 1) => se('PaymentMissed', { invoiceId: id, amount: 3000, dueDate: due, consecutiveMissed: n }, at);

const empty = (): WorkQueueModel => ({ subscribers: new Map(), cases: new Map() });
/** Folds the events one at a time (as many batches) and returns the last row written per id. */
function given(events: Array<{ type: string; data: unknown }>, model = empty()) {
  const subscribers = new Map<string, ReturnType<typeof foldWorkQueues>['subscribers'][number]>();
  const cases = new Map<string, ReturnType<typeof foldWorkQueues>['cases'][number]>();
  const ledger: ReturnType<typeof foldWorkQueues>['ledger'] = [];
  for (const e of events) {
    const out = foldWorkQueues(model, [e]);
    for (const r of out.subscribers) subscribers.set(r.subscriber_id, r);
    for (const r of out.cases) cases.set(r.case_id, r);
    ledger.push(...out.ledger);
  }
  return { subscribers, cases, ledger, model };
}

describe('work-queues projection: given events, then rows', () => {
  it('a missed invoice puts the subscriber in default with what is owed and the oldest due date', () => {
    const { subscribers } = given([enrolled(), invoice('i1', '2026-01-10'), invoice('i2', '2026-02-10', '2026-02-01T00:00:00.000Z'), miss('i1', '2026-01-10', '2026-01-11T00:00:00.000Z')]);
    expect(subscribers.get(S)).toMatchObject({
      name: 'Ana Pérez',
      currency: 'ARS',
      status: 'active',
      amount_owed: 3000,
      missed_invoices: 1,
      oldest_due_date: '2026-01-10',
      unarranged_due_date: '2026-01-10',
      arranged_until: null,
    });
  });

  it('an arrangement moves the invoice to arranged_until; paying it leaves default', () => {
    const events = [enrolled(), invoice('i1', '2026-01-10'), miss('i1', '2026-01-10', '2026-01-11T00:00:00.000Z'), se('PaymentArrangementAgreed', { invoiceIds: ['i1'], payBy: '2026-02-05' }, '2026-01-12T00:00:00.000Z')];
    const arranged = given(events);
    expect(arranged.subscribers.get(S)).toMatchObject({ unarranged_due_date: null, arranged_until: '2026-02-05', missed_invoices: 1 });
    const paid = given([...events, se('PaymentReceived', { invoiceId: 'i1', amount: 3000 }, '2026-02-01T00:00:00.000Z')]);
    expect(paid.subscribers.get(S)).toMatchObject({ amount_owed: 0, missed_invoices: 0, oldest_due_date: null, arranged_until: null });
    expect(paid.ledger).toEqual([{ subscriber_id: S, at: '2026-02-01T00:00:00.000Z', collected: 3000, cost: 0 }]);
  });

  it('a suspension with the debt written off leaves default', () => {
    const { subscribers } = given([
      enrolled(),
      invoice('i1', '2026-01-10'),
      miss('i1', '2026-01-10', '2026-01-11T00:00:00.000Z'),
      se('ServiceSuspended', { reason: 'non_payment', outstanding: 3000 }, '2026-01-25T00:00:00.000Z'),
      se('DebtWrittenOff', { invoiceIds: ['i1'], amount: 3000 }, '2026-01-25T00:00:00.000Z'),
    ]);
    expect(subscribers.get(S)).toMatchObject({ status: 'suspended', missed_invoices: 0, amount_owed: 0 });
  });

  it('payments and costs go to the ledger, not into the stored state', () => {
    const { ledger, model } = given([enrolled(), se('CostToServeRecorded', { kind: 'service_visit', amount: 9000 }, '2026-01-05T00:00:00.000Z')]);
    expect(ledger).toEqual([{ subscriber_id: S, at: '2026-01-05T00:00:00.000Z', collected: 0, cost: 9000 }]);
    expect(model.subscribers.get(S)).toMatchObject({ costs: [], payments: [], totalCostToServe: 9000 });
  });

  it('a cancellation request and a notice show until the subscriber is terminated', () => {
    const pending = given([enrolled(), se('CancellationRequested', { reason: 'too slow' }, '2026-01-15T10:00:00.000Z')]);
    expect(pending.subscribers.get(S)).toMatchObject({ cancellation_requested_at: '2026-01-15T10:00:00.000Z', cancellation_reason: 'too slow' });
    const notice = se('TerminationNoticeGiven', { initiatedBy: 'provider', reasons: ['unprofitable'], effectiveDate: '2026-04-15', recommendedProvider: 'X', caseId: C, approvedBy: 'ceo' }, '2026-02-03T10:00:00.000Z');
    const noticed = given([enrolled(), notice]);
    expect(noticed.subscribers.get(S)).toMatchObject({ status: 'notice', notice_effective_date: '2026-04-15', notice_initiated_by: 'provider' });
    const gone = given([
      enrolled(),
      notice,
      se('SubscriberTerminated', { kind: 'involuntary', reasons: ['unprofitable'], effectiveDate: '2026-04-15', finalBalance: 0, planAtTermination: { code: 'basic', monthlyFee: 3000, currency: 'ARS' } }, '2026-04-15T00:00:00.000Z'),
    ]);
    expect(gone.subscribers.get(S)).toMatchObject({ status: 'terminated', notice_effective_date: null, notice_initiated_by: null });
  });

  it('events of an unknown subscriber or case are ignored; a second CaseOpened changes nothing', () => {
    expect(given([invoice('i1', '2026-01-10'), ce('RemedyStepTaken', { step: 'reassess', notes: '', outcome: 'no_change' }, '2026-01-02T00:00:00.000Z')]).subscribers.size).toBe(0);
    const opened = ce('CaseOpened', { kind: 'unprofitable', summary: 's', openedBy: 'op' }, '2026-01-02T00:00:00.000Z');
    const { cases } = given([opened, { ...opened, data: { ...opened.data, kind: 'complaints', occurredAt: '2026-01-03T00:00:00.000Z' } }]);
    expect(cases.get(C)).toMatchObject({ kind: 'unprofitable', opened_at: '2026-01-02T00:00:00.000Z' });
  });

  it('a case: remedy steps in order, then recommend, await approval, close once approved', () => {
    const opened = ce('CaseOpened', { kind: 'unprofitable', summary: 's', openedBy: 'op' }, '2026-01-02T00:00:00.000Z');
    const steps = [
      ce('RemedyStepTaken', { step: 'reassess', notes: 'n', outcome: 'no_change' }, '2026-01-03T00:00:00.000Z'),
      ce('RemedyStepSkipped', { step: 'renegotiate', justification: 'j' }, '2026-01-04T00:00:00.000Z'),
      ce('RemedyStepTaken', { step: 'educate', notes: 'n', outcome: 'no_change' }, '2026-01-05T00:00:00.000Z'),
      ce('RemedyStepSkipped', { step: 'migrate', justification: 'j' }, '2026-01-06T00:00:00.000Z'),
      ce('TerminationRecommended', { reasons: ['r'], effectiveDate: '2026-04-15', recommendedProvider: 'P', transitionSupport: true }, '2026-02-02T10:00:00.000Z'),
      ce('TerminationApproved', { approvedBy: 'ceo' }, '2026-02-03T10:00:00.000Z'),
      ce('CaseClosed', { outcome: 'terminated' }, '2026-04-15T00:00:00.000Z'),
    ];
    const model = empty();
    const seen: Array<[string | null, string | null, boolean]> = [];
    for (const e of [opened, ...steps]) {
      const row = foldWorkQueues(model, [e]).cases[0]!;
      seen.push([row.next_step, row.recommended_at, row.approved]);
    }
    expect(seen).toEqual([
      ['reassess', null, false],
      ['educate', null, false],
      ['educate', null, false],
      ['migrate', null, false],
      ['recommend-termination', null, false],
      ['await-approval', '2026-02-02T10:00:00.000Z', false],
      ['close-case', '2026-02-02T10:00:00.000Z', true],
      [null, '2026-02-02T10:00:00.000Z', true],
    ]);
  });

  it('kinds excused from remedy go straight to recommend-termination; retention follows its plan', () => {
    const np = given([ce('CaseOpened', { kind: 'non_payment', summary: 's', openedBy: 'op' }, '2026-01-02T00:00:00.000Z')]);
    expect(nextCaseStep(np.model.cases.get(C)!)).toBe('recommend-termination');
    const r = (type: string, data: Record<string, unknown>, at: string) => ce(type, data, at, 'ret');
    const codes: Array<string | null> = [];
    const model = empty();
    for (const e of [
      r('CaseOpened', { kind: 'retention', summary: 's', openedBy: 'system' }, '2026-01-15T10:00:00.000Z'),
      r('UsageAnalyzed', { findings: 'f', causes: ['other'] }, '2026-01-16T10:00:00.000Z'),
      r('RetentionPlanProposed', { actions: [{ owner: 'provider', description: 'd', dueDate: '2026-01-25' }] }, '2026-01-17T10:00:00.000Z'),
      r('RetentionPlanAgreed', { actions: [{ owner: 'provider', description: 'd', dueDate: '2026-01-25' }, { owner: 'client', description: 'd', dueDate: '2026-02-10' }], agreedBy: 'Ana' }, '2026-01-18T10:00:00.000Z'),
    ]) {
      codes.push(foldWorkQueues(model, [e]).cases[0]!.next_step);
    }
    expect(codes).toEqual(['analyze-usage', 'propose-retention-plan', 'agree-or-reject-plan', 'close-case']);
  });

  it('one batch and many batches give the same rows', () => {
    const events = [enrolled(), invoice('i1', '2026-01-10'), miss('i1', '2026-01-10', '2026-01-11T00:00:00.000Z'), se('PaymentReceived', { invoiceId: 'i1', amount: 1000 }, '2026-01-12T00:00:00.000Z')];
    const oneBatch = foldWorkQueues(empty(), events);
    expect(oneBatch.subscribers).toEqual([...given(events).subscribers.values()]);
    expect(oneBatch.subscribers[0]).toMatchObject({ amount_owed: 2000 });
  });

  it('a batch writes only the ledger entries inside the window ending at asOf, says which rows are new, and leaves the loaded states alone', () => {
    const stored = given([enrolled()]).model;
    const before = JSON.stringify([...stored.subscribers]);
    const writes = evolveWorkQueues(
      stored,
      [
        se('CostToServeRecorded', { kind: 'service_visit', amount: 100 }, '2026-01-05T00:00:00.000Z'),
        se('CostToServeRecorded', { kind: 'service_visit', amount: 200 }, '2026-04-20T00:00:00.000Z'),
        ce('CaseOpened', { kind: 'unprofitable', summary: 's', openedBy: 'op' }, '2026-04-20T00:00:00.000Z'),
      ],
      { asOf: '2026-04-20T00:00:00.000Z' },
    );
    expect(writes.windowFrom).toBe('2026-01-20T00:00:00.000Z');
    expect(writes.ledger).toEqual([{ subscriber_id: S, at: '2026-04-20T00:00:00.000Z', collected: 0, cost: 200 }]);
    expect([...writes.created.subscribers]).toEqual([]);
    expect([...writes.created.cases]).toEqual([C]);
    expect(writes.subscribers[0]).toMatchObject({ subscriber_id: S });
    expect(JSON.stringify([...stored.subscribers])).toBe(before);
    expect(stored.cases.size).toBe(0);
  });
});
