/**
 * Issue 18, push delivery from the projector process: the service (PROJECTOR=external, so it does
 * not deliver) takes a webhook subscription over HTTP; real apps/projector processes on PostgreSQL
 * deliver it. With two projectors each sink is delivered by exactly one of them — every event
 * arrives once, in order (counted by webhook-id at the receiver) — and when that one stops, the
 * other takes over from the checkpoint.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { comparePositions } from '@libs/event-store';
import { readCheckpoint, type SqlDatabase } from '@libs/sql';
import { SQL_DATABASE } from '../../apps/service/src/infrastructure/tokens.js';
import { get, startApp } from '../http/support.js';
import { createTestDatabase } from '../support/postgres.js';
import { until } from './engine-scenarios.js';
import { listening, spawnProjector, type ProjectorProcess } from './processes.js';
import { fastRelay, Receiver } from './receiver.js';
import { admin, enrol } from './webhooks-scenarios.js';

jest.setTimeout(180_000);

type FeedEvent = { id: string; position: string; type: string; streamId: string };

/** The feed's events after `after` (with `query`), once at least `count` are visible. */
async function feed(app: INestApplication, after: string, query: string, count: number): Promise<FeedEvent[]> {
  let events: FeedEvent[] = [];
  await until(async () => {
    events = (await get(app, `/v1/events?after=${after}&limit=1000${query}`, 'service')).body.events;
    return events.length >= count;
  }, 60_000, `${count} events in the feed`);
  return events;
}

/** Webhook ids in arrival order, each with how often it came. */
function counts(r: Receiver): Map<string, number> {
  const out = new Map<string, number>();
  for (const a of r.accepted) out.set(a.headers['webhook-id']!, (out.get(a.headers['webhook-id']!) ?? 0) + 1);
  return out;
}

describe('relays in the projector process (PostgreSQL)', () => {
  let db: { url: string; drop(): Promise<void> };
  let app: INestApplication;
  const projectors: ProjectorProcess[] = [];
  const receivers: Receiver[] = [];
  beforeAll(async () => {
    db = await createTestDatabase('relay_projector');
    app = await startApp({ eventStore: 'postgres', databaseUrl: db.url, projector: 'external', relay: fastRelay() });
  });
  afterAll(async () => {
    for (const p of projectors) await p.kill('SIGKILL');
    await app?.close();
    for (const r of receivers) await r.stop();
    await db?.drop();
  });

  it('the service alone does not deliver; two projectors: each sink delivered by exactly one, every event once and in order; a stopped holder hands over', async () => {
    const a = new Receiver();
    const b = new Receiver();
    receivers.push(a, b);
    const hookA = (await admin(app).post('/v1/webhooks', { url: await a.start(), types: ['SubscriberEnrolled'] })).body;
    const hookB = (await admin(app).post('/v1/webhooks', { url: await b.start(), stream: 'subscriber-' })).body;
    expect([hookA.status, hookB.status]).toEqual(['active', 'active']);

    // Given only the service (PROJECTOR=external, RELAYS=auto): nothing is delivered.
    await enrol(app, 5, 'alone');
    const early = await feed(app, hookA.checkpoint, '&types=SubscriberEnrolled', 5);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(a.requests.length + b.requests.length).toBe(0);
    const beforeProjectors = (await get(app, '/v1/projections', 'analyst')).body.relays as Array<{ name: string; status: string; lagEvents: number }>;
    expect(beforeProjectors.find((s) => s.name === `webhook:${hookA.id}`)).toMatchObject({ status: 'stopped', lagEvents: 5 });

    // When two projector processes run the relays and more events are written.
    projectors.push(await spawnProjector(db.url), await spawnProjector(db.url));
    for (const p of projectors) await listening(p);
    await enrol(app, 40, 'two');
    const expectedA = await feed(app, hookA.checkpoint, '&types=SubscriberEnrolled', 45);
    const expectedB = (await feed(app, hookB.checkpoint, '', 45)).filter((e) => e.streamId.startsWith('subscriber-'));
    expect(expectedA.slice(0, 5)).toEqual(early);
    await until(() => a.accepted.length >= expectedA.length && b.accepted.length >= expectedB.length, 90_000, 'both receivers served');
    await new Promise((r) => setTimeout(r, 1_000));

    // Then every event arrived exactly once, in position order, signed with the subscription's secret.
    for (const [r, expected, hook] of [[a, expectedA, hookA], [b, expectedB, hookB]] as const) {
      expect([...counts(r).entries()]).toEqual(expected.map((e) => [e.id, 1]));
      expect(r.requests.length).toBe(expected.length);
      for (const received of r.accepted) new Webhook(hook.secret).verify(received.body, received.headers);
    }
    // And for each sink exactly one projector is the leader.
    for (const hook of [hookA, hookB]) {
      const leaders = await Promise.all(projectors.map((p) => p.leader(`webhook:${hook.id}`)));
      expect(leaders.sort()).toEqual([0, 1]);
    }
    // The service shows the checkpoint the projector moved.
    await until(async () => {
      const relays = (await get(app, '/v1/projections', 'analyst')).body.relays as Array<{ name: string; checkpoint: string; lagEvents: number }>;
      const line = relays.find((s) => s.name === `webhook:${hookA.id}`);
      return line?.checkpoint === expectedA.at(-1)!.position && line.lagEvents === 0;
    }, 30_000, 'the checkpoint in GET /v1/projections');

    // When the holder of A stops (SIGTERM), the other projector takes A over from the checkpoint.
    const holderIndex = (await Promise.all(projectors.map((p) => p.leader(`webhook:${hookA.id}`)))).indexOf(1);
    const [holder, other] = holderIndex === 0 ? [projectors[0]!, projectors[1]!] : [projectors[1]!, projectors[0]!];
    expect(await holder.kill('SIGTERM')).toEqual({ code: 0, signal: null });
    await enrol(app, 15, 'after');
    const afterA = await feed(app, hookA.checkpoint, '&types=SubscriberEnrolled', 60);
    await until(() => a.accepted.length >= afterA.length, 60_000, 'delivery after the hand-over');
    await new Promise((r) => setTimeout(r, 1_000));
    expect([...counts(a).entries()]).toEqual(afterA.map((e) => [e.id, 1]));
    expect(await other.leader(`webhook:${hookA.id}`)).toBe(1);
    expect(other.stderr()).not.toMatch(/Unhandled|uncaught/i);

    // `projector status` prints the relays' checkpoints beside the projections'.
    await until(async () => comparePositions(await readCheckpoint(app.get<SqlDatabase>(SQL_DATABASE, { strict: false }), `webhook:${hookA.id}`), afterA.at(-1)!.position) === 0, 30_000, 'the final checkpoint');
    const printed = execFileSync(process.execPath, ['--import', resolve('test/projections/register-ts.mjs'), resolve('apps/projector/src/main.ts'), 'status'], {
      env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'test', EVENT_STORE: 'postgres', DATABASE_URL: db.url },
      encoding: 'utf8',
    });
    expect(printed).toMatch(new RegExp(`^webhook:${hookA.id}\\s+checkpoint ${afterA.at(-1)!.position}\\s+lag 0 events`, 'm'));
    expect(printed).toMatch(/^subscribers\s+checkpoint \d+/m);
  });
});
