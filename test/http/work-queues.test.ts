import type { INestApplication } from '@nestjs/common';
import { enrollment, get, post, startApp } from './support.js';

/**
 * The work queues over HTTP through the real app (PGlite), driven by the seed stories: a missed
 * payment shows up in in-default and suspensions-due, a recommendation in the approvals inbox,
 * approval moves it out and the notice into notices-ending; a cancellation into
 * pending-cancellations with its retention case. Every read waits for the log head (minPosition).
 */
describe('work queues over HTTP (PGlite)', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startApp({ scheduler: 'manual' });
  }, 60_000);
  afterAll(async () => app.close());

  const tick = (now: string) => post(app, '/v1/admin/tick', { now }, 'admin').expect(200);
  const head = async () => (await get(app, '/v1/events/head', 'auditor').expect(200)).body.position as string;
  const queue = async (name: string, who: 'operator' | 'executive' | 'admin' = 'operator', extra = '') => {
    const res = await get(app, `/v1/work-queues/${name}?minPosition=${await head()}${extra}`, who);
    expect(res.status).toBe(200);
    expect(res.headers['x-read-model-stale']).toBeUndefined();
    return res.body as { queue: string; asOf: string | null; items: Array<Record<string, unknown>>; nextCursor?: string };
  };
  const counts = async () => (await get(app, `/v1/work-queues?minPosition=${await head()}`).expect(200)).body as { asOf: string; counts: Record<string, number> };

  it('starts empty', async () => {
    expect(await counts()).toEqual({
      asOf: null,
      counts: { inDefault: 0, suspensionsDue: 0, unprofitableWithoutCase: 0, openCases: 0, pendingCancellations: 0, noticesEnding: 0 },
    });
  });

  it('story 1: a missed payment is in default and due for suspension; the suspension with write-off clears both', async () => {
    await post(app, '/v1/subscribers', enrollment('alarm-1', { name: 'Alarmas Pérez', plan: { code: 'alarm-monitoring', monthlyFee: 30000, currency: 'USD' } })).expect(201);
    await post(app, '/v1/subscribers/alarm-1/invoices', { invoiceId: '2026-01', period: '2026-01', amount: 30000, dueDate: '2026-01-05', at: '2026-01-01T10:00:00Z' }).expect(200);
    await tick('2026-01-06T00:00:00Z');
    await post(app, '/v1/subscribers/alarm-1/payments', { invoiceId: '2026-01', amount: 10000, at: '2026-01-08T12:00:00Z' }).expect(200);

    const inDefault = await queue('in-default');
    expect(inDefault).toMatchObject({ queue: 'in-default', asOf: '2026-01-08T12:00:00.000Z' });
    expect(inDefault.items).toEqual([
      { subscriberId: 'alarm-1', name: 'Alarmas Pérez', segment: 'b2c', currency: 'USD', amountOwed: 20000, missedInvoices: 1, oldestDueDate: '2026-01-05', daysPastDue: 3, arrangement: null },
    ]);
    expect((await queue('suspensions-due')).items).toEqual([{ subscriberId: 'alarm-1', name: 'Alarmas Pérez', dueAt: '2026-01-20T00:00:00.000Z' }]);

    // An arrangement in force shows with its payBy and moves the deadline to the day after it.
    await post(app, '/v1/subscribers/alarm-1/payment-arrangements', { invoiceIds: ['2026-01'], payBy: '2026-01-25', at: '2026-01-09T10:00:00Z' }).expect(200);
    expect((await queue('in-default')).items[0]).toMatchObject({ arrangement: { payBy: '2026-01-25' }, daysPastDue: 4 });
    expect((await queue('suspensions-due')).items).toEqual([{ subscriberId: 'alarm-1', name: 'Alarmas Pérez', dueAt: '2026-01-26T00:00:00.000Z' }]);
    expect((await counts()).counts).toMatchObject({ inDefault: 1, suspensionsDue: 1 });

    const suspended = await tick('2026-01-26T00:00:00Z');
    expect(suspended.body.events).toEqual(['ServiceSuspended', 'DebtWrittenOff']);
    expect((await queue('in-default')).items).toEqual([]);
    expect((await queue('suspensions-due')).items).toEqual([]);
  });

  it('story 2: unprofitable without a case until the watch opens one; the recommendation waits in approvals until approved; the notice ends within 30 days', async () => {
    await post(app, '/v1/subscribers', enrollment('msp-1', { segment: 'b2b', name: 'Talleres Gómez SL', plan: { code: 'msp-pro', monthlyFee: 90000, currency: 'EUR' }, at: '2025-09-01T09:00:00Z' })).expect(201);
    const cost = await post(app, '/v1/subscribers/msp-1/costs', { kind: 'service_visit', amount: 150000, minutes: 240, note: 'third on-site visit', at: '2026-01-27T10:00:00Z' });
    expect(cost.body.events).toEqual(['CostToServeRecorded', 'CaseOpened']);
    // The watch opened the case at once: never in unprofitable-without-case, but in open cases.
    expect((await queue('unprofitable-without-case')).items).toEqual([]);
    const open = (await queue('open-cases')).items.find((c) => c.subscriberId === 'msp-1')!;
    expect(open).toMatchObject({ kind: 'unprofitable', name: 'Talleres Gómez SL', nextStep: 'reassess' });
    const c = `/v1/cases/${open.caseId as string}`;

    for (const [step, at] of [
      ['reassess', '2026-01-28T10:00:00Z'],
      ['educate', '2026-01-29T10:00:00Z'],
      ['renegotiate', '2026-01-30T10:00:00Z'],
    ] as const) {
      await post(app, `${c}/remedy-steps`, { step, notes: 'done', outcome: 'no_change', at }).expect(200);
    }
    expect((await queue('open-cases')).items.find((x) => x.caseId === open.caseId)).toMatchObject({ nextStep: 'migrate' });
    await post(app, `${c}/remedy-steps`, { step: 'migrate', skipped: true, justification: 'no plan or partner fits', at: '2026-02-01T10:00:00Z' }).expect(200);
    expect((await queue('open-cases')).items.find((x) => x.caseId === open.caseId)).toMatchObject({ nextStep: 'recommend-termination' });

    const recommendation = { reasons: ['cost to serve exceeds revenue after every remedy'], effectiveDate: '2026-04-15', recommendedProvider: 'Soporte Integral SA', transitionSupport: true };
    await post(app, `${c}/termination-recommendation`, { ...recommendation, at: '2026-02-02T10:00:00Z' }).expect(200);
    expect((await queue('approvals', 'executive')).items).toEqual([
      { caseId: open.caseId, subscriberId: 'msp-1', name: 'Talleres Gómez SL', kind: 'unprofitable', recommendedAt: '2026-02-02T10:00:00.000Z', effectiveDate: '2026-04-15' },
    ]);
    expect((await queue('open-cases')).items.find((x) => x.caseId === open.caseId)).toMatchObject({ nextStep: 'await-approval' });
    // The inbox is the executive's; the queues are the operator's.
    expect((await get(app, '/v1/work-queues/approvals', 'operator')).status).toBe(403);
    expect((await get(app, '/v1/work-queues/in-default', 'executive')).status).toBe(403);
    expect((await get(app, '/v1/work-queues/approvals', 'admin')).status).toBe(200);
    // The inbox row opens the whole case for the executive.
    expect((await get(app, c, 'executive')).body).toMatchObject({ recommendation: { effectiveDate: '2026-04-15' }, remedySteps: { migrate: { taken: false } } });

    await post(app, `${c}/termination-approval`, { at: '2026-02-03T10:00:00Z' }, 'executive').expect(200);
    expect((await queue('approvals', 'executive')).items).toEqual([]);
    expect((await queue('open-cases')).items.find((x) => x.caseId === open.caseId)).toMatchObject({ nextStep: 'close-case' });
    // Effective 2026-04-15: not within 30 days of asOf (2026-02-03) yet.
    expect((await queue('notices-ending')).items).toEqual([]);
    await post(app, '/v1/subscribers/msp-1/complaints', { category: 'billing', description: 'asks about the notice', at: '2026-03-20T09:00:00Z' }).expect(200);
    expect((await queue('notices-ending')).items).toEqual([{ subscriberId: 'msp-1', name: 'Talleres Gómez SL', effectiveDate: '2026-04-15', initiatedBy: 'provider' }]);
    await tick('2026-04-15T00:00:00Z');
    expect((await queue('notices-ending')).items).toEqual([]);
  });

  it('story 3: a cancellation request is pending with its retention case until withdrawn', async () => {
    await post(app, '/v1/subscribers', enrollment('isp-1', { name: 'Lucía Martín', at: '2026-04-16T09:00:00Z' })).expect(201);
    await post(app, '/v1/subscribers/isp-1/cancellation-requests', { reason: 'the service is too slow', at: '2026-04-17T10:00:00Z' }).expect(200);
    const pending = (await queue('pending-cancellations')).items;
    expect(pending).toEqual([{ subscriberId: 'isp-1', name: 'Lucía Martín', requestedAt: '2026-04-17T10:00:00.000Z', reason: 'the service is too slow', caseId: expect.any(String) }]);
    const c = `/v1/cases/${pending[0]!.caseId as string}`;
    expect((await queue('open-cases')).items.find((x) => x.caseId === pending[0]!.caseId)).toMatchObject({ kind: 'retention', nextStep: 'analyze-usage' });
    await post(app, `${c}/usage-analysis`, { findings: 'old router', causes: ['unaware_of_features'], at: '2026-04-18T10:00:00Z' }).expect(200);
    const actions = [
      { owner: 'provider', description: 'replace the router', dueDate: '2026-04-25' },
      { owner: 'client', description: 'report speeds for two weeks', dueDate: '2026-05-10' },
    ];
    await post(app, `${c}/retention-plan`, { actions, at: '2026-04-19T10:00:00Z' }).expect(200);
    expect((await queue('open-cases')).items.find((x) => x.caseId === pending[0]!.caseId)).toMatchObject({ nextStep: 'agree-or-reject-plan' });
    await post(app, `${c}/retention-plan/agreement`, { agreedBy: 'Lucía Martín', at: '2026-04-20T10:00:00Z' }).expect(200);
    expect((await queue('pending-cancellations')).items).toEqual([]);
  });

  it('unprofitable without a case: a client whose case was closed, with a negative trailing margin', async () => {
    const all = (await queue('open-cases')).items.filter((x) => x.subscriberId === 'msp-1');
    // msp-1 is terminated: past judging even with its case closed.
    for (const k of all) await post(app, `/v1/cases/${k.caseId as string}/closure`, { outcome: 'terminated', at: '2026-04-21T10:00:00Z' }).expect(200);
    await post(app, '/v1/subscribers', enrollment('b2b-2', { segment: 'b2b', name: 'Ferretería Ruiz', plan: { code: 'msp-pro', monthlyFee: 90000, currency: 'EUR' }, at: '2025-12-01T09:00:00Z' })).expect(201);
    // Enrolled in December: not a customer for the whole window as of April 21 yet (tenure rule).
    expect((await queue('unprofitable-without-case')).items).toEqual([]);
    const cost = await post(app, '/v1/subscribers/b2b-2/costs', { kind: 'support_time', amount: 5000, minutes: 60, at: '2026-04-22T10:00:00Z' });
    expect(cost.body.events).toEqual(['CostToServeRecorded', 'CaseOpened']);
    const kase = (await queue('open-cases')).items.find((x) => x.subscriberId === 'b2b-2')!;
    await post(app, `/v1/cases/${kase.caseId as string}/closure`, { outcome: 'resolved', at: '2026-04-23T10:00:00Z' }).expect(200);
    expect((await queue('unprofitable-without-case')).items).toEqual([
      { subscriberId: 'b2b-2', name: 'Ferretería Ruiz', segment: 'b2b', currency: 'EUR', collected: 0, costToServe: 5000, trailingMargin: -5000 },
    ]);
    expect((await counts()).counts.unprofitableWithoutCase).toBe(1);
  });

  it('pages every queue by cursor; bad names, limits and cursors are refused', async () => {
    for (const id of ['p-1', 'p-2', 'p-3']) {
      await post(app, '/v1/subscribers', enrollment(id, { name: id, at: '2026-04-24T09:00:00Z' })).expect(201);
      await post(app, `/v1/subscribers/${id}/cancellation-requests`, { reason: 'moving', at: '2026-04-24T10:00:00Z' }).expect(200);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await queue('pending-cancellations', 'operator', `&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((r) => r.subscriberId as string));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual(['p-1', 'p-2', 'p-3']);
    const first = await queue('pending-cancellations', 'operator', '&limit=1');
    const foreign = await get(app, `/v1/work-queues/open-cases?cursor=${first.nextCursor!}`);
    expect([foreign.status, foreign.body.code]).toEqual([400, 'invalid-cursor']);
    expect((await get(app, '/v1/work-queues/nope')).status).toBe(404);
    expect((await get(app, '/v1/work-queues/in-default?limit=0')).status).toBe(400);
    expect((await get(app, '/v1/work-queues/in-default?cursor=bad%20cursor')).status).toBe(400);
  });

  it('publishes the routes and row shapes in the OpenAPI document (the console types its client from it)', async () => {
    const doc = (await get(app, '/docs-json').expect(200)).body as { paths: Record<string, unknown>; components: { schemas: Record<string, unknown> } };
    for (const path of ['/v1/work-queues', '/v1/work-queues/approvals', '/v1/work-queues/{queue}']) expect(doc.paths[path]).toBeDefined();
    for (const model of ['WorkQueueCounts', 'WorkQueuePage', 'InDefaultItem', 'OpenCaseItem', 'ApprovalsQueue']) expect(doc.components.schemas[model]).toBeDefined();
  });
});
