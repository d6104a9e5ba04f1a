import type { INestApplication } from '@nestjs/common';
import type { EventStore, StoredEvent, Subscription } from '@libs/event-store';
import pg from 'pg';
import { PROJECTIONS } from '../../apps/service/src/infrastructure/tokens.js';
import type { ServiceConfig } from '../../apps/service/src/config.js';
import { openFeed, type FeedClient } from '../feed/sse-client.js';
import { enrollment, KEYS, startApp, storeOf } from '../http/support.js';

/** No request may take longer than this, outage or not. */
export const REQUEST_TIMEOUT_MS = 10_000;

interface Engine {
  waitFor(position: string, timeoutMs?: number): Promise<boolean>;
}

export async function until(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Answer {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

/**
 * The service on PostgreSQL (listening), four concurrent writers enrolling subscribers, a live
 * subscription and an SSE reader — the load of the outage tests (issue 12) — and the check that
 * every acknowledged write is in the log, the subscription, the feed and the read models once.
 */
export class OutageLoad {
  readonly statuses = new Map<number, number>();
  readonly unexpected: string[] = [];
  readonly acked = new Set<string>();
  private app!: INestApplication;
  private base!: string;
  private store!: EventStore;
  private subscription!: Subscription;
  private feed!: FeedClient;
  private readonly seen = new Map<string, number>();
  private writing = false;
  private writers: Promise<void>[] = [];
  private counter = 0;

  /** `databaseUrl` is what the service uses; `directUrl` is how the test reads the database itself. */
  constructor(
    private readonly databaseUrl: string,
    private readonly directUrl: string,
    private readonly overrides: Partial<ServiceConfig> = {},
  ) {}

  async start(): Promise<void> {
    this.app = await startApp({ eventStore: 'postgres', databaseUrl: this.databaseUrl, rateLimitPerMinute: 1_000_000, ...this.overrides });
    await this.app.listen(0, '127.0.0.1');
    this.base = (await this.app.getUrl()).replace('[::1]', '127.0.0.1');
    this.store = storeOf(this.app);
    this.subscription = this.store.subscribe({
      handler: async (events: readonly StoredEvent[]) => {
        for (const e of events) if (e.type === 'SubscriberEnrolled') this.seen.set(e.streamId, (this.seen.get(e.streamId) ?? 0) + 1);
      },
    });
    this.feed = openFeed(this.base, KEYS.service);
    await this.feed.opened;
  }

  async stop(): Promise<void> {
    await this.stopWriters();
    this.feed?.close();
    await this.subscription?.stop();
    await this.app?.close();
  }

  get count503(): number {
    return this.statuses.get(503) ?? 0;
  }

  async call(method: string, path: string, body?: unknown): Promise<Answer> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${KEYS.operator}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  startWriters(): void {
    this.writing = true;
    this.writers = [0, 1, 2, 3].map((w) => this.writer(w));
  }

  async stopWriters(): Promise<void> {
    this.writing = false;
    await Promise.all(this.writers);
  }

  private async writer(w: number): Promise<void> {
    while (this.writing) {
      const id = `w${w}-${this.counter++}`;
      try {
        const res = await this.call('POST', '/v1/subscribers', enrollment(id));
        this.statuses.set(res.status, (this.statuses.get(res.status) ?? 0) + 1);
        if (res.status === 201) this.acked.add(id);
        else if (res.status === 503) {
          if (!/^application\/problem\+json/.test(res.headers.get('content-type') ?? '') || !res.headers.get('retry-after')) this.unexpected.push(`503 without problem+json/Retry-After for ${id}`);
          await new Promise((r) => setTimeout(r, 100));
        } else this.unexpected.push(`${res.status} ${JSON.stringify(res.body)} for ${id}`);
      } catch (error) {
        this.unexpected.push(`request ${id} failed: ${(error as Error).message}`);
      }
    }
  }

  /** A query answers 503 problem+json `database-unavailable` with Retry-After. */
  async expectQueryUnavailable(): Promise<void> {
    const query = await this.call('GET', '/v1/subscribers/w0-0');
    if (query.status !== 503 || !/^application\/problem\+json/.test(query.headers.get('content-type') ?? '') || !(Number(query.headers.get('retry-after')) >= 1) || query.body.code !== 'database-unavailable') {
      throw new Error(`expected 503 database-unavailable with Retry-After, got ${query.status} ${JSON.stringify(query.body)}`);
    }
  }

  async waitReady(): Promise<void> {
    let ready: Answer | undefined;
    await until('ready again', async () => (ready = await this.call('GET', '/health/ready')).status === 200).catch((error: Error) => {
      throw new Error(`${error.message}: ${JSON.stringify(ready?.body)}`);
    });
  }

  /** Every acknowledged enrollment exactly once in the log, the subscription, the feed and the read model. */
  async expectEveryAcknowledgedWriteOnce(): Promise<void> {
    // The gap-free head can sit below the last acknowledged write for a moment (an open transaction
    // holds the horizon back): read it again until the subscription has seen every acknowledged
    // write, so the read model and the feed are then awaited up to a head that covers them all.
    let head = await this.store.headPosition();
    expect(await this.subscription.waitFor(head, 30_000)).toBe(true);
    for (const until = Date.now() + 30_000; Date.now() < until && [...this.acked].some((id) => !this.seen.has(`subscriber-${id}`)); ) {
      await new Promise((r) => setTimeout(r, 100));
      head = await this.store.headPosition();
      await this.subscription.waitFor(head, 30_000);
    }
    // The subscription may have gone past the head read last (new commits landed meanwhile), so
    // the read model and the feed are awaited up to a head read now: it covers every event seen.
    head = await this.store.headPosition();
    const engine = this.app.get<Engine>(PROJECTIONS, { strict: false });
    expect(await engine.waitFor(head, 30_000)).toBe(true);
    await this.feed.until((events) => events.some((e) => e.id === head), 30_000);

    const client = new pg.Client({ connectionString: this.directUrl });
    await client.connect();
    try {
      const log = await client.query<{ stream_id: string; n: string }>(
        `SELECT stream_id, count(*)::text AS n FROM cl_events WHERE type = 'SubscriberEnrolled' GROUP BY stream_id`,
      );
      const inLog = new Map(log.rows.map((r) => [r.stream_id, Number(r.n)]));
      const rm = await client.query<{ subscriber_id: string }>('SELECT subscriber_id FROM rm_subscribers');
      const inReadModel = new Set(rm.rows.map((r) => r.subscriber_id));
      const fed = new Map<string, number>();
      for (const e of this.feed.events) if (e.type === 'SubscriberEnrolled') fed.set(e.envelope.streamId, (fed.get(e.envelope.streamId) ?? 0) + 1);
      const positions = this.feed.events.map((e) => e.id);
      expect(new Set(positions).size).toBe(positions.length);
      for (const id of this.acked) {
        const stream = `subscriber-${id}`;
        expect([id, inLog.get(stream)]).toEqual([id, 1]);
        expect([id, this.seen.get(stream)]).toEqual([id, 1]);
        expect([id, fed.get(stream)]).toEqual([id, 1]);
        expect([id, inReadModel.has(id)]).toEqual([id, true]);
      }
      // Writes that were not acknowledged may or may not have committed; none is there twice.
      for (const [stream, n] of [...inLog, ...this.seen, ...fed]) expect([stream, n]).toEqual([stream, 1]);
      expect(inReadModel.size).toBe(inLog.size);
    } finally {
      await client.end();
    }
  }
}
