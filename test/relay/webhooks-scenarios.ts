/**
 * Webhooks end to end through the real app (its HTTP routes, its relay) and real local receivers:
 * order and signatures (checked with the `standardwebhooks` package), retries through failures and
 * a timeout, `failing` without holding another subscription back, re-enabling, replay, rotation,
 * disable and delete, the attempt log and its retention.
 */
import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { Webhook } from 'standardwebhooks';
import type { SqlDatabase } from '@libs/sql';
import { WebhookStore } from '@libs/relay';
import { SQL_DATABASE } from '../../apps/service/src/infrastructure/tokens.js';
import { enrollment, get, KEYS, post } from '../http/support.js';
import { Receiver } from './receiver.js';
import { until } from './engine-scenarios.js';

export const admin = (app: INestApplication) => ({
  post: (path: string, body: unknown) => post(app, path, body, 'admin'),
  get: (path: string) => get(app, path, 'admin'),
  patch: (path: string, body: unknown) => request(app.getHttpServer()).patch(path).set('Authorization', `Bearer ${KEYS.admin}`).send(body as object),
  delete: (path: string) => request(app.getHttpServer()).delete(path).set('Authorization', `Bearer ${KEYS.admin}`),
});

let counter = 0;
/** Enrols `n` subscribers; returns their ids. */
export async function enrol(app: INestApplication, n: number, prefix = 'wh'): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = `${prefix}-${++counter}-${i}`;
    const r = await post(app, '/v1/subscribers', enrollment(id));
    expect(r.status).toBe(201);
    ids.push(id);
  }
  return ids;
}

/**
 * The feed's events after `after` matching `types`, as the receiver must get them — once at least
 * `count` are visible (an open transaction anywhere on the shared server holds readers back a while).
 */
async function feed(app: INestApplication, after: string, types: string | undefined, count: number): Promise<Array<{ id: string; position: string; streamId: string }>> {
  let events: Array<{ id: string; position: string; streamId: string }> = [];
  await until(async () => {
    const r = await get(app, `/v1/events?after=${after}&limit=1000${types ? `&types=${types}` : ''}`, 'service');
    expect(r.status).toBe(200);
    events = r.body.events;
    return events.length >= count;
  }, 60_000, `${count} events in the feed`);
  return events;
}

function verify(secret: string, received: { headers: Record<string, string>; body: string }): unknown {
  return new Webhook(secret).verify(received.body, received.headers);
}

export function webhookScenarios(start: () => Promise<INestApplication>) {
  let app: INestApplication;
  const receivers: Receiver[] = [];
  const receiver = async () => {
    const r = new Receiver();
    receivers.push(r);
    return { r, url: await r.start() };
  };
  beforeAll(async () => {
    app = await start();
  });
  afterAll(async () => {
    await app?.close();
    for (const r of receivers) await r.stop();
  });

  it('delivers every matching event in order, one per POST, the envelope as body, signed per Standard Webhooks', async () => {
    const { r, url } = await receiver();
    const created = await admin(app).post('/v1/webhooks', { url, types: ['SubscriberEnrolled'], description: 'crm' });
    expect(created.status).toBe(201);
    expect(created.headers['location']).toBe(`/v1/webhooks/${created.body.id}`);
    expect(created.body).toMatchObject({ url, types: ['SubscriberEnrolled'], stream: null, status: 'active', description: 'crm' });
    expect(created.body.secret).toMatch(/^whsec_/);
    const start = created.body.checkpoint as string;
    await enrol(app, 12);
    const expected = await feed(app, start, 'SubscriberEnrolled', 12);
    expect(expected.length).toBe(12);
    await until(() => r.accepted.length >= 12, 60_000, 'twelve deliveries');
    expect(r.firstSeen()).toEqual(expected.map((e) => e.id));
    for (const [i, received] of r.accepted.entries()) {
      const body = verify(created.body.secret, received) as { id: string; position: string; type: string };
      expect(body).toEqual(expected[i]);
      expect(received.headers['webhook-id']).toBe(body.id);
      expect(received.headers['content-type']).toBe('application/json');
    }
    // Tampering is detected by the receiver's check (the check has teeth).
    expect(() => verify(created.body.secret, { ...r.accepted[0]!, body: r.accepted[0]!.body.replace('SubscriberEnrolled', 'SubscriberEnrolleD') })).toThrow();
    // The secret is never shown again.
    const shown = await admin(app).get(`/v1/webhooks/${created.body.id}`);
    expect(shown.status).toBe(200);
    expect(JSON.stringify(shown.body)).not.toContain('whsec_');
    await until(async () => (await admin(app).get(`/v1/webhooks/${created.body.id}`)).body.lagEvents === 0, 30_000, 'lag 0');
    const status = (await admin(app).get(`/v1/webhooks/${created.body.id}`)).body;
    expect(status).toMatchObject({ checkpoint: expected[11]!.position, lagEvents: 0, lastAttempt: { statusCode: 200, attempt: 1 } });
    // Beside the read models in GET /v1/projections.
    const projections = await get(app, '/v1/projections', 'analyst');
    expect(projections.body.relays).toEqual(expect.arrayContaining([expect.objectContaining({ name: `webhook:${created.body.id}`, kind: 'webhook', subscription: 'active', checkpoint: expected[11]!.position })]));
    expect((await admin(app).delete(`/v1/webhooks/${created.body.id}`)).status).toBe(204);
  });

  it('a receiver that fails its first attempts, times out once, then recovers gets everything in order; every attempt is logged', async () => {
    const { r, url } = await receiver();
    r.behave = (_req, n) => (n <= 2 ? 503 : n === 3 ? 'hang' : n === 4 ? 'drop' : 200);
    const created = await admin(app).post('/v1/webhooks', { url, stream: 'subscriber-' });
    expect(created.status).toBe(201);
    await enrol(app, 5);
    const mine = (await feed(app, created.body.checkpoint, 'SubscriberEnrolled', 5)).filter((e) => e.streamId.startsWith('subscriber-'));
    await until(() => r.firstSeen().length >= mine.length, 60_000, 'recovery');
    expect(r.firstSeen()).toEqual(mine.map((e) => e.id));
    for (const received of r.accepted) verify(created.body.secret, received);
    // The attempts: newest first, paged by cursor.
    await until(async () => (await admin(app).get(`/v1/webhooks/${created.body.id}/attempts?limit=100`)).body.attempts.length >= mine.length + 4, 30_000, 'attempt log');
    const page1 = await admin(app).get(`/v1/webhooks/${created.body.id}/attempts?limit=3`);
    expect(page1.status).toBe(200);
    expect(page1.body.attempts).toHaveLength(3);
    const page2 = await admin(app).get(`/v1/webhooks/${created.body.id}/attempts?limit=100&cursor=${page1.body.nextCursor}`);
    const attempts = [...page1.body.attempts, ...page2.body.attempts].reverse();
    expect(attempts.slice(0, 5).map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(attempts.slice(0, 5).every((a: { eventId: string }) => a.eventId === mine[0]!.id)).toBe(true);
    expect(attempts[0]).toMatchObject({ statusCode: 503, error: null, position: mine[0]!.position });
    expect(attempts[0].responseExcerpt.length).toBeLessThanOrEqual(256);
    expect(attempts[2]).toMatchObject({ statusCode: null, error: expect.stringMatching(/timed out/) });
    expect(attempts[3]).toMatchObject({ statusCode: null, error: expect.any(String) });
    expect(attempts[4]).toMatchObject({ statusCode: 200 });
    expect((await admin(app).get(`/v1/webhooks/${created.body.id}/attempts?limit=0`)).status).toBe(400);
    expect((await admin(app).get(`/v1/webhooks/${created.body.id}/attempts?cursor=nonsense`)).status).toBe(400);
    expect((await admin(app).delete(`/v1/webhooks/${created.body.id}`)).status).toBe(204);
  });

  it('a dead endpoint turns failing without holding another subscription back; re-enabled it resumes with nothing lost; replay redelivers', async () => {
    const dead = await receiver();
    dead.r.behave = () => 500;
    const live = await receiver();
    const a = (await admin(app).post('/v1/webhooks', { url: dead.url, types: ['SubscriberEnrolled'] })).body;
    const b = (await admin(app).post('/v1/webhooks', { url: live.url, types: ['SubscriberEnrolled'] })).body;
    await enrol(app, 4);
    const expected = await feed(app, a.checkpoint, 'SubscriberEnrolled', 4);
    await until(() => live.r.accepted.length >= 4, 60_000, 'the live subscription');
    expect(live.r.firstSeen()).toEqual(expected.map((e) => e.id));
    await until(async () => (await admin(app).get(`/v1/webhooks/${a.id}`)).body.status === 'failing', 60_000, 'failing');
    const failing = (await admin(app).get(`/v1/webhooks/${a.id}`)).body;
    expect(failing).toMatchObject({ status: 'failing', checkpoint: a.checkpoint, lagEvents: 4, failingSince: expect.any(String) });
    // Not attempted any more.
    const attemptsThen = dead.r.requests.length;
    await enrol(app, 1);
    await until(() => live.r.accepted.length >= 5, 60_000, 'the live one goes on');
    expect(dead.r.requests.length).toBe(attemptsThen);
    const relays = (await get(app, '/v1/projections', 'admin')).body.relays as Array<{ name: string; subscription?: string }>;
    expect(relays.find((x) => x.name === `webhook:${a.id}`)?.subscription).toBe('failing');

    // The receiver is fixed and the subscription re-enabled: everything since its checkpoint, in order.
    dead.r.behave = () => 200;
    const reenabled = await admin(app).patch(`/v1/webhooks/${a.id}`, { status: 'active' });
    expect(reenabled.status).toBe(200);
    expect(reenabled.body).toMatchObject({ status: 'active', failingSince: null });
    const all = await feed(app, a.checkpoint, 'SubscriberEnrolled', 5);
    await until(() => dead.r.firstSeen().length >= all.length, 60_000, 're-enabled delivery');
    expect(dead.r.firstSeen()).toEqual(all.map((e) => e.id));

    // Replay from the second event: redelivered, in order.
    const accepted = live.r.accepted.length;
    const replay = await admin(app).post(`/v1/webhooks/${b.id}/replay`, { after: all[1]!.position });
    expect(replay.status).toBe(200);
    await until(() => live.r.accepted.length >= accepted + all.length - 2, 60_000, 'replay');
    expect(live.r.accepted.slice(accepted).map((x) => x.headers['webhook-id'])).toEqual(all.slice(2).map((e) => e.id));
    // A replay moves the checkpoint back only; a position that is not one is a 400.
    expect((await admin(app).post(`/v1/webhooks/${b.id}/replay`, { after: '999999999999999999999999' })).status).toBe(400);
    expect((await admin(app).post(`/v1/webhooks/${b.id}/replay`, { after: 'abc' })).status).toBe(400);

    // Disabled: nothing more is sent. Deleted: gone, and its checkpoint with it.
    expect((await admin(app).patch(`/v1/webhooks/${b.id}`, { status: 'disabled' })).body.status).toBe('disabled');
    const before = live.r.requests.length;
    await enrol(app, 1);
    await until(() => dead.r.firstSeen().length >= all.length + 1, 60_000, 'the other one goes on');
    expect(live.r.requests.length).toBe(before);
    for (const id of [a.id, b.id]) {
      expect((await admin(app).delete(`/v1/webhooks/${id}`)).status).toBe(204);
      expect((await admin(app).get(`/v1/webhooks/${id}`)).status).toBe(404);
    }
    const db = app.get<SqlDatabase>(SQL_DATABASE, { strict: false });
    const { rows } = await db.query(`SELECT name FROM cl_checkpoints WHERE name = $1`, [`webhook:${b.id}`]);
    expect(rows).toEqual([]);
  });

  it('after a secret rotation both secrets sign for the overlap: two signatures, each valid with its own secret', async () => {
    const { r, url } = await receiver();
    const created = (await admin(app).post('/v1/webhooks', { url, types: ['SubscriberEnrolled'] })).body;
    const rotated = await admin(app).post(`/v1/webhooks/${created.id}/secret-rotation`, {});
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(created.secret);
    const hours = (Date.parse(rotated.body.previousSecretExpiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(23.9);
    expect(hours).toBeLessThanOrEqual(24);
    await enrol(app, 2);
    await until(() => r.accepted.length >= 2, 60_000, 'deliveries after rotation');
    for (const received of r.accepted) {
      expect(received.headers['webhook-signature']!.split(' ')).toHaveLength(2);
      expect(verify(rotated.body.secret, received)).toBeTruthy();
      expect(verify(created.secret, received)).toBeTruthy();
    }
    expect((await admin(app).get(`/v1/webhooks/${created.id}`)).body.previousSecretExpiresAt).toBe(rotated.body.previousSecretExpiresAt);
    expect((await admin(app).delete(`/v1/webhooks/${created.id}`)).status).toBe(204);
  });

  it('refuses bad input with 400 problem+json and writes nothing; only admins may manage webhooks', async () => {
    const count = async () => (await admin(app).get('/v1/webhooks')).body.webhooks.length;
    const before = await count();
    for (const body of [
      { url: 'ftp://example.com/x' },
      { url: 'not a url' },
      { url: 'https://user:pw@example.com/x' },
      { url: 'https://example.com/x', types: ['NoSuchEvent'] },
      { url: 'https://example.com/x', types: [] },
      { url: 'https://example.com/x', stream: 'bad stream!' },
      { url: 'https://example.com/x', extra: true },
      {},
    ]) {
      const r = await admin(app).post('/v1/webhooks', body);
      expect([JSON.stringify(body), r.status, r.headers['content-type']]).toEqual([JSON.stringify(body), 400, expect.stringContaining('application/problem+json')]);
    }
    expect(await count()).toBe(before);
    expect((await post(app, '/v1/webhooks', { url: 'https://example.com/x' }, 'operator')).status).toBe(403);
    expect((await get(app, '/v1/webhooks', 'service')).status).toBe(403);
    expect((await admin(app).get('/v1/webhooks/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await admin(app).patch('/v1/webhooks/nope', { status: 'active' })).status).toBe(404);
  });

  it('prunes attempts past the retention period', async () => {
    const db = app.get<SqlDatabase>(SQL_DATABASE, { strict: false });
    const store = new WebhookStore(db);
    await store.recordAttempts('w-old', [
      { eventId: 'e1', position: '1', attempt: 1, statusCode: 500, error: null, latencyMs: 3, at: new Date(Date.now() - 3 * 3_600_000).toISOString(), responseExcerpt: null },
      { eventId: 'e2', position: '2', attempt: 1, statusCode: 200, error: null, latencyMs: 3, at: new Date().toISOString(), responseExcerpt: null },
    ]);
    expect(await store.prune(2)).toBe(1);
    expect((await store.attempts('w-old', { limit: 10 })).map((a) => a.eventId)).toEqual(['e2']);
  });
}
