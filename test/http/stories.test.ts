import type { INestApplication } from '@nestjs/common';
import { enrollment, get, post, startApp } from './support.js';

/**
 * The three stories of the field articles, end to end over HTTP with the scheduler driven by
 * `POST /v1/admin/tick` (SCHEDULER=manual).
 */
describe('seed stories over HTTP (PGlite)', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startApp({ scheduler: 'manual' });
  }, 60_000);
  afterAll(async () => app.close());

  const tick = (now: string) => post(app, '/v1/admin/tick', { now }, 'admin');

  it('1. the $300-a-month alarm subscriber who stops paying: missed, reminded, suspended with the debt written off, reinstated', async () => {
    await post(app, '/v1/subscribers', enrollment('alarm-1', { plan: { code: 'alarm-monitoring', monthlyFee: 30000, currency: 'USD' } })).expect(201);
    await post(app, '/v1/subscribers/alarm-1/invoices', { invoiceId: '2026-01', period: '2026-01', amount: 30000, dueDate: '2026-01-05', at: '2026-01-01T10:00:00Z' }).expect(200);

    const missed = await tick('2026-01-06T00:00:00Z');
    expect(missed.body.events).toEqual(['PaymentMissed', 'PaymentReminderSent']);
    expect((await tick('2026-01-06T00:00:00Z')).body.events).toEqual([]);

    const suspended = await tick('2026-01-20T00:00:00Z');
    expect(suspended.body.events).toEqual(['ServiceSuspended', 'DebtWrittenOff']);
    const state = await get(app, '/v1/subscribers/alarm-1');
    expect(state.body).toMatchObject({ status: 'suspended', balance: 0 });

    const invoice = await post(app, '/v1/subscribers/alarm-1/invoices', { invoiceId: '2026-02', period: '2026-02', amount: 30000, dueDate: '2026-02-05', at: '2026-02-01T08:00:00Z' });
    expect(invoice.status).toBe(409);
    expect(invoice.body.code).toBe('no-billing-while-suspended');

    const back = await post(app, '/v1/subscribers/alarm-1/reinstatement', { reason: 'client came back and asked to be reconnected', at: '2026-03-02T10:00:00Z' });
    expect(back.status).toBe(200);
    expect(back.body.events).toEqual(['ServiceReinstated']);
    expect((await get(app, '/v1/subscribers/alarm-1')).body.status).toBe('active');
    await post(app, '/v1/subscribers/alarm-1/invoices', { invoiceId: '2026-03', period: '2026-03', amount: 30000, dueDate: '2026-03-05', at: '2026-03-02T11:00:00Z' }).expect(200);
    // The auditor sees the state as it was while suspended.
    const then = await get(app, '/v1/subscribers/alarm-1?asOf=2026-02-15T00:00:00Z', 'auditor');
    expect(then.body.status).toBe('suspended');
  }, 30_000);

  it('2. the unprofitable business client: remedy first, executive approval, notice, termination by the scheduler, win-back', async () => {
    // A brand-new business client whose first visit comes before its first invoice is not "unprofitable"
    // (domain.md §5): no automatic case, and the operator may still open one by hand.
    await post(app, '/v1/subscribers', enrollment('msp-new', { segment: 'b2b', name: 'Nuevo Taller SL', plan: { code: 'msp-pro', monthlyFee: 90000, currency: 'EUR' } })).expect(201);
    const firstVisit = await post(app, '/v1/subscribers/msp-new/costs', { kind: 'service_visit', amount: 150000, minutes: 240, note: 'installation visit', at: '2026-01-02T10:00:00Z' });
    expect(firstVisit.body.events).toEqual(['CostToServeRecorded']);
    await post(app, '/v1/cases', { caseId: 'msp-new-unprofitable', subscriberId: 'msp-new', kind: 'unprofitable', summary: 'watch the visits', at: '2026-01-02T11:00:00Z' }).expect(201);

    // A client since September (the whole 90-day window) whose visits cost more than it paid.
    await post(app, '/v1/subscribers', enrollment('msp-1', { segment: 'b2b', name: 'Talleres Gómez SL', plan: { code: 'msp-pro', monthlyFee: 90000, currency: 'EUR' }, at: '2025-09-01T09:00:00Z' })).expect(201);
    const cost = await post(app, '/v1/subscribers/msp-1/costs', { kind: 'service_visit', amount: 150000, minutes: 240, note: 'third on-site visit', at: '2026-01-10T10:00:00Z' });
    expect(cost.body.events).toEqual(['CostToServeRecorded', 'CaseOpened']);
    const [open] = (await get(app, '/v1/subscribers/msp-1')).body.openCases as Array<{ caseId: string; kind: string }>;
    expect(open!.kind).toBe('unprofitable');
    const c = `/v1/cases/${open!.caseId}`;

    const recommendation = { reasons: ['cost to serve exceeds revenue after every remedy'], effectiveDate: '2026-04-15', recommendedProvider: 'Soporte Integral SA', transitionSupport: true };
    const early = await post(app, `${c}/termination-recommendation`, { ...recommendation, at: '2026-01-11T10:00:00Z' });
    expect([early.status, early.body.code]).toEqual([409, 'remedy-steps-incomplete']);

    await post(app, `${c}/remedy-steps`, { step: 'reassess', notes: 'visits caused by their own network changes', outcome: 'no_change', at: '2026-01-12T10:00:00Z' }).expect(200);
    await post(app, `${c}/remedy-steps`, { step: 'educate', notes: 'trained their office manager', outcome: 'no_change', at: '2026-01-20T10:00:00Z' }).expect(200);
    await post(app, `${c}/remedy-steps`, { step: 'renegotiate', notes: 'offered on-site visits as extras', outcome: 'declined', at: '2026-01-27T10:00:00Z' }).expect(200);
    const skipped = await post(app, `${c}/remedy-steps`, { step: 'migrate', skipped: true, justification: 'no plan or partner fits a client who refuses paid visits', at: '2026-02-01T10:00:00Z' });
    expect(skipped.body.events).toEqual(['RemedyStepSkipped']);

    const noProvider = await post(app, `${c}/termination-recommendation`, { ...recommendation, recommendedProvider: undefined, at: '2026-02-02T10:00:00Z' });
    expect([noProvider.status, noProvider.body.code]).toEqual([409, 'recommendation-required']);
    const short = await post(app, `${c}/termination-recommendation`, { ...recommendation, effectiveDate: '2026-03-15', at: '2026-02-02T10:00:00Z' });
    expect([short.status, short.body.code]).toEqual([409, 'notice-too-short']);
    await post(app, `${c}/termination-recommendation`, { ...recommendation, at: '2026-02-02T10:00:00Z' }).expect(200);

    const byOperator = await post(app, `${c}/termination-approval`, { at: '2026-02-03T10:00:00Z' });
    expect([byOperator.status, byOperator.body.code]).toEqual([403, 'forbidden']);
    const approved = await post(app, `${c}/termination-approval`, { at: '2026-02-03T10:00:00Z' }, 'executive');
    expect(approved.status).toBe(200);
    expect(approved.body.events).toEqual(['TerminationApproved', 'TerminationNoticeGiven']);
    expect((await get(app, '/v1/subscribers/msp-1')).body.status).toBe('notice');

    expect((await tick('2026-04-14T23:59:00Z')).body.events).not.toContain('SubscriberTerminated');
    const terminated = await tick('2026-04-15T00:00:00Z');
    expect(terminated.body.events).toContain('SubscriberTerminated');
    expect((await get(app, '/v1/subscribers/msp-1')).body.status).toBe('terminated');

    const wonBack = await post(app, '/v1/subscribers/msp-1/reactivation', { plan: { code: 'msp-prepaid', monthlyFee: 120000, currency: 'EUR' }, at: '2026-10-01T09:00:00Z' });
    expect(wonBack.body.events).toEqual(['SubscriberReactivated']);
    expect((await get(app, '/v1/subscribers/msp-1')).body.status).toBe('active');
  }, 30_000);

  it('3. a cancellation request: retention case, usage analysed, a two-sided plan agreed, cancellation withdrawn', async () => {
    await post(app, '/v1/subscribers', enrollment('isp-1', { name: 'Lucía Martín' })).expect(201);
    const request = await post(app, '/v1/subscribers/isp-1/cancellation-requests', { reason: 'the service is too slow', requestedEffectiveDate: '2026-02-28', at: '2026-01-15T10:00:00Z' });
    expect(request.body.events).toEqual(['CancellationRequested', 'CaseOpened']);
    const [retention] = (await get(app, '/v1/subscribers/isp-1')).body.openCases as Array<{ caseId: string; kind: string }>;
    expect(retention!.kind).toBe('retention');
    const c = `/v1/cases/${retention!.caseId}`;

    const tooSoon = await post(app, `${c}/retention-plan`, { actions: [{ owner: 'provider', description: 'upgrade router', dueDate: '2026-02-01' }], at: '2026-01-16T09:00:00Z' });
    expect([tooSoon.status, tooSoon.body.code]).toEqual([409, 'retention-plan-needs-analysis']);
    await post(app, `${c}/usage-analysis`, { findings: 'old router; never used the 5 GHz band', causes: ['unaware_of_features', 'unmet_expectations'], at: '2026-01-16T10:00:00Z' }).expect(200);
    await post(app, `${c}/retention-plan`, {
      actions: [
        { owner: 'provider', description: 'replace the router free of charge', dueDate: '2026-01-25' },
        { owner: 'client', description: 'move the router to the living room and report speeds for two weeks', dueDate: '2026-02-10' },
      ],
      goodwillGesture: 'half price in February',
      at: '2026-01-17T10:00:00Z',
    }).expect(200);
    const agreed = await post(app, `${c}/retention-plan/agreement`, { agreedBy: 'Lucía Martín', at: '2026-01-18T10:00:00Z' });
    expect(agreed.status).toBe(200);
    expect(agreed.body.events).toEqual(['RetentionPlanAgreed', 'CancellationWithdrawn']);
    const subscriber = await get(app, '/v1/subscribers/isp-1');
    expect(subscriber.body.status).toBe('active');
    const kase = await get(app, c);
    expect(kase.body).toMatchObject({ kind: 'retention', subscriberId: 'isp-1' });
  }, 30_000);
});
