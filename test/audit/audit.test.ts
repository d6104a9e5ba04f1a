/**
 * @libs/audit against real stores (PGlite in process, and PostgreSQL): history, state as of an
 * instant or version, integrity after tampering, verification of many streams, JSON Lines export.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import {
  exportStream,
  foldAsOf,
  stateAsOf,
  streamHistory,
  upcastToCurrent,
  verifyAllStreams,
  verifyStream,
  type VerifyProgress,
} from '@libs/audit';
import { foldSubscriber, subscriberDecider, type SubscriberState } from '@libs/domain';
import { computeHash, openEventStore, ZERO_HASH, type EventStore, type OpenedEventStore, type StoredEvent } from '@libs/event-store';
import { createTestDatabase } from '../support/postgres.js';
import { propertyParameters } from '../support/property.js';
import { moveArb, steadyMoves, writeSubscriberHistory } from './histories.js';

import { jest } from '@jest/globals';

jest.setTimeout(120_000);

interface Backend {
  name: string;
  open(): Promise<OpenedEventStore & { dispose(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'PGlite',
    async open() {
      const opened = await openEventStore({ backend: 'pglite' });
      return { ...opened, dispose: () => opened.close() };
    },
  },
  {
    name: 'PostgreSQL',
    async open() {
      const database = await createTestDatabase('cl_audit');
      const opened = await openEventStore({ backend: 'postgres', databaseUrl: database.url, poolSize: 4 });
      return {
        ...opened,
        async dispose() {
          await opened.close();
          await database.drop();
        },
      };
    },
  },
];

const subscriberFolder = subscriberDecider as unknown as Parameters<typeof foldAsOf<SubscriberState>>[1];

async function collect<T>(source: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of source) out.push(x);
  return out;
}

describe.each(backends)('audit on $name', (backend) => {
  let opened: OpenedEventStore & { dispose(): Promise<void> };
  let store: EventStore;
  let seq = 0;
  const nextId = (label: string) => `${label}-${++seq}`;

  beforeAll(async () => {
    opened = await backend.open();
    store = opened.store;
  });
  afterAll(async () => {
    await opened?.dispose();
  });

  /** Rewrites one stored event's data behind the store's back, as an intruder with SQL access would. */
  const tamper = (streamId: string, version: number, patch: Record<string, unknown>) =>
    opened.db.query('UPDATE cl_events SET data = data || $3::jsonb WHERE stream_id = $1 AND version = $2', [streamId, version, JSON.stringify(patch)]);
  const deleteEvent = (streamId: string, version: number) => opened.db.query('DELETE FROM cl_events WHERE stream_id = $1 AND version = $2', [streamId, version]);

  describe('history', () => {
    it('gives every event in stream order with the full envelope', async () => {
      const written = await writeSubscriberHistory(store, nextId('hist'), steadyMoves(12));
      const history = await collect(streamHistory(store, written.streamId, { pageSize: 5 }));

      expect(history.map((e) => e.version)).toEqual(written.events.map((_, i) => i));
      expect(history.map((e) => ({ type: e.type, data: e.data }))).toEqual(written.events.map((e) => ({ type: e.type, data: e.data })));
      let previousPosition = 0n;
      let prevHash = ZERO_HASH;
      for (const e of history) {
        expect(e).toEqual({
          id: expect.any(String),
          position: expect.stringMatching(/^\d+$/),
          streamId: written.streamId,
          version: expect.any(Number),
          type: expect.any(String),
          data: expect.any(Object),
          occurredAt: (e.data as { occurredAt: string }).occurredAt,
          metadata: expect.objectContaining({ actor: 'key-test', role: 'operator', recordedAt: expect.any(String), schemaVersion: expect.any(Number), prevHash, hash: expect.stringMatching(/^[0-9a-f]{64}$/) }),
        });
        expect(BigInt(e.position)).toBeGreaterThan(previousPosition);
        previousPosition = BigInt(e.position);
        prevHash = String(e.metadata.hash);
      }
    });

    it('is empty for a stream that does not exist', async () => {
      expect(await collect(streamHistory(store, 'subscriber-nobody'))).toEqual([]);
    });

    it('upcasts an old event version on read, while the stored event (and its hash) stay as written', async () => {
      const streamId = `subscriber-${nextId('v1')}`;
      const written = await writeSubscriberHistory(store, streamId.slice('subscriber-'.length), [{ kind: 'invoice', dtHours: 1, amount: 3000, dueInDays: 5 }]);
      const v1 = { subscriberId: written.state.subscriberId, occurredAt: '2026-01-20T00:00:00.000Z', invoiceId: 'inv-1' };
      await store.append(streamId, [{ type: 'PaymentReminderSent', data: v1, occurredAt: v1.occurredAt, metadata: { schemaVersion: 1 } }]);

      const [read] = await collect(streamHistory(store, streamId, { fromVersion: 2 }));
      expect(read!.data).toEqual({ ...v1, tone: 'friendly' });
      expect(read!.metadata).toMatchObject({ schemaVersion: 2, upcastFrom: 1 });

      const [stored] = await store.readStream(streamId, { fromVersion: 2 });
      expect(stored!.data).toEqual(v1);
      expect(stored!.metadata.schemaVersion).toBe(1);
      expect(await verifyStream(store, streamId)).toMatchObject({ valid: true, events: 3 });

      // The state folds the upcast event like a current one.
      const { state } = await stateAsOf(store, streamId, subscriberFolder);
      expect(state.invoices['inv-1']?.reminders).toEqual([{ tone: 'friendly', at: v1.occurredAt }]);
    });
  });

  describe('state as of', () => {
    it('equals folding the prefix, for random histories cut at a random instant or version', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(moveArb, { minLength: 1, maxLength: 25 }),
          fc.double({ min: -0.1, max: 1.1, noNaN: true }),
          fc.nat(),
          async (moves, fraction, versionPick) => {
            const written = await writeSubscriberHistory(store, nextId('asof'), moves);
            const events = written.events;

            // Cut at an instant: between the first and the last event, or outside them.
            const first = Date.parse(events[0]!.data.occurredAt);
            const last = Date.parse(events.at(-1)!.data.occurredAt);
            const asOf = new Date(Math.round(first + (last - first) * fraction)).toISOString();
            const prefix = events.filter((e) => Date.parse(e.data.occurredAt) <= Date.parse(asOf));
            const atInstant = await stateAsOf(store, written.streamId, subscriberFolder, { asOf });
            expect(atInstant.state).toEqual(foldSubscriber(prefix));
            expect(atInstant.version).toBe(prefix.length - 1);
            expect(atInstant.events).toBe(prefix.length);

            // Cut at a version.
            const version = versionPick % events.length;
            const atVersion = await stateAsOf(store, written.streamId, subscriberFolder, { version });
            expect(atVersion.state).toEqual(foldSubscriber(events.slice(0, version + 1)));
            expect(atVersion.version).toBe(version);

            // No cut: the latest state, which is what the application folded while writing.
            expect((await stateAsOf(store, written.streamId, subscriberFolder)).state).toEqual(written.state);
          },
        ),
        { numRuns: 12, ...propertyParameters('AUDIT_SEED', 20261206) },
      );
    });

    it('with both, the earlier cut wins; before the first event nothing is folded', async () => {
      const written = await writeSubscriberHistory(store, nextId('both'), steadyMoves(9));
      const third = written.events[3]!.data.occurredAt;
      const both = await stateAsOf(store, written.streamId, subscriberFolder, { asOf: third, version: 1 });
      expect(both.version).toBe(1);
      const before = await stateAsOf(store, written.streamId, subscriberFolder, { asOf: '2000-01-01T00:00:00Z' });
      expect(before).toEqual({ state: subscriberDecider.initialState(), version: -1, events: 0, lastOccurredAt: undefined });
    });

    it('refuses an instant that is not one', async () => {
      const written = await writeSubscriberHistory(store, nextId('bad'), []);
      await expect(stateAsOf(store, written.streamId, subscriberFolder, { asOf: 'yesterday' })).rejects.toThrow(RangeError);
    });
  });

  describe('integrity', () => {
    it('a stream as written verifies, and its head hash is the last event hash', async () => {
      const written = await writeSubscriberHistory(store, nextId('ok'), steadyMoves(10));
      const last = (await store.readStream(written.streamId, { direction: 'backwards', limit: 1 }))[0]!;
      expect(await verifyStream(store, written.streamId, { pageSize: 4 })).toEqual({
        streamId: written.streamId,
        exists: true,
        valid: true,
        events: written.events.length,
        headHash: last.metadata.hash,
      });
    });

    it('the chain (version 2) is SHA-256 over prevHash + canonical JSON of {type, data, occurredAt, version, chainVersion} and the attested metadata', async () => {
      const written = await writeSubscriberHistory(store, nextId('chain'), steadyMoves(4));
      let prev = ZERO_HASH;
      for (const e of await store.readStream(written.streamId)) {
        expect(e.metadata.prevHash).toBe(prev);
        expect(e.metadata.chainVersion).toBe(2);
        const { actor, role, correlationId, causationId } = e.metadata;
        expect(e.metadata.hash).toBe(computeHash(prev, { type: e.type, data: e.data, occurredAt: e.occurredAt, version: e.version, metadata: { chainVersion: 2, actor, role, correlationId, causationId } }));
        prev = String(e.metadata.hash);
      }
    });

    it('reports exactly the version whose data was altered in the database', async () => {
      const written = await writeSubscriberHistory(store, nextId('tamper'), steadyMoves(15));
      const target = written.events.findIndex((e) => e.type === 'PaymentReceived' && e.data.amount > 1);
      expect(target).toBeGreaterThan(0);
      await tamper(written.streamId, target, { amount: 1 });

      const result = await verifyStream(store, written.streamId, { pageSize: 3 });
      expect(result).toMatchObject({ streamId: written.streamId, exists: true, valid: false, brokenAtVersion: target, reason: 'hash-mismatch' });
      expect(result.headHash).toBeUndefined();
      // The events before the tampered one were checked, and nothing after it.
      expect(result.events).toBe(target + 1);
    });

    it('reports the first event whatever its version, even the very first', async () => {
      const written = await writeSubscriberHistory(store, nextId('tamper0'), steadyMoves(3));
      await tamper(written.streamId, 0, { name: 'Someone Else' });
      expect(await verifyStream(store, written.streamId)).toMatchObject({ valid: false, brokenAtVersion: 0, reason: 'hash-mismatch' });
    });

    it('reports the first missing version after an event was deleted', async () => {
      const written = await writeSubscriberHistory(store, nextId('deleted'), steadyMoves(12));
      await deleteEvent(written.streamId, 6);
      expect(await verifyStream(store, written.streamId, { pageSize: 4 })).toMatchObject({ valid: false, brokenAtVersion: 6, reason: 'missing-version' });

      const other = await writeSubscriberHistory(store, nextId('deleted0'), steadyMoves(3));
      await deleteEvent(other.streamId, 0);
      expect(await verifyStream(store, other.streamId)).toMatchObject({ valid: false, brokenAtVersion: 0, reason: 'missing-version' });
    });

    it('a stream whose every event was deleted is broken at 0; one never written is not', async () => {
      const written = await writeSubscriberHistory(store, nextId('wiped'), []);
      await deleteEvent(written.streamId, 0);
      expect(await verifyStream(store, written.streamId)).toEqual({ streamId: written.streamId, exists: true, valid: false, events: 0, brokenAtVersion: 0, reason: 'missing-version' });
      expect(await verifyStream(store, 'subscriber-never-written')).toEqual({ streamId: 'subscriber-never-written', exists: false, valid: true, events: 0 });
    });

    it('a re-hashed forgery is caught when its predecessor changed', async () => {
      // An intruder who changes an event and recomputes its own hash still breaks the next link.
      const written = await writeSubscriberHistory(store, nextId('forged'), steadyMoves(6));
      const [victim] = await store.readStream(written.streamId, { fromVersion: 2, limit: 1 });
      const data = { ...victim!.data, amount: 1 };
      const hash = computeHash(String(victim!.metadata.prevHash), { ...victim!, data });
      await opened.db.query(
        `UPDATE cl_events SET data = $3::jsonb, metadata = jsonb_set(metadata, '{hash}', to_jsonb($4::text)) WHERE stream_id = $1 AND version = $2`,
        [written.streamId, 2, JSON.stringify(data), hash],
      );
      expect(await verifyStream(store, written.streamId)).toMatchObject({ valid: false, brokenAtVersion: 3, reason: 'prev-hash-mismatch' });
    });
  });

  describe('verify all streams', () => {
    it('verifies many streams with progress, listing exactly the broken ones', async () => {
      const prefix = `subscriber-${nextId('many')}-`;
      const streams: string[] = [];
      for (let i = 0; i < 24; i++) {
        const written = await writeSubscriberHistory(store, `${prefix.slice('subscriber-'.length)}${String(i).padStart(2, '0')}`, steadyMoves(2 + (i % 5)));
        streams.push(written.streamId);
      }
      const totalEvents = (await Promise.all(streams.map((s) => store.streamVersion(s)))).reduce((sum, v) => sum + v + 1, 0);
      await tamper(streams[5]!, 1, { amount: 7 });
      await deleteEvent(streams[17]!, 2);

      const progress: VerifyProgress[] = [];
      const seen: string[] = [];
      const result = await verifyAllStreams(store, { prefix, concurrency: 3, onProgress: (p) => progress.push(p), onStream: (r) => seen.push(r.streamId) });

      expect(result.valid).toBe(false);
      expect(result.streams).toBe(24);
      expect(result.brokenCount).toBe(2);
      expect(result.broken.map((b) => [b.streamId, b.brokenAtVersion, b.reason])).toEqual([
        [streams[5], 1, 'hash-mismatch'],
        [streams[17], 2, 'missing-version'],
      ]);
      expect(seen.sort()).toEqual(streams);
      // Progress: a first report before any work, then one per stream, monotonically.
      expect(progress[0]).toEqual({ streamsDone: 0, streamsTotal: 24, events: 0, broken: 0 });
      expect(progress).toHaveLength(25);
      expect(progress.map((p) => p.streamsDone)).toEqual(Array.from({ length: 25 }, (_, i) => i));
      expect(progress.at(-1)).toMatchObject({ streamsDone: 24, streamsTotal: 24, broken: 2 });
      // Events counted are those checked: all of the intact streams, up to the break in the others.
      expect(result.events).toBeLessThan(totalEvents);
      expect(result.events).toBe(progress.at(-1)!.events);
    });

    it('is valid over intact streams and counts every event', async () => {
      const prefix = `case-${nextId('intact')}-`;
      for (let i = 0; i < 3; i++) {
        await store.append(`${prefix}${i}`, [
          { type: 'CaseOpened', data: { caseId: `${i}`, subscriberId: 's', kind: 'complaints', summary: 's', openedBy: 'k', occurredAt: '2026-01-01T00:00:00.000Z' }, occurredAt: '2026-01-01T00:00:00.000Z' },
        ]);
      }
      expect(await verifyAllStreams(store, { prefix })).toEqual({ valid: true, streams: 3, events: 3, brokenCount: 0, broken: [] });
    });
  });

  describe('export', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'cl-audit-'));
    });
    afterAll(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('writes one stored envelope per line, from which the chain can be recomputed', async () => {
      const written = await writeSubscriberHistory(store, nextId('export'), steadyMoves(30));
      const file = join(dir, 'export.jsonl');
      const result = await exportStream(store, written.streamId, file);

      const text = await readFile(file, 'utf8');
      expect(text.endsWith('\n')).toBe(true);
      const lines = text.trimEnd().split('\n');
      expect(result).toEqual({ events: written.events.length, bytes: Buffer.byteLength(text) });
      expect(lines).toHaveLength(written.events.length);
      const parsed = lines.map((l) => JSON.parse(l) as StoredEvent);
      expect(parsed).toEqual(await store.readStream(written.streamId));
      let prev = ZERO_HASH;
      for (const e of parsed) {
        expect(e.metadata.hash).toBe(computeHash(prev, e));
        prev = String(e.metadata.hash);
      }
    });

    it('reads the stream page by page through iterateStream, never all at once', async () => {
      const written = await writeSubscriberHistory(store, nextId('paged'), steadyMoves(1200));
      const n = written.events.length;
      expect(n).toBeGreaterThan(1000);
      const pages: number[] = [];
      let inFlight = 0;
      let maxInFlight = 0;
      // A store that refuses unbounded reads and counts how many events are handed out ahead of
      // the writer: what the export holds in memory at most.
      const watched: EventStore = Object.create(store, {
        readStream: {
          value: async (streamId: string, options: { limit?: number; fromVersion?: number } = {}) => {
            if (options.limit === undefined) throw new Error('unbounded read of a whole stream');
            const page = await store.readStream(streamId, options);
            pages.push(page.length);
            return page;
          },
        },
        iterateStream: {
          value: async function* (streamId: string, options: { pageSize?: number } = {}) {
            for await (const e of (store as unknown as { iterateStream: typeof store.iterateStream }).iterateStream.call(watched, streamId, options)) {
              inFlight++;
              maxInFlight = Math.max(maxInFlight, inFlight);
              yield e;
              inFlight--;
            }
          },
        },
      });
      const file = join(dir, 'paged.jsonl');
      expect((await exportStream(watched, written.streamId, file)).events).toBe(n);
      expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(n / 500));
      expect(Math.max(...pages)).toBeLessThanOrEqual(500);
      expect(maxInFlight).toBe(1);
      expect((await readFile(file, 'utf8')).trimEnd().split('\n')).toHaveLength(n);
    });

    it('leaves no file behind when the stream cannot be read', async () => {
      const failing: EventStore = Object.create(store, {
        iterateStream: {
          value: async function* () {
            yield* [];
            throw new Error('connection lost');
          },
        },
      });
      const file = join(dir, 'failed.jsonl');
      await expect(exportStream(failing, 'subscriber-x', file)).rejects.toThrow('connection lost');
      await expect(readFile(file)).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(readFile(`${file}.partial`)).rejects.toMatchObject({ code: 'ENOENT' });
    });

    it('can export the current contracts instead of the stored versions', async () => {
      const written = await writeSubscriberHistory(store, nextId('upcast-export'), []);
      const v1 = { subscriberId: written.state.subscriberId, occurredAt: '2026-02-01T00:00:00.000Z', invoiceId: 'inv-x' };
      await store.append(written.streamId, [{ type: 'PaymentReminderSent', data: v1, occurredAt: v1.occurredAt, metadata: { schemaVersion: 1 } }]);
      const file = join(dir, 'upcast.jsonl');
      await exportStream(store, written.streamId, file, { upcast: upcastToCurrent });
      const last = JSON.parse((await readFile(file, 'utf8')).trimEnd().split('\n').at(-1)!) as StoredEvent;
      expect(last.data).toEqual({ ...v1, tone: 'friendly' });
    });
  });
});
