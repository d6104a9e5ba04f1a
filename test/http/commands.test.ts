import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { EventStore } from '@libs/event-store';
import { enrollment, get, KEYS, OPERATOR_ID, post, startApp, storeOf } from './support.js';

/**
 * The command and aggregate-query surface through the real app (PGlite in memory): every route's
 * accepted path, each error class as problem+json, ETag/If-Match, idempotency, concurrency.
 */
describe('HTTP commands (PGlite)', () => {
  let app: INestApplication;
  let store: EventStore;
  beforeAll(async () => {
    app = await startApp();
    store = storeOf(app);
  }, 60_000);
  afterAll(async () => app.close());

  const sub = (id: string, path = '') => `/v1/subscribers/${id}${path}`;
  const kase = (id: string, path = '') => `/v1/cases/${id}${path}`;

  async function expectProblem(res: request.Response, status: number, code: string): Promise<void> {
    expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ type: expect.any(String), title: expect.any(String), status, detail: expect.any(String), code });
  }

  describe('every command route accepts a valid request', () => {
    it('subscriber routes', async () => {
      const ok = async (path: string, body: unknown, events: string[], status = 200) => {
        const r = await post(app, path, body);
        expect({ path, status: r.status, events: r.body.events }).toEqual({ path, status, events });
        expect(r.body).toMatchObject({ id: expect.any(String), version: expect.any(Number), position: expect.stringMatching(/^\d+$/) });
        expect(r.headers.etag).toBe(`"${r.body.version}"`);
        return r;
      };
      const created = await ok('/v1/subscribers', enrollment('r1', { segment: 'b2b', noticeDays: 30 }), ['SubscriberEnrolled'], 201);
      expect(created.headers.location).toBe('/v1/subscribers/r1');
      await ok(sub('r1', '/invoices'), { invoiceId: 'i1', period: '2026-01', amount: 30000, dueDate: '2026-01-05', at: '2026-01-01T10:00:00Z' }, ['InvoiceIssued']);
      await ok(sub('r1', '/invoices'), { invoiceId: 'i2', period: '2026-02', amount: 30000, dueDate: '2026-02-05', at: '2026-01-01T10:01:00Z' }, ['InvoiceIssued']);
      await ok(sub('r1', '/payments'), { invoiceId: 'i2', amount: 10000, at: '2026-01-02T10:00:00Z' }, ['PaymentReceived']);
      await ok(sub('r1', '/reminders'), { invoiceId: 'i1', tone: 'friendly', at: '2026-01-04T10:00:00Z' }, ['PaymentReminderSent']);
      await ok(sub('r1', '/missed-payments'), { invoiceId: 'i1', at: '2026-01-06T10:00:00Z' }, ['PaymentMissed', 'PaymentReminderSent']);
      await ok(sub('r1', '/payment-arrangements'), { invoiceIds: ['i1'], payBy: '2026-01-20', at: '2026-01-06T11:00:00Z' }, ['PaymentArrangementAgreed']);
      await ok(sub('r1', '/costs'), { kind: 'support_time', amount: 0, minutes: 15, note: 'password reset', at: '2026-01-07T10:00:00Z' }, ['CostToServeRecorded']);
      await ok(sub('r1', '/complaints'), { category: 'billing', description: 'late invoice', at: '2026-01-07T11:00:00Z' }, ['ComplaintLogged']);
      await ok(sub('r1', '/plan-changes'), { to: { code: 'alarm-plus', monthlyFee: 35000 }, reason: 'upgrade', at: '2026-01-08T10:00:00Z' }, ['PlanChanged']);
      await ok(sub('r1', '/migrations'), { target: 'channel', channel: 'reseller', at: '2026-01-08T11:00:00Z' }, ['ClientMigrated']);
      await ok(sub('r1', '/suspension'), { reason: 'abuse', at: '2026-01-09T10:00:00Z' }, ['ServiceSuspended']);
      await ok(sub('r1', '/reinstatement'), { reason: 'apologised', at: '2026-01-10T10:00:00Z' }, ['ServiceReinstated']);
      await ok(sub('r1', '/debt-write-offs'), { invoiceIds: ['i1'], at: '2026-01-11T10:00:00Z' }, ['DebtWrittenOff']);
      const cancel = await ok(sub('r1', '/cancellation-requests'), { reason: 'moving abroad', requestedEffectiveDate: '2026-03-01', at: '2026-01-12T10:00:00Z' }, [
        'CancellationRequested',
        'CaseOpened',
      ]);
      expect(cancel.body.id).toBe('r1');
      // A partner migration ends the relationship; then the client is won back.
      await ok(sub('r1', '/migrations'), { target: 'partner', partner: 'Seguridad Norte', at: '2026-01-13T10:00:00Z' }, ['ClientMigrated', 'SubscriberTerminated']);
      await ok(sub('r1', '/reactivation'), { plan: { code: 'alarm-basic', monthlyFee: 30000, currency: 'USD' }, at: '2026-06-01T10:00:00Z' }, ['SubscriberReactivated']);
      const state = await get(app, sub('r1'));
      expect(state.status).toBe(200);
      expect(state.body).toMatchObject({ subscriberId: 'r1', status: 'active', segment: 'b2b' });
      expect(state.headers.etag).toBe(`"${state.body.version}"`);
    }, 30_000);

    it('case routes, and GET of a case', async () => {
      await post(app, '/v1/subscribers', enrollment('r2', { segment: 'b2b' })).expect(201);
      const opened = await post(app, '/v1/cases', { caseId: 'c2', subscriberId: 'r2', kind: 'complaints', summary: 'complains weekly', at: '2026-01-02T10:00:00Z' });
      expect(opened.status).toBe(201);
      expect(opened.body).toMatchObject({ id: 'c2', version: 0, events: ['CaseOpened'] });
      expect(opened.headers.location).toBe('/v1/cases/c2');
      const steps: Array<[string, unknown, string[]]> = [
        ['/incidents', { description: 'shouted at support', incidentAt: '2026-01-02T09:00:00Z', at: '2026-01-02T11:00:00Z' }, ['IncidentDocumented']],
        ['/remedy-steps', { step: 'reassess', notes: 'reviewed tickets', outcome: 'no_change', at: '2026-01-03T10:00:00Z' }, ['RemedyStepTaken']],
        ['/remedy-steps', { step: 'educate', skipped: true, justification: 'already trained twice', at: '2026-01-03T11:00:00Z' }, ['RemedyStepSkipped']],
        ['/usage-analysis', { findings: 'uses one feature', causes: ['unaware_of_features'], at: '2026-01-04T10:00:00Z' }, ['UsageAnalyzed']],
        [
          '/retention-plan',
          {
            actions: [
              { owner: 'provider', description: 'training', dueDate: '2026-01-20' },
              { owner: 'client', description: 'attend training', dueDate: '2026-01-20' },
            ],
            goodwillGesture: 'one month free',
            at: '2026-01-05T10:00:00Z',
          },
          ['RetentionPlanProposed'],
        ],
        ['/closure', { outcome: 'resolved', at: '2026-01-06T10:00:00Z' }, ['CaseClosed']],
      ];
      for (const [path, body, events] of steps) {
        const r = await post(app, kase('c2', path), body);
        expect({ path, status: r.status, body: r.body }).toMatchObject({ path, status: 200, body: { id: 'c2', events } });
      }
      const c = await get(app, kase('c2'), 'auditor');
      expect(c.status).toBe(200);
      expect(c.body).toMatchObject({ caseId: 'c2', subscriberId: 'r2', kind: 'complaints', version: 6 });
      expect(c.headers.etag).toBe('"6"');
      const asOf = await get(app, kase('c2') + '?version=1');
      expect(asOf.body.version).toBe(1);
      expect(asOf.headers.etag).toBe('"1"');
    }, 30_000);

    it('retention plan rejection gives the client notice; admin tick answers the pass', async () => {
      await post(app, '/v1/subscribers', enrollment('r3')).expect(201);
      const cancel = await post(app, sub('r3', '/cancellation-requests'), { reason: 'too expensive', at: '2026-01-02T10:00:00Z' }).expect(200);
      expect(cancel.body.events).toEqual(['CancellationRequested', 'CaseOpened']);
      const caseId = (await get(app, sub('r3'))).body.openCases[0].caseId as string;
      await post(app, kase(caseId, '/usage-analysis'), { findings: 'rarely armed', causes: ['neglect'], at: '2026-01-03T10:00:00Z' }).expect(200);
      await post(app, kase(caseId, '/retention-plan'), { actions: [{ owner: 'provider', description: 'discount', dueDate: '2026-02-01' }], at: '2026-01-04T10:00:00Z' }).expect(200);
      const rejected = await post(app, kase(caseId, '/retention-plan/rejection'), { reason: 'still too expensive', effectiveDate: '2026-02-28', at: '2026-01-05T10:00:00Z' });
      expect(rejected.status).toBe(200);
      expect(rejected.body.events).toEqual(['RetentionPlanRejected', 'TerminationNoticeGiven']);
      const tick = await post(app, '/v1/admin/tick', { now: '2026-02-28T00:00:00Z' }, 'admin');
      expect(tick.status).toBe(200);
      expect(tick.body).toMatchObject({ now: '2026-02-28T00:00:00.000Z', events: expect.arrayContaining(['SubscriberTerminated']) });
      expect((await get(app, sub('r3'))).body.status).toBe('terminated');
    }, 30_000);
  });

  describe('errors are problem+json', () => {
    beforeAll(async () => {
      await post(app, '/v1/subscribers', enrollment('e1')).expect(201);
      await post(app, sub('e1', '/invoices'), { invoiceId: 'i1', period: '2026-01', amount: 30000, dueDate: '2026-01-05', at: '2026-01-01T10:00:00Z' }).expect(200);
    });

    it('400 lists every invalid field with a dotted path', async () => {
      const r = await post(app, '/v1/subscribers', enrollment('e2', { plan: { code: 'x', monthlyFee: 1.5, currency: 'usd' }, segment: 'b2x', extra: 1 }));
      await expectProblem(r, 400, 'invalid-request');
      const fields = (r.body.errors as Array<{ field: string }>).map((e) => e.field).sort();
      expect(fields).toEqual(['extra', 'plan.currency', 'plan.monthlyFee', 'segment']);
      const nested = await post(app, kase('nope', '/retention-plan'), { actions: [{ owner: 'both', description: '', dueDate: '2026-02-30' }] });
      await expectProblem(nested, 400, 'invalid-request');
      expect((nested.body.errors as Array<{ field: string }>).map((e) => e.field).sort()).toEqual(['actions.0.description', 'actions.0.dueDate', 'actions.0.owner']);
    }, 30_000);

    it('400 for money that is not a positive integer below 10^12, strings for numbers, bad dates and periods', async () => {
      for (const [body, field] of [
        [{ invoiceId: 'i9', period: '2026-13', amount: 100, dueDate: '2026-01-05' }, 'period'],
        [{ invoiceId: 'i9', period: '2026-01', amount: 0, dueDate: '2026-01-05' }, 'amount'],
        [{ invoiceId: 'i9', period: '2026-01', amount: 1e12, dueDate: '2026-01-05' }, 'amount'],
        [{ invoiceId: 'i9', period: '2026-01', amount: '100', dueDate: '2026-01-05' }, 'amount'],
        [{ invoiceId: 'i9', period: '2026-01', amount: 100, dueDate: '05/01/2026' }, 'dueDate'],
        [{ invoiceId: 'i9', period: '2026-01', amount: 100, dueDate: '2026-01-05', at: 'yesterday' }, 'at'],
        [{ invoiceId: '', period: '2026-01', amount: 100, dueDate: '2026-01-05' }, 'invoiceId'],
      ] as const) {
        const r = await post(app, sub('e1', '/invoices'), body);
        expect({ field, status: r.status, fields: r.body.errors?.map((e: { field: string }) => e.field) }).toEqual({ field, status: 400, fields: [field] });
      }
    }, 30_000);

    it('400 for the remedy-step forms mixed up, malformed JSON, a non-object body, bad headers and path ids', async () => {
      const mixed = await post(app, kase('any', '/remedy-steps'), { step: 'educate', skipped: true, notes: 'x' });
      await expectProblem(mixed, 400, 'invalid-request');
      expect(mixed.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['justification', 'notes']);
      const missing = await post(app, kase('any', '/remedy-steps'), { step: 'educate' });
      expect(missing.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['notes', 'outcome']);
      const malformed = await request(app.getHttpServer()).post(sub('e1', '/payments')).set('Authorization', `Bearer ${KEYS.operator}`).set('Content-Type', 'application/json').send('{"invoiceId": ');
      await expectProblem(malformed, 400, 'malformed-json');
      const array = await post(app, sub('e1', '/payments'), [{ invoiceId: 'i1', amount: 1 }]);
      await expectProblem(array, 400, 'invalid-body');
      const proto = await request(app.getHttpServer()).post(sub('e1', '/payments')).set('Authorization', `Bearer ${KEYS.operator}`).set('Content-Type', 'application/json').send('{"invoiceId":"i1","amount":1,"__proto__":{"x":1}}');
      await expectProblem(proto, 400, 'invalid-body');
      const ifMatch = await post(app, sub('e1', '/payments'), { invoiceId: 'i1', amount: 1 }, 'operator', { 'If-Match': 'version 3' });
      await expectProblem(ifMatch, 400, 'invalid-request');
      expect(ifMatch.body.errors).toEqual([{ field: 'If-Match', message: expect.any(String) }]);
      const key = await post(app, sub('e1', '/payments'), { invoiceId: 'i1', amount: 1 }, 'operator', { 'Idempotency-Key': 'x'.repeat(201) });
      expect(key.body.errors).toEqual([{ field: 'Idempotency-Key', message: expect.any(String) }]);
      const id = await post(app, sub('bad%20id', '/payments'), { invoiceId: 'i1', amount: 1 });
      expect(id.body.errors).toEqual([{ field: 'id', message: expect.any(String) }]);
      const query = await get(app, sub('e1') + '?version=-1&foo=1');
      await expectProblem(query, 400, 'invalid-request');
    }, 30_000);

    it('401 without or with an unknown key; 403 for a role not allowed', async () => {
      const none = await request(app.getHttpServer()).post(sub('e1', '/payments')).send({ invoiceId: 'i1', amount: 1 });
      await expectProblem(none, 401, 'unauthenticated');
      expect(none.headers['www-authenticate']).toBe('Bearer');
      const unknown = await request(app.getHttpServer()).get(sub('e1')).set('Authorization', 'Bearer not-a-key-at-all');
      await expectProblem(unknown, 401, 'unauthenticated');
      const basic = await request(app.getHttpServer()).get(sub('e1')).set('Authorization', `Basic ${KEYS.operator}`);
      await expectProblem(basic, 401, 'unauthenticated');
      await expectProblem(await post(app, sub('e1', '/payments'), { invoiceId: 'i1', amount: 1 }, 'auditor'), 403, 'forbidden');
      await expectProblem(await post(app, sub('e1', '/payments'), { invoiceId: 'i1', amount: 1 }, 'executive'), 403, 'forbidden');
      await expectProblem(await get(app, sub('e1'), 'analyst'), 403, 'forbidden');
      await expectProblem(await post(app, '/v1/admin/tick', { now: '2026-01-02T00:00:00Z' }, 'operator'), 403, 'forbidden');
      expect((await get(app, sub('e1'), 'auditor')).status).toBe(200);
      expect((await get(app, sub('e1'), 'admin')).status).toBe(200);
    }, 30_000);

    it('404 for an unknown subscriber, case or route', async () => {
      await expectProblem(await post(app, sub('ghost', '/payments'), { invoiceId: 'i1', amount: 1 }), 404, 'unknown-subscriber');
      await expectProblem(await get(app, sub('ghost')), 404, 'unknown-subscriber');
      await expectProblem(await get(app, kase('ghost')), 404, 'unknown-case');
      await expectProblem(await post(app, kase('ghost', '/closure'), { outcome: 'resolved' }), 404, 'unknown-case');
      await expectProblem(await get(app, sub('e1') + '?asOf=2020-01-01T00:00:00Z'), 404, 'unknown-subscriber');
      await expectProblem(await get(app, '/v1/nothing-here'), 404, 'not-found');
    }, 30_000);

    it('409 with the domain rule code, and nothing written', async () => {
      const head = await store.headPosition();
      await expectProblem(await post(app, sub('e1', '/payments'), { invoiceId: 'i1', amount: 30001 }), 409, 'overpayment');
      await expectProblem(await post(app, sub('e1', '/payments'), { invoiceId: 'nope', amount: 1 }), 409, 'unknown-invoice');
      await expectProblem(await post(app, '/v1/subscribers', enrollment('e1')), 409, 'subscriber-already-enrolled');
      await expectProblem(
        await post(app, '/v1/subscribers', enrollment('e3', { qualification: { needsService: true, valuesService: false, canPay: true } })),
        409,
        'unqualified-subscriber',
      );
      expect(await store.headPosition()).toBe(head);
    }, 30_000);

    it('413 over 64 kB; 415 for a body that is not JSON', async () => {
      const big = await post(app, sub('e1', '/complaints'), { category: 'x', description: 'y'.repeat(70 * 1024) });
      await expectProblem(big, 413, 'payload-too-large');
      const text = await request(app.getHttpServer()).post(sub('e1', '/payments')).set('Authorization', `Bearer ${KEYS.operator}`).set('Content-Type', 'text/plain').send('invoiceId=i1');
      await expectProblem(text, 415, 'unsupported-media-type');
      const form = await request(app.getHttpServer()).post(sub('e1', '/payments')).set('Authorization', `Bearer ${KEYS.operator}`).type('form').send({ invoiceId: 'i1', amount: 1 });
      await expectProblem(form, 415, 'unsupported-media-type');
    }, 30_000);
  });

  describe('optimistic concurrency', () => {
    it('ETag of a GET is the If-Match of a command; a stale one is 412 concurrency-conflict with nothing written; If-Match: * is no precondition', async () => {
      await post(app, '/v1/subscribers', enrollment('v1')).expect(201);
      const seen = await get(app, sub('v1'));
      expect(seen.headers.etag).toBe('"0"');
      const first = await post(app, sub('v1', '/complaints'), { category: 'a', description: 'b' }, 'operator', { 'If-Match': seen.headers.etag! });
      expect(first.status).toBe(200);
      expect(first.body.version).toBe(1);
      const head = await store.headPosition();
      const stale = await post(app, sub('v1', '/complaints'), { category: 'a', description: 'c' }, 'operator', { 'If-Match': seen.headers.etag! });
      await expectProblem(stale, 412, 'concurrency-conflict');
      expect(stale.body.instance).toBe(`urn:client-lifecycle:request:${stale.headers['x-request-id']}`);
      expect(await store.headPosition()).toBe(head);
      const anyVersion = await post(app, sub('v1', '/complaints'), { category: 'a', description: 'd' }, 'operator', { 'If-Match': '*' });
      expect([anyVersion.status, anyVersion.body.version]).toEqual([200, 2]);
      const notModified = await get(app, sub('v1'), 'operator', { 'If-None-Match': '"2"' });
      expect(notModified.status).toBe(304);
    }, 30_000);

    it('every problem names its occurrence: instance is the request id as a URN', async () => {
      const given = await post(app, sub('nobody', '/complaints'), { category: 'a', description: 'b' }, 'operator', { 'X-Request-Id': 'trace-1:a@b' });
      expect(given.status).toBe(404);
      expect(given.body.instance).toBe('urn:client-lifecycle:request:trace-1:a@b');
      const unauthenticated = await request(app.getHttpServer()).get(sub('nobody')).set('X-Request-Id', 'bad id with spaces');
      expect(unauthenticated.status).toBe(401);
      expect(unauthenticated.body.instance).toMatch(/^urn:client-lifecycle:request:[0-9a-f-]{36}$/);
      expect(unauthenticated.body.instance).toBe(`urn:client-lifecycle:request:${unauthenticated.headers['x-request-id']}`);
    }, 30_000);

    it('20 concurrent commands on one subscriber without If-Match all succeed with distinct versions', async () => {
      await post(app, '/v1/subscribers', enrollment('v2')).expect(201);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => post(app, sub('v2', '/complaints'), { category: 'load', description: `complaint ${i}` })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(20).fill(200));
      const versions = results.map((r) => r.body.version as number).sort((a, b) => a - b);
      expect(versions).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect((await get(app, sub('v2'))).body.version).toBe(20);
    }, 30_000);
  });

  describe('idempotency', () => {
    it('a repeat answers the first result and writes nothing; another body with the key is 422', async () => {
      await post(app, '/v1/subscribers', enrollment('k1')).expect(201);
      const body = { category: 'noise', description: 'siren at night' };
      const first = await post(app, sub('k1', '/complaints'), body, 'operator', { 'Idempotency-Key': 'complaint-1' });
      expect(first.status).toBe(200);
      const head = await store.headPosition();
      const again = await post(app, sub('k1', '/complaints'), body, 'operator', { 'Idempotency-Key': 'complaint-1' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(await store.headPosition()).toBe(head);
      const other = await post(app, sub('k1', '/complaints'), { ...body, description: 'another' }, 'operator', { 'Idempotency-Key': 'complaint-1' });
      await expectProblem(other, 422, 'idempotency-key-reused');
      expect(await store.headPosition()).toBe(head);
    }, 30_000);

    it('an enrollment without subscriberId retried with its key names the same subscriber', async () => {
      const body = enrollment('ignored');
      delete (body as Partial<typeof body>).subscriberId;
      const first = await post(app, '/v1/subscribers', body, 'operator', { 'Idempotency-Key': 'enroll-xyz' });
      expect(first.status).toBe(201);
      const again = await post(app, '/v1/subscribers', body, 'operator', { 'Idempotency-Key': 'enroll-xyz' });
      expect(again.body).toEqual(first.body);
      const fresh = await post(app, '/v1/subscribers', body);
      expect(fresh.status).toBe(201);
      expect(fresh.body.id).not.toBe(first.body.id);
    }, 30_000);
  });

  it('records the key id, acting role and request id in the metadata, and echoes the request id', async () => {
    const r = await post(app, '/v1/subscribers', enrollment('m1'), 'operator', { 'X-Request-Id': 'req-abc-123' });
    expect(r.headers['x-request-id']).toBe('req-abc-123');
    const [e] = await store.readStream('subscriber-m1');
    expect(e!.metadata).toMatchObject({ actor: OPERATOR_ID, role: 'operator', correlationId: 'req-abc-123' });
    const insane = await post(app, '/v1/subscribers', enrollment('m2'), 'operator', { 'X-Request-Id': 'no spaces allowed' });
    expect(insane.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  }, 30_000);

  it('serves the OpenAPI document with bearer auth and the command bodies', async () => {
    const doc = await request(app.getHttpServer()).get('/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.components.securitySchemes['api-key']).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.body.paths['/v1/subscribers/{id}/payments'].post.requestBody.content['application/json'].schema.$ref).toMatch(/RecordPaymentDto/);
    expect(doc.body.components.schemas.EnrollSubscriberDto.properties.plan).toBeDefined();
    expect(doc.body.components.schemas.ProblemDto).toBeDefined();
    expect((await request(app.getHttpServer()).get('/docs')).status).toBe(200);
  }, 30_000);
});
