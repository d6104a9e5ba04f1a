import { randomUUID } from 'node:crypto';
import { ChainVerifier, CHAIN_VERSION, comparePositions, computeHash, ConcurrencyError, InvalidAppendError, InvalidPositionError, MAX_EVENT_BYTES, type EventStore, type NewEvent, type StoredEvent } from '@libs/event-store';
import { readCheckpoint, type SqlDatabase } from '@libs/sql';

export interface ContractSubject {
  store: EventStore;
  db: SqlDatabase;
  close(): Promise<void>;
  /**
   * Backends with concurrent writers: appends `event` in a transaction that stays open for
   * `holdMs` after writing, so that later appends commit before it (the late-commit case).
   */
  appendSlowly?(streamId: string, event: NewEvent, holdMs: number): Promise<void>;
  /** Appends events as the store wrote them before chain version 2 (an upgraded installation's log). */
  appendChainV1(streamId: string, events: readonly NewEvent[]): Promise<number>;
}

const at = '2026-01-15T10:00:00.000Z';

function ev(type = 'Happened', data: Record<string, unknown> = { n: 1 }, id?: string): NewEvent {
  return { id, type, data, occurredAt: at, metadata: { actor: 'key-1', role: 'operator', correlationId: 'c-1', causationId: 'x-1' } };
}

function uniqueStream(prefix = 'test'): string {
  return `${prefix}-${randomUUID()}`;
}

async function eventually(check: () => Promise<boolean> | boolean, timeoutMs = 5_000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Reads everything after `after` matching a prefix, draining pages. */
/** Waits until the gap-free head has reached `position` (see {@link drain} for why it may lag). */
async function visible(store: EventStore, position: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (comparePositions(await store.headPosition(), position) < 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
}

/**
 * Reads the log after `after` until `expected` events of the prefix were seen. On PostgreSQL a
 * reader stops at the gap-free horizon: an open transaction anywhere in the cluster (another
 * suite's) holds back what was committed after it began, so "nothing more yet" is not "done".
 */
async function drain(store: EventStore, after: string, streamPrefix: string, expected: number): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  let cursor = after;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const page = await store.readAll({ after: cursor, limit: 100, streamPrefix });
    all.push(...page.events);
    if (all.length >= expected || Date.now() > deadline) return all;
    if (page.last === cursor) await new Promise((r) => setTimeout(r, 20));
    cursor = page.last;
  }
}

/**
 * The behaviour every event-store backend must show. `concurrentWriters` is how many appends may
 * be in flight at once (PGlite serialises them anyway).
 */
export function describeEventStoreContract(name: string, factory: () => Promise<ContractSubject>, opts: { concurrentWriters?: number } = {}): void {
  describe(`event store contract: ${name}`, () => {
    let subject: ContractSubject;
    let store: EventStore;

    beforeAll(async () => {
      subject = await factory();
      store = subject.store;
    }, 60_000);

    afterAll(async () => {
      await subject?.close();
    });

    describe('append and readStream', () => {
      it('writes a new stream from version 0 and returns the version and global position of the last event', async () => {
        const stream = uniqueStream();
        const result = await store.append(stream, [ev('A'), ev('B')], { expectedVersion: 'no_stream' });
        expect(result.streamId).toBe(stream);
        expect(result.version).toBe(1);
        expect(result.position).toMatch(/^[1-9][0-9]*$/);
        const events = await store.readStream(stream);
        expect(events.map((e) => [e.version, e.type])).toEqual([
          [0, 'A'],
          [1, 'B'],
        ]);
        expect(events[1].position).toBe(result.position);
        expect(comparePositions(events[0].position, events[1].position)).toBeLessThan(0);
        expect(await store.streamVersion(stream)).toBe(1);
      });

      it('returns the api.md envelope with metadata the store completes', async () => {
        const stream = uniqueStream();
        const id = randomUUID();
        await store.append(stream, [{ ...ev('Enrolled', { name: 'Ana', fee: 30000, nested: { a: [1, 'x', null] } }, id), occurredAt: '2026-01-15T11:00:00+01:00' }]);
        const [event] = await store.readStream(stream);
        expect(event).toEqual({
          id,
          position: expect.stringMatching(/^\d+$/),
          streamId: stream,
          version: 0,
          type: 'Enrolled',
          data: { name: 'Ana', fee: 30000, nested: { a: [1, 'x', null] } },
          occurredAt: '2026-01-15T10:00:00.000Z',
          metadata: expect.objectContaining({
            actor: 'key-1',
            role: 'operator',
            correlationId: 'c-1',
            causationId: 'x-1',
            schemaVersion: 1,
            recordedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
            chainVersion: CHAIN_VERSION,
            prevHash: '0'.repeat(64),
            hash: expect.stringMatching(/^[0-9a-f]{64}$/),
          }),
        });
      });

      it('keeps a caller-given schemaVersion', async () => {
        const stream = uniqueStream();
        await store.append(stream, [{ ...ev(), metadata: { schemaVersion: 2 } }]);
        expect((await store.readStream(stream))[0].metadata.schemaVersion).toBe(2);
      });

      it('returns [] and -1 for a stream that does not exist', async () => {
        expect(await store.readStream(uniqueStream())).toEqual([]);
        expect(await store.streamVersion(uniqueStream())).toBe(-1);
      });

      it('reads from a version, backwards, with a limit, and in pages', async () => {
        const stream = uniqueStream();
        await store.append(stream, Array.from({ length: 12 }, (_, i) => ev('N', { i })));
        expect((await store.readStream(stream, { fromVersion: 10 })).map((e) => e.version)).toEqual([10, 11]);
        expect((await store.readStream(stream, { direction: 'backwards', limit: 3 })).map((e) => e.version)).toEqual([11, 10, 9]);
        expect((await store.readStream(stream, { direction: 'backwards', fromVersion: 1 })).map((e) => e.version)).toEqual([1, 0]);
        expect((await store.readStream(stream, { fromVersion: 2, limit: 2 })).map((e) => e.version)).toEqual([2, 3]);
        const paged: number[] = [];
        for await (const e of store.iterateStream(stream, { pageSize: 5 })) paged.push(e.version);
        expect(paged).toEqual(Array.from({ length: 12 }, (_, i) => i));
        const tail: number[] = [];
        for await (const e of store.iterateStream(stream, { pageSize: 4, fromVersion: 3, limit: 6 })) tail.push(e.version);
        expect(tail).toEqual([3, 4, 5, 6, 7, 8]);
      });

      it('chains every event: prevHash is the previous hash and each hash verifies', async () => {
        const stream = uniqueStream();
        await store.append(stream, [ev('A'), ev('B')], { expectedVersion: 'no_stream' });
        await store.append(stream, [ev('C')], { expectedVersion: 1 });
        await store.append(stream, [ev('D')], { expectedVersion: 'any' });
        await store.append(stream, [ev('E')], { expectedVersion: 'stream_exists' });
        const verifier = new ChainVerifier();
        const events = await store.readStream(stream);
        for (const e of events) verifier.push(e);
        expect(verifier.result(await store.streamVersion(stream))).toEqual({ valid: true, events: 5 });
        expect(events[2].metadata.prevHash).toBe(events[1].metadata.hash);
      });
    });

    describe('chain version 2 (domain.md §7)', () => {
      it('hashes the attested metadata: another actor, role, correlation or causation gives another hash', async () => {
        const stream = uniqueStream();
        await store.append(stream, [ev('A'), ev('B')]);
        const events = await store.readStream(stream);
        for (const e of events) {
          expect(e.metadata.chainVersion).toBe(2);
          expect(computeHash(String(e.metadata.prevHash), e)).toBe(e.metadata.hash);
          for (const key of ['actor', 'role', 'correlationId', 'causationId']) {
            expect(computeHash(String(e.metadata.prevHash), { ...e, metadata: { ...e.metadata, [key]: 'someone-else' } })).not.toBe(e.metadata.hash);
          }
          // Version 1 did not cover who acted.
          expect(computeHash(String(e.metadata.prevHash), e, 1)).not.toBe(e.metadata.hash);
        }
        // The store owns chainVersion: a caller's is overwritten.
        await store.append(stream, [{ ...ev('C'), metadata: { actor: 'k', chainVersion: 1 } }]);
        expect((await store.readStream(stream, { fromVersion: 2 }))[0].metadata.chainVersion).toBe(2);
      });

      it('keeps events written under chain version 1 verifying, and appends version 2 after them', async () => {
        const stream = uniqueStream();
        expect(await subject.appendChainV1(stream, [ev('Old1'), ev('Old2')])).toBe(1);
        const result = await store.append(stream, [ev('New1'), ev('New2')], { expectedVersion: 1 });
        expect(result.version).toBe(3);
        const events = await store.readStream(stream);
        expect(events.map((e) => [e.type, e.metadata.chainVersion])).toEqual([
          ['Old1', 1],
          ['Old2', 1],
          ['New1', 2],
          ['New2', 2],
        ]);
        const verifier = new ChainVerifier();
        for (const e of events) verifier.push(e);
        expect(verifier.result(3)).toEqual({ valid: true, events: 4 });
        expect(events[2].metadata.prevHash).toBe(events[1].metadata.hash);
      });
    });

    describe('optimistic concurrency', () => {
      it('refuses a wrong expected version with a typed error carrying expected and actual, writing nothing', async () => {
        const stream = uniqueStream();
        await store.append(stream, [ev(), ev()]);
        const error = await store.append(stream, [ev('Late')], { expectedVersion: 0 }).catch((e) => e);
        expect(error).toBeInstanceOf(ConcurrencyError);
        expect(error).toMatchObject({ code: 'concurrency-conflict', streamId: stream, expected: 0, actual: 1 });
        expect(await store.streamVersion(stream)).toBe(1);
      });

      it('maps no_stream, stream_exists and any precisely', async () => {
        const stream = uniqueStream();
        await expect(store.append(stream, [ev()], { expectedVersion: 'stream_exists' })).rejects.toMatchObject({ expected: 'stream_exists', actual: -1 });
        await expect(store.append(stream, [ev()], { expectedVersion: 3 })).rejects.toMatchObject({ expected: 3, actual: -1 });
        await store.append(stream, [ev()], { expectedVersion: 'no_stream' });
        await expect(store.append(stream, [ev()], { expectedVersion: 'no_stream' })).rejects.toMatchObject({ expected: 'no_stream', actual: 0 });
        expect((await store.append(stream, [ev()], { expectedVersion: 'stream_exists' })).version).toBe(1);
        expect((await store.append(stream, [ev()], { expectedVersion: 'any' })).version).toBe(2);
        expect((await store.append(stream, [ev()])).version).toBe(3);
        expect((await store.append(uniqueStream(), [ev()], { expectedVersion: 'any' })).version).toBe(0);
      });

      it('lets exactly one of many racing appends with the same expected version win', async () => {
        const stream = uniqueStream();
        await store.append(stream, [ev()]);
        const results = await Promise.allSettled(Array.from({ length: 10 }, () => store.append(stream, [ev('Race')], { expectedVersion: 0 })));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(ConcurrencyError);
        expect(await store.streamVersion(stream)).toBe(1);
      });

      it('serialises racing appends with any: all succeed with distinct versions and an intact chain', async () => {
        const stream = uniqueStream();
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) => store.append(stream, [ev('Any', { i })], { expectedVersion: 'any' })));
        expect(new Set(results.map((r) => r.version)).size).toBe(10);
        const verifier = new ChainVerifier();
        for (const e of await store.readStream(stream)) verifier.push(e);
        expect(verifier.result(9).valid).toBe(true);
      });

      it('writes a batch atomically: a conflicting batch leaves nothing behind', async () => {
        const stream = uniqueStream();
        await store.append(stream, [ev()]);
        await expect(store.append(stream, [ev('X'), ev('Y'), ev('Z')], { expectedVersion: 5 })).rejects.toBeInstanceOf(ConcurrencyError);
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['Happened']);
      });
    });

    describe('idempotent appends', () => {
      it('returns the first result and writes nothing when the same ids come again with the same expected version', async () => {
        const stream = uniqueStream();
        const batch = [ev('A', {}, randomUUID()), ev('B', {}, randomUUID())];
        const first = await store.append(stream, batch, { expectedVersion: 'no_stream' });
        const again = await store.append(stream, batch, { expectedVersion: 'no_stream' });
        expect(again).toEqual(first);
        const next = await store.append(stream, [ev('C', {}, randomUUID())], { expectedVersion: 1 });
        const nextAgain = await store.append(stream, [{ ...ev('C'), id: (await store.readStream(stream))[2].id }], { expectedVersion: 1 });
        expect(nextAgain).toEqual(next);
        expect(await store.streamVersion(stream)).toBe(2);
      });

      it('treats a repeat with expected any as the same append', async () => {
        const stream = uniqueStream();
        const batch = [ev('A', {}, randomUUID())];
        const first = await store.append(stream, batch);
        await store.append(stream, [ev('B')]);
        expect(await store.append(stream, batch)).toEqual(first);
        expect(await store.streamVersion(stream)).toBe(1);
      });

      it('refuses ids that are already stored as part of another batch', async () => {
        const stream = uniqueStream();
        const a = randomUUID();
        await store.append(stream, [ev('A', {}, a)]);
        await expect(store.append(stream, [ev('B', {}, randomUUID()), ev('A', {}, a)])).rejects.toBeInstanceOf(InvalidAppendError);
        expect(await store.streamVersion(stream)).toBe(0);
      });

      it('allows the same id in different streams (ids are unique per stream)', async () => {
        const id = randomUUID();
        await store.append(uniqueStream(), [ev('A', {}, id)]);
        await expect(store.append(uniqueStream(), [ev('A', {}, id)])).resolves.toMatchObject({ version: 0 });
      });
    });

    describe('bad input', () => {
      const cases: Array<[string, () => Promise<unknown>, string]> = [
        ['an empty batch', () => store.append(uniqueStream(), []), 'empty-batch'],
        ['a stream name outside the alphabet', () => store.append('bad stream/é', [ev()]), 'invalid-stream-name'],
        ['an empty stream name', () => store.append('', [ev()]), 'invalid-stream-name'],
        ['an event type outside the alphabet', () => store.append(uniqueStream(), [ev('Bad Type!')]), 'invalid-event-type'],
        ['a payload over the size limit', () => store.append(uniqueStream(), [ev('Big', { blob: 'x'.repeat(MAX_EVENT_BYTES + 1) })]), 'payload-too-large'],
        ['a Date in data', () => store.append(uniqueStream(), [ev('D', { when: new Date() })]), 'non-json-data'],
        ['NaN in data', () => store.append(uniqueStream(), [ev('D', { n: Number.NaN })]), 'non-json-data'],
        ['a function in data', () => store.append(uniqueStream(), [ev('D', { f: () => 1 })]), 'non-json-data'],
        ['a NUL character', () => store.append(uniqueStream(), [ev('D', { s: 'a\u0000b' })]), 'non-json-data'],
        ['data that is an array', () => store.append(uniqueStream(), [{ ...ev(), data: [] as unknown as Record<string, unknown> }]), 'non-json-data'],
        ['a malformed id', () => store.append(uniqueStream(), [ev('A', {}, 'not-a-uuid')]), 'invalid-event-id'],
        ['a malformed occurredAt', () => store.append(uniqueStream(), [{ ...ev(), occurredAt: 'yesterday' }]), 'invalid-occurred-at'],
        ['a negative expected version', () => store.append(uniqueStream(), [ev()], { expectedVersion: -3 }), 'invalid-expected-version'],
      ];
      it.each(cases)('refuses %s with a typed error', async (_label, act, reason) => {
        const error: unknown = await act().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(InvalidAppendError);
        expect((error as InvalidAppendError).reason).toBe(reason);
      });

      it('refuses a circular structure', async () => {
        const data: Record<string, unknown> = {};
        data.self = data;
        await expect(store.append(uniqueStream(), [ev('C', data)])).rejects.toMatchObject({ reason: 'non-json-data' });
      });

      it('writes nothing when one event of a batch is bad', async () => {
        const stream = uniqueStream();
        await expect(store.append(stream, [ev('Good'), ev('Bad', { d: new Date() })])).rejects.toBeInstanceOf(InvalidAppendError);
        expect(await store.streamVersion(stream)).toBe(-1);
      });

      it('refuses a malformed position', async () => {
        await expect(store.readAll({ after: 'abc' })).rejects.toBeInstanceOf(InvalidPositionError);
        await expect(store.readAll({ after: '-1' })).rejects.toBeInstanceOf(InvalidPositionError);
      });
    });

    describe('readAll', () => {
      it('pages the global log in position order, after a position (exclusive)', async () => {
        const prefix = `ra${randomUUID().slice(0, 8)}`;
        const head = await store.headPosition();
        const s1 = `${prefix}-one`;
        const s2 = `${prefix}-two`;
        await store.append(s1, [ev('A', { i: 1 })]);
        await store.append(s2, [ev('B', { i: 2 }), ev('C', { i: 3 })]);
        await store.append(s1, [ev('D', { i: 4 })]);
        const all = await drain(store, head, prefix, 4);
        expect(all.map((e) => e.data.i)).toEqual([1, 2, 3, 4]);
        for (let i = 1; i < all.length; i++) expect(comparePositions(all[i - 1].position, all[i].position)).toBeLessThan(0);
        const rest = await store.readAll({ after: all[1].position, limit: 2, streamPrefix: prefix });
        expect(rest.events.map((e) => e.data.i)).toEqual([3, 4]);
        expect(rest.last).toBe(all[3].position);
        expect(comparePositions(await store.headPosition(), all[3].position)).toBeGreaterThanOrEqual(0);
      });

      it('filters by event types and stream prefix, and moves the cursor past what it scanned', async () => {
        const prefix = `flt${randomUUID().slice(0, 8)}`;
        const head = await store.headPosition();
        await store.append(`${prefix}a-1`, [ev('Wanted', { i: 1 }), ev('Other', { i: 2 })]);
        await store.append(`${prefix}b-1`, [ev('Wanted', { i: 3 })]);
        await visible(store, (await store.append(`${prefix}a-2`, [ev('Also', { i: 4 }), ev('Other', { i: 5 })])).position);
        const byType = await store.readAll({ after: head, types: ['Wanted', 'Also'], streamPrefix: prefix });
        expect(byType.events.map((e) => e.data.i)).toEqual([1, 3, 4]);
        const byPrefix = await store.readAll({ after: head, streamPrefix: `${prefix}a-` });
        expect(byPrefix.events.map((e) => e.data.i)).toEqual([1, 2, 4, 5]);
        const none = await store.readAll({ after: head, types: ['NeverWritten'] });
        expect(none.events).toEqual([]);
        expect(comparePositions(none.last, head)).toBeGreaterThan(0);
        const prefixWithWildcards = await store.readAll({ after: head, streamPrefix: `${prefix}_` });
        expect(prefixWithWildcards.events).toEqual([]);
      });

      it('lists streams by prefix', async () => {
        const prefix = `ls${randomUUID().slice(0, 8)}-`;
        for (const n of ['c', 'a', 'b']) await store.append(`${prefix}${n}`, [ev()]);
        expect(await store.listStreams({ prefix })).toEqual([`${prefix}a`, `${prefix}b`, `${prefix}c`]);
        expect(await store.listStreams({ prefix, after: `${prefix}a`, limit: 1 })).toEqual([`${prefix}b`]);
      });
    });

    describe('subscriptions', () => {
      it('catches up, then delivers live events in under a second', async () => {
        const prefix = `sub${randomUUID().slice(0, 8)}`;
        const head = await store.headPosition();
        await store.append(`${prefix}-1`, [ev('Old', { i: 1 })]);
        const seen: StoredEvent[] = [];
        const sub = store.subscribe({ after: head, streamPrefix: prefix, handler: async (events) => void seen.push(...events) });
        try {
          await eventually(() => seen.length === 1);
          const started = Date.now();
          await store.append(`${prefix}-2`, [ev('Live', { i: 2 })]);
          await eventually(() => seen.length === 2, 2_000);
          expect(Date.now() - started).toBeLessThan(1_000);
          expect(seen.map((e) => e.data.i)).toEqual([1, 2]);
        } finally {
          await sub.stop();
        }
      });

      it('commits the checkpoint in the handler transaction and resumes from it', async () => {
        const name = `rm_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
        const prefix = `cp${randomUUID().slice(0, 8)}`;
        await subject.db.query(`CREATE TABLE ${name} (event_id text PRIMARY KEY)`);
        const handler = async (events: StoredEvent[], tx: { query: SqlDatabase['query'] }) => {
          for (const e of events) await tx.query(`INSERT INTO ${name} (event_id) VALUES ($1)`, [e.id]);
        };
        await store.append(`${prefix}-1`, [ev(), ev(), ev()]);
        const first = store.subscribe({ name, streamPrefix: prefix, handler, batchSize: 2 });
        await eventually(async () => (await subject.db.query(`SELECT 1 FROM ${name}`)).rowCount === 3);
        await first.stop();
        const checkpoint = await readCheckpoint(subject.db, name);
        expect(comparePositions(checkpoint, '0')).toBeGreaterThan(0);

        await store.append(`${prefix}-1`, [ev(), ev()]);
        const second = store.subscribe({ name, streamPrefix: prefix, handler });
        try {
          await eventually(async () => (await subject.db.query(`SELECT 1 FROM ${name}`)).rowCount === 5);
          // The primary key would have thrown on a replayed event: nothing was handled twice.
          await new Promise((r) => setTimeout(r, 100));
          expect((await subject.db.query(`SELECT 1 FROM ${name}`)).rowCount).toBe(5);
        } finally {
          await second.stop();
        }
      });

      it('rolls back read model and checkpoint together when the handler fails, then retries', async () => {
        const name = `rb_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
        const prefix = `rb${randomUUID().slice(0, 8)}`;
        await subject.db.query(`CREATE TABLE ${name} (event_id text PRIMARY KEY)`);
        await store.append(`${prefix}-1`, [ev(), ev()]);
        let failOnce = true;
        const errors: unknown[] = [];
        const sub = store.subscribe({
          name,
          streamPrefix: prefix,
          onError: (e) => errors.push(e),
          handler: async (events, tx) => {
            for (const e of events) await tx.query(`INSERT INTO ${name} (event_id) VALUES ($1)`, [e.id]);
            if (failOnce) {
              failOnce = false;
              throw new Error('boom after writing');
            }
          },
        });
        try {
          await eventually(async () => (await subject.db.query(`SELECT 1 FROM ${name}`)).rowCount === 2);
          expect(errors).toHaveLength(1);
          expect(comparePositions(await readCheckpoint(subject.db, name), '0')).toBeGreaterThan(0);
        } finally {
          await sub.stop();
        }
      });

      it('waitFor resolves once a position is handled', async () => {
        const prefix = `wf${randomUUID().slice(0, 8)}`;
        const seen: string[] = [];
        const sub = store.subscribe({ after: await store.headPosition(), streamPrefix: prefix, handler: async (events) => void seen.push(...events.map((e) => e.id)) });
        try {
          const { position } = await store.append(`${prefix}-1`, [ev()]);
          expect(await sub.waitFor(position, 3_000)).toBe(true);
          expect(seen).toHaveLength(1);
          expect(comparePositions(sub.position(), position)).toBeGreaterThanOrEqual(0);
        } finally {
          await sub.stop();
        }
      });

      it('never skips an event: concurrent writers, one subscriber, every event exactly once and in order', async () => {
        const prefix = `ns${randomUUID().slice(0, 8)}`;
        const writers = opts.concurrentWriters ?? 8;
        const perWriter = 40;
        const seen: StoredEvent[] = [];
        const sub = store.subscribe({ after: await store.headPosition(), streamPrefix: prefix, batchSize: 7, handler: async (events) => void seen.push(...events) });
        try {
          const slow: Promise<string>[] = [];
          if (subject.appendSlowly) {
            // Transactions that take an early position and commit after later ones.
            for (let k = 0; k < 5; k++) {
              const id = randomUUID();
              slow.push(
                new Promise((r) => setTimeout(r, k * 40))
                  .then(() => subject.appendSlowly!(`${prefix}-slow${k}`, ev('Slow', { k }, id), 300))
                  .then(() => id),
              );
            }
          }
          const written = await Promise.all(
            Array.from({ length: writers }, async (_, w) => {
              const ids: string[] = [];
              for (let i = 0; i < perWriter; i++) {
                const id = randomUUID();
                ids.push(id);
                // Alternate between one stream per writer and a shared hot stream.
                await store.append(i % 3 === 0 ? `${prefix}-hot` : `${prefix}-w${w}`, [ev('W', { w, i }, id)]);
              }
              return ids;
            }),
          );
          const expected = new Set([...written.flat(), ...(await Promise.all(slow))]);
          await eventually(() => seen.length >= expected.size, 20_000);
          await new Promise((r) => setTimeout(r, 100));
          expect(seen).toHaveLength(expected.size);
          expect(new Set(seen.map((e) => e.id))).toEqual(expected);
          for (let i = 1; i < seen.length; i++) expect(comparePositions(seen[i - 1].position, seen[i].position)).toBeLessThan(0);
          // Within a stream, versions arrive in order.
          const lastVersion = new Map<string, number>();
          for (const e of seen) {
            expect(e.version).toBe((lastVersion.get(e.streamId) ?? -1) + 1);
            lastVersion.set(e.streamId, e.version);
          }
        } finally {
          await sub.stop();
        }
      }, 60_000);
    });
  });
}
