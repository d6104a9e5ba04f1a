/**
 * Issue 18, crash test: the process delivering webhooks — a real apps/projector, or the service
 * with PROJECTOR=inline, as a child process on real PostgreSQL — is killed with SIGKILL while a
 * POST to a real local receiver is in flight, twice, and restarted each time. The receiver gets
 * every event at least once, in position order; the only duplicates are, after each crash, one
 * contiguous redelivery of exactly the events after the checkpoint the dead process had written
 * (the one in flight among them); every signature checks with the `standardwebhooks` package.
 */
import { jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { comparePositions } from '@libs/event-store';
import { readCheckpoint, type SqlDatabase } from '@libs/sql';
import { SQL_DATABASE } from '../../apps/service/src/infrastructure/tokens.js';
import { get, startApp } from '../http/support.js';
import { createTestDatabase } from '../support/postgres.js';
import { until } from './engine-scenarios.js';
import { listening, spawnProjector, spawnService, type ProjectorProcess } from './processes.js';
import { fastRelay, Receiver } from './receiver.js';
import { admin, enrol } from './webhooks-scenarios.js';

jest.setTimeout(240_000);

const EVENTS = 150;
/** The receiver's request numbers at which the delivering process is killed (that request held unanswered). */
const KILL_AT = [40, 100];

describe.each(['projector', 'service'] as const)('the delivering %s killed with SIGKILL mid-delivery (PostgreSQL)', (kind) => {
  let db: { url: string; drop(): Promise<void> };
  let app: INestApplication;
  const receiver = new Receiver();
  const processes: ProjectorProcess[] = [];
  beforeAll(async () => {
    db = await createTestDatabase(`relay_crash_${kind}`);
    // The writer side: takes the subscription and the commands, delivers nothing itself.
    app = await startApp({ eventStore: 'postgres', databaseUrl: db.url, projector: 'external', relay: { ...fastRelay(), mode: 'off' } });
  });
  afterAll(async () => {
    for (const p of processes) await p.kill('SIGKILL');
    await app?.close();
    await receiver.stop();
    await db?.drop();
  });

  const deliverer = async () => {
    const p = kind === 'projector' ? await spawnProjector(db.url) : await spawnService(db.url);
    processes.push(p);
    await listening(p, 90_000);
    return p;
  };

  it('every event at least once, in order; duplicates only the un-checkpointed tail, redelivered contiguously; signatures valid', async () => {
    // Given a subscription and a backlog of events for it.
    const hook = (await admin(app).post('/v1/webhooks', { url: await receiver.start(), types: ['SubscriberEnrolled'] })).body;
    expect(hook.status).toBe('active');
    await enrol(app, EVENTS, `crash-${kind}`);
    let expected: Array<{ id: string; position: string }> = [];
    await until(async () => {
      expected = (await get(app, `/v1/events?after=${hook.checkpoint}&types=SubscriberEnrolled&limit=1000`, 'service')).body.events;
      return expected.length >= EVENTS;
    }, 60_000, 'the backlog in the feed');

    // When the delivering process is killed while request KILL_AT[i] is in flight, and restarted.
    // The child may deliver before the test has seen it listen (a quiet machine): the receiver
    // kills whichever process is starting or running, and the crash is awaited from before it starts.
    const crashes: Array<{ at: number; checkpoint: string }> = [];
    let crashed: (() => void) | undefined;
    let nextCrash = new Promise<void>((resolve) => (crashed = resolve));
    let starting = deliverer();
    receiver.answerAfter = (_req, n) => {
      if (!KILL_AT.includes(n)) return new Promise((r) => setTimeout(r, 5));
      return starting.then((victim) => victim.kill('SIGKILL')).then(() => crashed?.());
    };
    const db0 = app.get<SqlDatabase>(SQL_DATABASE, { strict: false });
    await starting;
    for (const at of KILL_AT) {
      await nextCrash;
      expect(receiver.requests.length).toBe(at);
      crashes.push({ at, checkpoint: await readCheckpoint(db0, `webhook:${hook.id}`) });
      nextCrash = new Promise<void>((resolve) => (crashed = resolve));
      starting = deliverer();
      await starting;
    }
    const current = await starting;
    await until(() => receiver.firstSeen().length >= EVENTS, 120_000, 'every event delivered after the restarts');
    await until(async () => comparePositions(await readCheckpoint(db0, `webhook:${hook.id}`), expected.at(-1)!.position) === 0, 30_000, 'the final checkpoint');
    await new Promise((r) => setTimeout(r, 500));

    // Then: every event at least once, first arrivals in position order.
    expect(receiver.firstSeen()).toEqual(expected.map((e) => e.id));
    // Every request (the ones that died in flight too) is signed, its webhook-id its event's id.
    const verifier = new Webhook(hook.secret);
    const ids = receiver.requests.map((r) => {
      const body = verifier.verify(r.body, r.headers) as { id: string };
      expect(r.headers['webhook-id']).toBe(body.id);
      return body.id;
    });
    // Duplicates: after crash i, the sequence restarts right after the checkpoint the dead process
    // had written and carries on in order — one contiguous redelivery, nothing skipped.
    const indexOf = new Map(expected.map((e, i) => [e.id, i]));
    const boundaries = [0, ...crashes.map((c) => c.at), ids.length];
    const redelivered: number[] = [];
    for (let s = 0; s + 1 < boundaries.length; s++) {
      const segment = ids.slice(boundaries[s], boundaries[s + 1]);
      const from = s === 0 ? 0 : expected.filter((e) => comparePositions(e.position, crashes[s - 1]!.checkpoint) <= 0).length;
      expect(segment).toEqual(expected.slice(from, from + segment.length).map((e) => e.id));
      if (s > 0) {
        const inFlight = indexOf.get(ids[boundaries[s]! - 1]!)!;
        // The request in flight was never acknowledged: its event is after the checkpoint, so redelivered.
        expect(from).toBeLessThanOrEqual(inFlight);
        redelivered.push(inFlight - from + 1);
      }
    }
    expect(ids.length).toBe(EVENTS + redelivered.reduce((a, b) => a + b, 0));
    process.stdout.write(`relay crash (${kind}): ${EVENTS} events, ${ids.length} requests, redelivered after each SIGKILL: ${redelivered.join(', ')}\n`);
    expect(current.stderr()).not.toMatch(/Unhandled|uncaught/i);
  });
});
