import type { INestApplication } from '@nestjs/common';
import type { SqlDatabase } from '@libs/sql';
import { SQL_DATABASE } from '../../apps/service/src/infrastructure/tokens.js';
import { enrollment, post, startApp } from '../http/support.js';

/**
 * Issue 12, "long-running safety": a replayed answer says so (`Idempotent-Replayed: true`), and the
 * scheduler pass prunes Idempotency-Keys past IDEMPOTENCY_TTL_HOURS while keeping younger ones.
 */
describe('idempotency keys over time', () => {
  let app: INestApplication;
  let db: SqlDatabase;
  beforeAll(async () => {
    app = await startApp({ idempotencyTtlHours: 48 });
    db = app.get<SqlDatabase>(SQL_DATABASE, { strict: false });
  });
  afterAll(async () => app?.close());

  it('a repeat answers the first result with Idempotent-Replayed: true; the first answer has no such header', async () => {
    const first = await post(app, '/v1/subscribers', enrollment('idem-1'), 'operator', { 'Idempotency-Key': 'enrol-idem-1' });
    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const again = await post(app, '/v1/subscribers', enrollment('idem-1'), 'operator', { 'Idempotency-Key': 'enrol-idem-1' });
    expect(again.status).toBe(first.status);
    expect(again.body).toEqual(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
  });

  it('the scheduler pass prunes keys older than IDEMPOTENCY_TTL_HOURS and keeps the younger', async () => {
    await post(app, '/v1/subscribers', enrollment('idem-old'), 'operator', { 'Idempotency-Key': 'old-key' }).expect(201);
    await post(app, '/v1/subscribers', enrollment('idem-young'), 'operator', { 'Idempotency-Key': 'young-key' }).expect(201);
    await db.query(`UPDATE app_idempotency SET created_at = now() - interval '49 hours' WHERE key = 'old-key'`);
    await db.query(`UPDATE app_idempotency SET created_at = now() - interval '47 hours' WHERE key = 'young-key'`);
    await post(app, '/v1/admin/tick', { now: '2026-01-02T00:00:00Z' }, 'admin').expect(200);
    const { rows } = await db.query<{ key: string }>(`SELECT key FROM app_idempotency ORDER BY key`);
    expect(rows.map((r) => r.key)).toEqual(['enrol-idem-1', 'young-key']);
  });
});
