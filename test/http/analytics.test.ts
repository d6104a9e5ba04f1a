/**
 * The read side through the real service: analytics, lists and projections over HTTP (PGlite,
 * projections running inline), fed by a simulated company through the real write path. The
 * numbers themselves are checked against a brute-force computation in test/projections; here:
 * that every route serves what the read models hold, by role, as JSON and CSV, and honours
 * minPosition.
 */
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { LifecycleApplication } from '@libs/application';
import type { SqlDatabase } from '@libs/sql';
import { churn, clients, cohorts, defaultRate, DEFINITIONS_VERSION, forecast, METRIC_DEFINITIONS, revenuePerClient, salesReps } from '@libs/projections';
import { InProcessTarget, runSimulation } from '@libs/simulator';
import { createApp } from '../../apps/service/src/app.js';
import { parseApiKeys } from '../../apps/service/src/config.js';
import { LIFECYCLE_SERVICE, SQL_DATABASE } from '../../apps/service/src/infrastructure/tokens.js';

const KEYS = { analyst: 'analyst-key-123', operator: 'operator-key-123', admin: 'admin-key-12345', auditor: 'auditor-key-123' };
const bearer = (role: keyof typeof KEYS) => ({ Authorization: `Bearer ${KEYS[role]}` });

describe('analytics over HTTP (PGlite, inline projections)', () => {
  let app: INestApplication;
  let db: SqlDatabase;
  let head: string;

  beforeAll(async () => {
    app = await createApp({
      eventStore: 'pglite',
      dataDir: undefined,
      scheduler: 'manual',
      projector: 'inline',
      demo: false,
      logLevel: 'silent',
      apiKeys: parseApiKeys(Object.entries(KEYS).map(([role, key]) => `${role}:${key}`).join(',')),
    });
    const lifecycle = app.get<LifecycleApplication>(LIFECYCLE_SERVICE);
    db = app.get<SqlDatabase>(SQL_DATABASE);
    const summary = await runSimulation({ subscribers: 40, months: 8, seed: 11, startMonth: '2025-01' }, new InProcessTarget(lifecycle));
    expect(summary.failures).toBe(0);
    head = await lifecycle.store.headPosition();
  }, 240_000);
  afterAll(async () => app?.close());

  const get = (path: string, role: keyof typeof KEYS = 'analyst') => request(app.getHttpServer()).get(path).set(bearer(role));
  /** What an analytics route answers: the read model's body with the definitions version its numbers follow. */
  const v = async (body: Promise<object>) => ({ ...(await body), definitionsVersion: DEFINITIONS_VERSION });

  it('serves every analytics route as the read models hold it, after waiting for minPosition', async () => {
    const churnRes = await get(`/v1/analytics/churn?from=2025-01&to=2025-08&segment=all&minPosition=${head}`).expect(200);
    expect(churnRes.body).toEqual(await v(churn(db, { from: '2025-01', to: '2025-08', segment: 'all' })));
    expect(churnRes.body.months).toHaveLength(8);
    expect(churnRes.body.months.reduce((n: number, m: { new: number }) => n + m.new, 0)).toBeGreaterThan(10);

    const range = { from: '2025-01', to: '2025-08', segment: 'b2c' as const };
    expect((await get(`/v1/analytics/default-rate?from=2025-01&to=2025-08&segment=b2c`).expect(200)).body).toEqual(await v(defaultRate(db, range)));
    expect((await get(`/v1/analytics/revenue-per-client?from=2025-01&to=2025-08&segment=b2c`).expect(200)).body).toEqual(await v(revenuePerClient(db, range)));
    expect((await get(`/v1/analytics/sales-reps?from=2025-01&to=2025-08`).expect(200)).body).toEqual(await v(salesReps(db, { from: '2025-01', to: '2025-08' })));
    expect((await get(`/v1/analytics/clients?sort=margin&order=asc&limit=5`).expect(200)).body).toEqual(
      await v(clients(db, { sort: 'margin', order: 'asc', limit: 5 })),
    );
    expect((await get(`/v1/analytics/forecast?months=6&segment=all`).expect(200)).body).toEqual(await v(forecast(db, { months: 6, segment: 'all' })));
    const aging = (await get(`/v1/analytics/default-rate?from=2025-01&to=2025-08`).expect(200)).body.months[0].aging;
    expect(Object.keys(aging).sort()).toEqual(['1-30', '31-60', '61-90', '90+']);
  });

  it('serves the definitions, and every analytics answer says which version its numbers follow', async () => {
    const defs = await get('/v1/analytics/definitions').expect(200);
    expect(defs.body.version).toBe(DEFINITIONS_VERSION);
    expect(defs.body.metrics).toEqual(METRIC_DEFINITIONS);
    expect(defs.body.metrics.find((d: { name: string }) => d.name === 'churn.quickRatio')).toMatchObject({ since: 2 });
    await get('/v1/analytics/definitions', 'operator').expect(403);
    const answer = await get('/v1/analytics/churn?from=2025-01&to=2025-02').expect(200);
    expect([answer.body.definitionsVersion, answer.headers['x-definitions-version']]).toEqual([DEFINITIONS_VERSION, String(DEFINITIONS_VERSION)]);
    const csv = await get('/v1/analytics/churn?from=2025-01&to=2025-02').set('Accept', 'text/csv').expect(200);
    expect(csv.text.split('\r\n')[0].split(',')).toContain('definitionsVersion');
  });

  it('answers CSV with the same rows on Accept: text/csv', async () => {
    const json = (await get(`/v1/analytics/churn?from=2025-01&to=2025-03`).expect(200)).body;
    const csv = await get(`/v1/analytics/churn?from=2025-01&to=2025-03`).set('Accept', 'text/csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="churn-2025-01-2025-03.csv"');
    expect(csv.headers['vary']).toMatch(/\bAccept\b/);
    const lines = csv.text.trim().split(/\r?\n/);
    expect(lines).toHaveLength(1 + json.months.length);
    expect(lines[0]).toContain('customersAtStart');
    expect(lines[1]).toContain('2025-01');
    expect(lines[0].split(',')).toEqual(expect.arrayContaining(['segment', 'mrrAtStart (minor units)', 'revenueChurnRate']));
    const jsonAnswer = await get(`/v1/analytics/churn?from=2025-01&to=2025-03`).expect(200);
    expect(jsonAnswer.headers['vary']).toMatch(/\bAccept\b/);
  });

  it('CSV is safe to open: a client named like a formula comes out as text', async () => {
    const enrolled = await request(app.getHttpServer())
      .post('/v1/subscribers')
      .set(bearer('operator'))
      .send({
        subscriberId: 'formula-1',
        name: '=HYPERLINK("http://evil.example","x")',
        segment: 'b2c',
        plan: { code: 'basic', monthlyFee: 3000, currency: 'EUR' },
        salesRepId: 'rep-1',
        qualification: { needsService: true, valuesService: true, canPay: true },
      })
      .expect(201);
    const csv = await get(`/v1/subscribers?limit=1000&minPosition=${enrolled.body.position}`, 'operator').set('Accept', 'text/csv').expect(200);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="subscribers.csv"');
    const line = csv.text.split('\r\n').find((l) => l.startsWith('formula-1,'));
    expect(line).toContain(`"'=HYPERLINK(""http://evil.example"",""x"")"`);
  });

  it('lists subscribers and cases, by role', async () => {
    const list = (await get(`/v1/subscribers?segment=b2c&limit=5`, 'operator').expect(200)).body;
    expect(list.subscribers.length).toBeGreaterThan(0);
    expect(list.subscribers.every((s: { segment: string }) => s.segment === 'b2c')).toBe(true);
    const cases = (await get(`/v1/cases?status=open`, 'auditor').expect(200)).body;
    expect(Array.isArray(cases.cases)).toBe(true);
    await get(`/v1/analytics/churn?from=2025-01&to=2025-02`, 'operator').expect(403);
    await request(app.getHttpServer()).get(`/v1/analytics/churn?from=2025-01&to=2025-02`).expect(401);
  });

  it('every list pages to its last row with limit, cursor and nextCursor', async () => {
    const pageAll = async (path: string, key: string, role: keyof typeof KEYS) => {
      const rows: Array<Record<string, unknown>> = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const body = (await get(`${path}${path.includes('?') ? '&' : '?'}limit=3${cursor ? `&cursor=${cursor}` : ''}`, role).expect(200)).body;
        rows.push(...body[key]);
        cursor = body.nextCursor;
        pages++;
      } while (cursor);
      return { rows, pages };
    };
    for (const [path, key, role] of [
      ['/v1/cases', 'cases', 'auditor'],
      ['/v1/analytics/clients?sort=marginRatio&order=desc', 'clients', 'analyst'],
      ['/v1/analytics/clients?sort=trailingMargin', 'clients', 'analyst'],
      ['/v1/subscribers?segment=b2c', 'subscribers', 'operator'],
    ] as const) {
      const whole = (await get(`${path}${path.includes('?') ? '&' : '?'}limit=1000`, role).expect(200)).body;
      expect(whole.nextCursor).toBeUndefined();
      const paged = await pageAll(path, key, role);
      expect(paged.pages).toBeGreaterThan(1);
      expect(paged.rows).toEqual(whole[key]);
    }
    const first = (await get('/v1/analytics/clients?sort=margin&limit=2').expect(200)).body;
    const foreign = await get(`/v1/analytics/clients?sort=billed&limit=2&cursor=${first.nextCursor}`).expect(400);
    expect([foreign.body.code, foreign.body.errors[0].field]).toEqual(['invalid-cursor', 'cursor']);
    expect((await get('/v1/cases?cursor=bm90LWEtY3Vyc29y', 'auditor').expect(400)).body.code).toBe('invalid-cursor');
  });

  it('refuses malformed queries with problem+json', async () => {
    const bad = await get(`/v1/analytics/churn?from=2025-13&to=2025-02&segment=vip`).expect(400);
    expect(bad.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(expect.arrayContaining(['from', 'segment']));
  });

  it('reports each projection with its checkpoint and lag, and rebuilds one for an admin', async () => {
    const status = (await get(`/v1/projections`).expect(200)).body;
    const list = Array.isArray(status) ? status : status.projections;
    expect(list.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['churn', 'default-rate', 'revenue-per-client', 'sales-per-rep', 'client-profitability', 'subscribers', 'cases']));
    await request(app.getHttpServer()).post(`/v1/projections/churn/rebuild`).set(bearer('analyst')).expect(403);
    const before = await churn(db, { from: '2025-01', to: '2025-08', segment: 'all' });
    await request(app.getHttpServer()).post(`/v1/projections/churn/rebuild`).set(bearer('admin')).expect(202);
    for (let i = 0; i < 100; i++) {
      const p = (await get(`/v1/projections`).expect(200)).body;
      const churnStatus = (Array.isArray(p) ? p : p.projections).find((x: { name: string }) => x.name === 'churn');
      if (!churnStatus.rebuild || churnStatus.rebuild.state === 'done' || churnStatus.status === 'running') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect((await get(`/v1/analytics/churn?from=2025-01&to=2025-08&minPosition=${head}`).expect(200)).body).toEqual({ ...before, definitionsVersion: DEFINITIONS_VERSION });
  });

  it('serves the signup cohorts, as JSON and CSV; once two currencies are in use, the caller must name one', async () => {
    const body = (await get(`/v1/analytics/cohorts?from=2025-01&to=2025-03&minPosition=${head}`).expect(200)).body;
    expect(body).toEqual(await v(cohorts(db, { from: '2025-01', to: '2025-03', segment: 'all' })));
    expect(body.currency).toBe('EUR');
    expect(body.cohorts[0].customers).toBeGreaterThan(0);
    expect(body.cohorts[0].months[0]).toMatchObject({ offset: 0, month: '2025-01' });
    const csv = await get('/v1/analytics/cohorts?from=2025-01&to=2025-01').set('Accept', 'text/csv').expect(200);
    expect(csv.text.split('\r\n')[0].split(',')).toEqual(expect.arrayContaining(['cohort', 'offset', 'customersRetained', 'mrrRetained (minor units)']));

    const enrolled = await request(app.getHttpServer())
      .post('/v1/subscribers')
      .set(bearer('operator'))
      .send({ subscriberId: 'usd-1', name: 'Dollar Client', segment: 'b2b', plan: { code: 'basic-usd', monthlyFee: 5000, currency: 'USD' }, salesRepId: 'rep-1', qualification: { needsService: true, valuesService: true, canPay: true } })
      .expect(201);
    const refused = await get(`/v1/analytics/cohorts?from=2025-01&to=2025-03&minPosition=${enrolled.body.position}`).expect(400);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
    expect([refused.body.code, refused.body.currencies, refused.body.errors[0].field]).toEqual(['currency-required', ['EUR', 'USD'], 'currency']);
    const usd = (await get('/v1/analytics/cohorts?from=2025-01&to=2025-03&currency=USD').expect(200)).body;
    expect(usd.currency).toBe('USD');
    expect(usd.cohorts.every((c: { customers: number }) => c.customers === 0)).toBe(true);
    expect((await get('/v1/analytics/cohorts?currency=usd').expect(400)).body.errors[0].field).toBe('currency');
    // Every route that carries money: the same rule, and the named currency's figures only.
    for (const route of ['churn', 'default-rate', 'revenue-per-client', 'sales-reps', 'clients', 'forecast']) {
      const answer = await get(`/v1/analytics/${route}`).expect(400);
      expect([route, answer.body.code, answer.body.currencies]).toEqual([route, 'currency-required', ['EUR', 'USD']]);
      const named = await get(`/v1/analytics/${route}${route === 'forecast' || route === 'clients' ? '?' : '?from=2025-01&to=2025-08&'}currency=USD&minPosition=${enrolled.body.position}`).expect(200);
      expect([route, named.body.currency]).toEqual([route, 'USD']);
    }
    // The profitability list holds the named currency's clients only.
    const usdClients = (await get(`/v1/analytics/clients?currency=USD&minPosition=${enrolled.body.position}`).expect(200)).body;
    expect(usdClients.clients.map((c: { subscriberId: string }) => c.subscriberId)).toEqual(['usd-1']);
    const eurClients = (await get('/v1/analytics/clients?currency=EUR&limit=1000').expect(200)).body;
    expect(eurClients.clients.length).toBeGreaterThan(0);
    expect(eurClients.clients.some((c: { subscriberId: string }) => c.subscriberId === 'usd-1')).toBe(false);
    const usdChurn = (await get('/v1/analytics/churn?from=2025-01&to=2025-08&currency=USD').expect(200)).body;
    expect(usdChurn.currency).toBe('USD');
    expect(usdChurn.months.every((m: { new: number; mrrAtEnd: number }) => m.new === 0 && m.mrrAtEnd === 0)).toBe(true);
    const eurForecast = (await get('/v1/analytics/forecast?months=36&currency=EUR&segment=b2c').expect(200)).body;
    expect([eurForecast.currency, eurForecast.inputs.currency, eurForecast.inputs.segment, eurForecast.months.length]).toEqual(['EUR', 'EUR', 'b2c', 36]);
    expect((await get('/v1/analytics/forecast?months=37&currency=EUR').expect(400)).body.errors[0].field).toBe('months');
  });
});
