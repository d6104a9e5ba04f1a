import type { INestApplication } from '@nestjs/common';
import type { EventStore, StoredEvent, Subscription } from '@libs/event-store';
import pg from 'pg';
import { PROJECTIONS } from '../../apps/service/src/infrastructure/tokens.js';
import { openFeed, type FeedClient } from '../feed/sse-client.js';
import { enrollment, KEYS, startApp, storeOf } from '../http/support.js';
import { startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';

/**
 * Issue 12, "database outages": the service on a PostgreSQL of its own, under concurrent writers,
 * a live subscription and an SSE reader, while the server is stopped and started again and while
 * every backend is terminated. The process must not die, commands and queries must answer 503
 * problem+json with Retry-After (never 500, never a hang), and afterwards every acknowledged write
 * is in the log, the subscription, the feed and the read models exactly once — without a restart.
 */
const REQUEST_TIMEOUT_MS = 10_000;

interface Engine {
  waitFor(position: string, timeoutMs?: number): Promise<boolean>;
}

async function until(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('database outages (private PostgreSQL)', () => {
  let server: PrivatePostgres;
  let app: INestApplication;
  let base: string;
  let store: EventStore;
  let seen: Map<string, number>;
  let subscription: Subscription;
  let feed: FeedClient;
  const statuses = new Map<number, number>();
  const unexpected: string[] = [];
  const acked = new Set<string>();
  let writing = false;
  let writers: Promise<void>[] = [];
  let counter = 0;

  const call = async (method: string, path: string, body?: unknown): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${KEYS.operator}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };

  const writer = async (w: number): Promise<void> => {
    while (writing) {
      const id = `w${w}-${counter++}`;
      try {
        const res = await call('POST', '/v1/subscribers', enrollment(id));
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201) acked.add(id);
        else if (res.status === 503) {
          if (!/^application\/problem\+json/.test(res.headers.get('content-type') ?? '') || !res.headers.get('retry-after')) unexpected.push(`503 without problem+json/Retry-After for ${id}`);
          await new Promise((r) => setTimeout(r, 100));
        } else unexpected.push(`${res.status} ${JSON.stringify(res.body)} for ${id}`);
      } catch (error) {
        unexpected.push(`request ${id} failed: ${(error as Error).message}`);
      }
    }
  };

  const startWriters = () => {
    writing = true;
    writers = [0, 1, 2, 3].map((w) => writer(w));
  };
  const stopWriters = async () => {
    writing = false;
    await Promise.all(writers);
  };

  beforeAll(async () => {
    server = await startPrivatePostgres();
    app = await startApp({ eventStore: 'postgres', databaseUrl: server.url, rateLimitPerMinute: 1_000_000 });
    await app.listen(0, '127.0.0.1');
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
    store = storeOf(app);
    seen = new Map();
    subscription = store.subscribe({
      handler: async (events: readonly StoredEvent[]) => {
        for (const e of events) if (e.type === 'SubscriberEnrolled') seen.set(e.streamId, (seen.get(e.streamId) ?? 0) + 1);
      },
    });
    feed = openFeed(base, KEYS.service);
    await feed.opened;
  }, 60_000);

  afterAll(async () => {
    writing = false;
    await Promise.all(writers);
    feed?.close();
    await subscription?.stop();
    await app?.close();
    server?.destroy();
  }, 60_000);

  /** Every acknowledged enrollment exactly once in the log, the subscription, the feed and the read model. */
  async function expectEveryAcknowledgedWriteOnce(): Promise<void> {
    const head = await store.headPosition();
    expect(await subscription.waitFor(head, 30_000)).toBe(true);
    const engine = app.get<Engine>(PROJECTIONS, { strict: false });
    expect(await engine.waitFor(head, 30_000)).toBe(true);
    await feed.until((events) => events.some((e) => e.id === head), 30_000);

    const client = new pg.Client({ connectionString: server.url });
    await client.connect();
    try {
      const log = await client.query<{ stream_id: string; n: string }>(
        `SELECT stream_id, count(*)::text AS n FROM cl_events WHERE type = 'SubscriberEnrolled' GROUP BY stream_id`,
      );
      const inLog = new Map(log.rows.map((r) => [r.stream_id, Number(r.n)]));
      const rm = await client.query<{ subscriber_id: string }>('SELECT subscriber_id FROM rm_subscribers');
      const inReadModel = new Set(rm.rows.map((r) => r.subscriber_id));
      const fed = new Map<string, number>();
      for (const e of feed.events) if (e.type === 'SubscriberEnrolled') fed.set(e.envelope.streamId, (fed.get(e.envelope.streamId) ?? 0) + 1);
      const positions = feed.events.map((e) => e.id);
      expect(new Set(positions).size).toBe(positions.length);
      for (const id of acked) {
        const stream = `subscriber-${id}`;
        expect([id, inLog.get(stream)]).toEqual([id, 1]);
        expect([id, seen.get(stream)]).toEqual([id, 1]);
        expect([id, fed.get(stream)]).toEqual([id, 1]);
        expect([id, inReadModel.has(id)]).toEqual([id, true]);
      }
      // Writes that were not acknowledged may or may not have committed; none is there twice.
      for (const [stream, n] of [...inLog, ...seen, ...fed]) expect([stream, n]).toEqual([stream, 1]);
      expect(inReadModel.size).toBe(inLog.size);
    } finally {
      await client.end();
    }
  }

  it('server stopped and started under load: 503s meanwhile, /health/live up, recovery without restart', async () => {
    startWriters();
    await until('writes before the outage', () => acked.size >= 20);
    server.stop();
    const before = statuses.get(503) ?? 0;
    await until('503s during the outage', () => (statuses.get(503) ?? 0) > before + 4);
    const query = await call('GET', '/v1/subscribers/w0-0');
    expect(query.status).toBe(503);
    expect(query.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(Number(query.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(query.body.code).toBe('database-unavailable');
    expect((await call('GET', '/health/ready')).status).toBe(503);
    expect((await call('GET', '/health/live')).status).toBe(200);
    const duringOutage = acked.size;
    server.start();
    await until('writes after the outage', () => acked.size >= duringOutage + 20);
    let ready: Awaited<ReturnType<typeof call>> | undefined;
    await until('ready again', async () => (ready = await call('GET', '/health/ready')).status === 200).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(ready?.body)}`);
    });
    await stopWriters();
    expect(unexpected).toEqual([]);
    await expectEveryAcknowledgedWriteOnce();
  }, 120_000);

  it('every backend terminated (pg_terminate_backend) under load: nothing lost, nothing twice', async () => {
    startWriters();
    for (let round = 0; round < 3; round++) {
      const target = acked.size + 15;
      await until(`writes before termination ${round}`, () => acked.size >= target);
      expect(await server.terminateBackends()).toBeGreaterThan(0);
    }
    const after = acked.size;
    await until('writes after the terminations', () => acked.size >= after + 20);
    await stopWriters();
    expect(unexpected).toEqual([]);
    await expectEveryAcknowledgedWriteOnce();
    expect((await call('GET', '/health/ready')).status).toBe(200);
  }, 120_000);
});
