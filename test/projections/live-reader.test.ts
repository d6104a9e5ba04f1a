/**
 * The live path's shared reader (issue 20): every projection and the policies take their new
 * events from one reader of the log, each committing its own checkpoint with its own writes; a
 * member that fails is isolated and catches up from its checkpoint; each page is read once.
 * Real PostgreSQL.
 */
import { jest } from '@jest/globals';
import { comparePositions, SharedReader, type ReadAllOptions, type StoredEvent, type Subscription } from '@libs/event-store';
import { readCheckpoint, type SqlExecutor } from '@libs/sql';
import { ProjectionEngine, subscribersProjection, type Projection } from '@libs/projections';
import { appendHistory, randomHistory } from './history.js';
import { openTestStore } from './support.js';

jest.setTimeout(120_000);

type Opened = Awaited<ReturnType<typeof openTestStore>>;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(25);
  }
}

/** Counts the store's `readAll` calls and the events they return (the shared reader's and any member's own). */
function countReads(opened: Opened): { calls: number; events: number } {
  const counter = { calls: 0, events: 0 };
  const readAll = opened.store.readAll.bind(opened.store);
  opened.store.readAll = async (options?: ReadAllOptions) => {
    const page = await readAll(options);
    counter.calls++;
    counter.events += page.events.length;
    return page;
  };
  return counter;
}

async function appendEach(opened: Opened, n: number, from = 0): Promise<string> {
  let position = '0';
  for (let i = from; i < from + n; i++) {
    ({ position } = await opened.store.append(`s-${i}`, [{ type: i % 2 === 0 ? 'A' : 'B', data: { i }, occurredAt: '2026-01-01T00:00:00.000Z' }]));
  }
  return position;
}

/** A named member that records every event it applies in its own transaction (a duplicate breaks the primary key). */
function recorder(name: string, options: { types?: string[]; broken?: () => boolean; batchSize?: number } = {}) {
  const errors: unknown[] = [];
  return {
    errors,
    options: {
      name,
      types: options.types,
      batchSize: options.batchSize,
      handler: async (events: StoredEvent[], tx: SqlExecutor) => {
        for (const e of events) await tx.query('INSERT INTO t_applied (member, position) VALUES ($1, $2::numeric)', [name, e.position]);
        if (options.broken?.()) throw new Error(`${name} is broken`);
      },
      onError: (error: unknown) => errors.push(error),
    },
  };
}

async function applied(opened: Opened, member: string): Promise<number> {
  const { rows } = await opened.db.query<{ n: number }>('SELECT count(*)::int AS n FROM t_applied WHERE member = $1', [member]);
  return rows[0]!.n;
}

describe('one shared live reader for every projection and policy', () => {
  let opened: Opened;
  beforeEach(async () => {
    opened = await openTestStore();
    await opened.db.query('CREATE TABLE t_applied (member text NOT NULL, position numeric NOT NULL, PRIMARY KEY (member, position))');
  });
  afterEach(async () => {
    await opened.close();
  });

  it.each([false, true])('given a member whose handler fails (one transaction per page: %s), when events arrive, then the others reach the head and it catches up from its checkpoint, each event applied once', async (oneTransaction) => {
    // given
    const reader = new SharedReader({ store: opened.store, db: opened.db, batchSize: 7, oneTransaction });
    let broken = true;
    const a = recorder('a', { types: ['A'] });
    const b = recorder('b', { batchSize: 3 });
    const c = recorder('c', { broken: () => broken });
    const seen: string[] = [];
    const subs: Subscription[] = [a, b, c].map((m) => reader.subscribe(m.options));
    subs.push(reader.subscribe({ after: '0', handler: async (events) => void seen.push(...events.map((e) => e.position)) }));
    try {
      // when
      const head = await appendEach(opened, 20);
      // then
      expect(await subs[0]!.waitFor(head, 15_000)).toBe(true);
      expect(await subs[1]!.waitFor(head, 15_000)).toBe(true);
      expect(await subs[3]!.waitFor(head, 15_000)).toBe(true);
      await until(() => c.errors.length >= 2);
      expect(await readCheckpoint(opened.db, 'c')).toBe('0');
      expect(await applied(opened, 'c')).toBe(0);
      expect(await readCheckpoint(opened.db, 'a')).toBe(head);
      expect(await applied(opened, 'a')).toBe(10);
      expect(await applied(opened, 'b')).toBe(20);
      // when it heals and more events arrive
      broken = false;
      const head2 = await appendEach(opened, 5, 20);
      expect(await subs[2]!.waitFor(head2, 15_000)).toBe(true);
      for (const s of subs.slice(0, 2)) expect(await s.waitFor(head2, 15_000)).toBe(true);
      expect(await applied(opened, 'c')).toBe(25);
      expect(await applied(opened, 'b')).toBe(25);
      expect(await applied(opened, 'a')).toBe(13);
      expect(await readCheckpoint(opened.db, 'c')).toBe(head2);
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(25);
    } finally {
      await reader.stop();
    }
  });

  it('given six members on the shared path, when events arrive one by one and in a burst, then the store reads each new event once', async () => {
    // given
    const reader = new SharedReader({ store: opened.store, db: opened.db });
    const members = ['p1', 'p2', 'p3', 'p4', 'p5', 'p6'].map((name, i) => recorder(name, i % 2 ? { types: ['A'] } : {}));
    const subs = members.map((m) => reader.subscribe(m.options));
    try {
      const first = await appendEach(opened, 1);
      for (const s of subs) expect(await s.waitFor(first, 15_000)).toBe(true);
      await sleep(100);
      const reads = countReads(opened);
      // when: one by one
      for (let i = 1; i <= 10; i++) {
        const position = await appendEach(opened, 1, i);
        for (const s of subs) expect(await s.waitFor(position, 15_000)).toBe(true);
      }
      // when: a burst of concurrent appends
      const positions = await Promise.all(Array.from({ length: 40 }, (_, i) => appendEach(opened, 1, 100 + i)));
      const last = positions.reduce((x, y) => (BigInt(x) > BigInt(y) ? x : y));
      for (const s of subs) expect(await s.waitFor(last, 15_000)).toBe(true);
      // then: 50 new events, each read from the store once (one reader per member would read ~6 × 50)
      expect(reads.events).toBe(50);
      expect(reads.calls).toBeLessThanOrEqual(2 * 50);
      for (const [i, m] of members.entries()) expect(await applied(opened, m.options.name)).toBe(i % 2 ? 26 : 51);
      expect(members.every((m) => m.errors.length === 0)).toBe(true);
    } finally {
      await reader.stop();
    }
  });

  it('given an engine with a projection that fails, then its status says failed while the others run at the head, and it catches up once healed', async () => {
    // given
    let broken = true;
    const flaky: Projection = {
      name: 'flaky',
      description: 'fails while broken',
      tables: [],
      eventTypes: ['SubscriberEnrolled'],
      apply: async () => {
        if (broken) throw new Error('flaky is broken');
      },
    };
    const engine = new ProjectionEngine({ store: opened.store, db: opened.db, projections: [subscribersProjection, flaky], batchSize: 50 });
    await engine.start();
    try {
      // when
      await appendHistory(opened.store, randomHistory(7, { subscribers: 8, months: 3 }));
      const head = await opened.store.headPosition();
      // then
      expect(await engine.waitFor(head, 20_000, ['subscribers'])).toBe(true);
      await until(async () => (await engine.status()).find((s) => s.name === 'flaky')?.status === 'failed');
      const status = await engine.status();
      // `head` is the gap-free head when it was read: a transaction elsewhere on the server can
      // hold it below the last append for a moment, so the projection may already be further.
      const subscribers = status.find((s) => s.name === 'subscribers')!;
      expect(subscribers).toMatchObject({ status: 'running', lagEvents: 0 });
      expect(comparePositions(subscribers.checkpoint, head)).toBeGreaterThanOrEqual(0);
      expect(status.find((s) => s.name === 'flaky')).toMatchObject({ status: 'failed', checkpoint: '0', lastError: 'flaky is broken' });
      // when healed
      broken = false;
      expect(await engine.waitFor(head, 20_000)).toBe(true);
      await until(async () => (await engine.status()).find((s) => s.name === 'flaky')?.status === 'running');
    } finally {
      await engine.stop();
    }
  });
});
