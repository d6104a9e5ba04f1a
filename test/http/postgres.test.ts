import type { INestApplication } from '@nestjs/common';
import { createTestDatabase } from '../support/postgres.js';
import { enrollment, get, post, startApp, storeOf } from './support.js';
import { settledHead } from '../support/settled-head.js';

/** The same surface on PostgreSQL: what must survive a restart, and the per-key rate limit. */
describe('HTTP commands (PostgreSQL)', () => {
  let db: { url: string; drop(): Promise<void> };
  beforeAll(async () => {
    db = await createTestDatabase('http');
  }, 60_000);
  afterAll(async () => db.drop());

  const onPostgres = (overrides = {}) => startApp({ eventStore: 'postgres', databaseUrl: db.url, ...overrides });

  it('an Idempotency-Key survives a restart: the repeat answers the first result and writes nothing', async () => {
    let app: INestApplication = await onPostgres();
    const body = { invoiceId: 'i1', amount: 10000, at: '2026-01-02T10:00:00Z' };
    let first;
    try {
      await post(app, '/v1/subscribers', enrollment('pg-1')).expect(201);
      await post(app, '/v1/subscribers/pg-1/invoices', { invoiceId: 'i1', period: '2026-01', amount: 30000, dueDate: '2026-01-05', at: '2026-01-01T10:00:00Z' }).expect(200);
      first = await post(app, '/v1/subscribers/pg-1/payments', body, 'operator', { 'Idempotency-Key': 'pay-i1-1' });
      expect(first.status).toBe(200);
    } finally {
      await app.close();
    }
    app = await onPostgres();
    try {
      const store = storeOf(app);
      const head = await settledHead(store);
      const again = await post(app, '/v1/subscribers/pg-1/payments', body, 'operator', { 'Idempotency-Key': 'pay-i1-1' });
      expect(again.status).toBe(200);
      expect(again.body).toEqual(first.body);
      expect(await store.headPosition()).toBe(head);
      expect((await get(app, '/v1/subscribers/pg-1')).body.balance).toBe(20000);
      const reused = await post(app, '/v1/subscribers/pg-1/payments', { ...body, amount: 5000 }, 'operator', { 'Idempotency-Key': 'pay-i1-1' });
      expect([reused.status, reused.body.code]).toEqual([422, 'idempotency-key-reused']);
      const stale = await post(app, '/v1/subscribers/pg-1/complaints', { category: 'a', description: 'b' }, 'operator', { 'If-Match': '"1"' });
      expect([stale.status, stale.body.code]).toEqual([412, 'concurrency-conflict']);
      expect(await store.headPosition()).toBe(head);
    } finally {
      await app.close();
    }
  }, 30_000);

  it('limits each key separately: over the limit → 429 problem+json with Retry-After', async () => {
    const app = await onPostgres({ rateLimitPerMinute: 3 });
    try {
      const first = await get(app, '/v1/subscribers/pg-1');
      expect([first.status, first.headers['ratelimit']]).toEqual([200, expect.stringMatching(/^"per-key";r=2;t=\d+$/)]);
      for (let i = 0; i < 2; i++) expect((await get(app, '/v1/subscribers/pg-1')).status).toBe(200);
      const limited = await get(app, '/v1/subscribers/pg-1');
      expect([limited.status, limited.body.code]).toEqual([429, 'rate-limited']);
      expect(limited.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // The IETF RateLimit fields, not the older RateLimit-Limit/-Remaining pair.
      expect(limited.headers['ratelimit-policy']).toBe('"per-key";q=3;w=60');
      expect(limited.headers['ratelimit']).toMatch(/^"per-key";r=0;t=\d+$/);
      expect(limited.headers['ratelimit-limit']).toBeUndefined();
      // Another key has its own budget.
      expect((await get(app, '/v1/subscribers/pg-1', 'auditor')).status).toBe(200);
    } finally {
      await app.close();
    }
  }, 30_000);
});
