import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { ConcurrencyError, openEventStore, SqlEventStore, type AppendResult, type ExpectedVersion, type OpenedEventStore } from '@libs/event-store';
import { propertyParameters, replayable } from '../support/property.js';
import { createTestDatabase } from '../support/postgres.js';

/**
 * Group commit (issue 20): random interleavings of conflicting and non-conflicting appends, fired
 * without waiting for each other (so they coalesce into groups), each give the result a serial
 * execution in arrival order gives. GROUP_COMMIT_SEED replays or explores (support/property.ts).
 */

interface Op {
  stream: number;
  expected: ExpectedVersion;
  events: number;
  /** Repeat the ids (and expectation) of the latest earlier op on the same stream: an idempotent retry. */
  repeat: boolean;
  /** ms to wait before this op arrives (0: same tick as the previous one, so in one group or the next). */
  gap: number;
}

const opArb: fc.Arbitrary<Op> = fc.record({
  stream: fc.integer({ min: 0, max: 2 }),
  expected: fc.oneof(
    fc.constantFrom<ExpectedVersion>('any', 'no_stream', 'stream_exists'),
    fc.integer({ min: 0, max: 5 }),
  ),
  events: fc.integer({ min: 1, max: 3 }),
  repeat: fc.boolean(),
  gap: fc.constantFrom(0, 0, 0, 0, 1, 3),
});

type Outcome = { ok: true; version: number; position?: string; sameAs?: number } | { ok: false; actual: number };

/** What a serial execution in arrival order answers, op by op (the store's documented rules). */
function serial(ops: Array<Op & { ids: string[]; repeatOf?: number }>): Outcome[] {
  const versions = new Map<number, number>();
  const results: Outcome[] = [];
  ops.forEach((op, i) => {
    // A repeat of an append that succeeded answers that append's result and writes nothing.
    const original = op.repeatOf;
    if (original !== undefined && results[original].ok) {
      results.push({ ok: true, version: (results[original] as { version: number }).version, sameAs: original });
      return;
    }
    const v = versions.get(op.stream) ?? -1;
    const e = op.expected;
    const ok = e === 'any' || (e === 'no_stream' && v === -1) || (e === 'stream_exists' && v >= 0) || e === v;
    if (!ok) {
      results.push({ ok: false, actual: v });
      return;
    }
    versions.set(op.stream, v + op.events);
    results.push({ ok: true, version: v + op.events });
  });
  return results;
}

async function fire(store: SqlEventStore, prefix: string, ops: Array<Op & { ids: string[] }>): Promise<Array<AppendResult | ConcurrencyError>> {
  const pending: Array<Promise<AppendResult | ConcurrencyError>> = [];
  for (const op of ops) {
    if (op.gap > 0) await new Promise((r) => setTimeout(r, op.gap));
    const events = op.ids.map((id, k) => ({ id, type: 'Probed', data: { k }, occurredAt: new Date().toISOString() }));
    pending.push(
      store.append(`${prefix}-${op.stream}`, events, { expectedVersion: op.expected }).catch((error: unknown) => {
        if (error instanceof ConcurrencyError) return error;
        throw error;
      }),
    );
  }
  return Promise.all(pending);
}

function describeGroupCommit(name: string, open: () => Promise<OpenedEventStore & { drop?(): Promise<void> }>, numRuns: number): void {
  describe(`group commit: ${name}`, () => {
    let opened: OpenedEventStore & { drop?(): Promise<void> };
    let store: SqlEventStore;
    beforeAll(async () => {
      opened = await open();
      store = opened.store as SqlEventStore;
    });
    afterAll(async () => {
      await opened.close();
      await opened.drop?.();
    });

    it('gives every append of a random interleaving the result of a serial execution in arrival order', async () => {
      const { seed, path } = propertyParameters('GROUP_COMMIT_SEED', 2020);
      await replayable('GROUP_COMMIT_SEED', seed, () =>
        fc.assert(
          fc.asyncProperty(fc.array(opArb, { minLength: 4, maxLength: 30 }), async (drawn) => {
            // Given ops on three fresh streams, some of them idempotent repeats of earlier ones
            const prefix = `gc${randomUUID().slice(0, 8)}`;
            const ops: Array<Op & { ids: string[]; repeatOf?: number }> = [];
            for (const op of drawn) {
              const j = op.repeat ? ops.map((o) => o.stream).lastIndexOf(op.stream) : -1;
              const earlier = ops[j];
              ops.push(earlier ? { ...op, expected: earlier.expected, events: earlier.events, ids: earlier.ids, repeatOf: j } : { ...op, ids: Array.from({ length: op.events }, () => randomUUID()) });
            }
            const expected = serial(ops);
            // When they arrive without waiting for each other
            const actual = await fire(store, prefix, ops);
            // Then each result is the serial one: same version, or a conflict naming the same actual version
            actual.forEach((result, i) => {
              const want = expected[i];
              if (want.ok) {
                expect({ i, version: result instanceof ConcurrencyError ? `conflict at ${result.actual}` : result.version }).toEqual({ i, version: want.version });
                if (want.sameAs !== undefined) expect((result as AppendResult).position).toBe((actual[want.sameAs] as AppendResult).position);
              } else {
                expect({ i, actual: result instanceof ConcurrencyError ? result.actual : `ok at ${(result as AppendResult).version}` }).toEqual({ i, actual: want.actual });
              }
            });
            // And each stream holds exactly the successful appends, in arrival order, in global order too
            for (const s of [0, 1, 2]) {
              const events = await store.readStream(`${prefix}-${s}`);
              const ids = ops.flatMap((op, i) => (op.stream === s && expected[i].ok && expected[i].sameAs === undefined ? op.ids : []));
              expect(events.map((e) => e.id)).toEqual(ids);
              for (let k = 1; k < events.length; k++) expect(BigInt(events[k].position) > BigInt(events[k - 1].position)).toBe(true);
            }
          }),
          { seed, path, numRuns, endOnFailure: true },
        ),
      );
      // The appends did go out in groups (not one statement each).
      const stats = store.groupCommitStats()!;
      expect(stats.largest).toBeGreaterThan(1);
      expect(stats.appends).toBeGreaterThan(stats.commits);
    }, 240_000);

    it('coalesces concurrent writers on distinct streams into groups without splitting them', async () => {
      // Given 16 writers appending one event at a time to their own streams, exact versions
      const before = store.groupCommitStats()!;
      const prefix = `gw${randomUUID().slice(0, 8)}`;
      // When they write concurrently
      await Promise.all(
        Array.from({ length: 16 }, async (_, w) => {
          for (let i = 0; i < 15; i++) {
            await store.append(`${prefix}-${w}`, [{ type: 'W', data: { i }, occurredAt: new Date().toISOString() }], { expectedVersion: i === 0 ? 'no_stream' : i - 1 });
          }
        }),
      );
      // Then fewer commits than appends carried them, none had to be split, and every stream is whole
      const after = store.groupCommitStats()!;
      expect(after.appends - before.appends).toBe(16 * 15);
      expect(after.commits - before.commits).toBeLessThan(16 * 15);
      expect(after.split).toBe(before.split);
      for (let w = 0; w < 16; w++) expect(await store.streamVersion(`${prefix}-${w}`)).toBe(14);
    });
  });
}

describeGroupCommit(
  'PostgreSQL',
  async () => {
    const database = await createTestDatabase('cl_group_commit');
    const opened = await openEventStore({ backend: 'postgres', databaseUrl: database.url, poolSize: 8, groupCommit: true });
    return { ...opened, drop: database.drop };
  },
  40,
);

describeGroupCommit(
  'PostgreSQL, two groups in flight (a second starts with one append waiting)',
  async () => {
    const database = await createTestDatabase('cl_group_commit');
    const opened = await openEventStore({ backend: 'postgres', databaseUrl: database.url, poolSize: 8, groupCommit: true, groupsInFlight: 2, groupSpillAt: 1 });
    return { ...opened, drop: database.drop };
  },
  25,
);

describeGroupCommit('PGlite (in memory)', () => openEventStore({ backend: 'pglite', groupCommit: true }), 15);
