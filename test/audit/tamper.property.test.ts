/**
 * Property (issue 19 §2): for random histories — several streams interleaved, some begun under
 * chain version 1, a checkpoint signed at a random point of the log, events after it — and one
 * random tampering at or before the checkpoint (change data, change actor, delete a middle event,
 * delete a stream's last event, delete a stream, insert an event or a stream with an old position),
 * verification against the checkpoint reports exactly that tampering, by stream and version; an
 * untouched log always verifies.
 *
 * The histories are written by the real (in-memory) store, then served to the verifier as an array
 * that the test alters, as direct SQL would, read in position order or (as the SQL stores allow) in
 * stream order: both of the verifier's paths. Replay a failure: AUDIT_PROPERTY_SEED=<seed>.
 */
import fc from 'fast-check';
import { byStreamId, generateSigningKey, merkleRoot, signCheckpoint, verifyAgainstCheckpoint, type FindingKind, type Head } from '@libs/audit';
import { computeHash, MemoryEventStore, ZERO_HASH, type EventStore, type ReadAllOptions, type StoredEvent } from '@libs/event-store';

const SEED = process.env.AUDIT_PROPERTY_SEED ? Number(process.env.AUDIT_PROPERTY_SEED) : Date.now() % 2_147_483_647;
const KEY = generateSigningKey().key;

/**
 * Only what the verifier reads: the log in position order, paged — and, like the SQL stores, in
 * (streamId, version) order when `byStream` (the verifier then takes that path).
 */
function arrayLog(events: readonly StoredEvent[], byStream: boolean): EventStore {
  const sorted = [...events].sort((a, b) => Number(a.position) - Number(b.position));
  const log = {
    async readAll(options: ReadAllOptions = {}) {
      const after = Number(options.after ?? '0');
      const page = sorted.filter((e) => Number(e.position) > after).slice(0, options.limit ?? 500);
      return { events: page, last: page.at(-1)?.position ?? String(after) };
    },
  };
  if (!byStream) return log as unknown as EventStore;
  const keyed = [...events].sort((a, b) => byStreamId(a, b) || a.version - b.version);
  const readByStream = async (options: { after?: { streamId: string; version: number }; limit?: number }) => {
    const a = options.after;
    const from = a ? keyed.findIndex((e) => e.streamId > a.streamId || (e.streamId === a.streamId && e.version > a.version)) : 0;
    return from < 0 ? [] : keyed.slice(from, from + (options.limit ?? 500));
  };
  return { ...log, readByStream } as unknown as EventStore;
}

/** Rehashes a stream so its first `v1Count` events are chain version 1 (what an upgraded store holds). */
function withChainV1(stream: StoredEvent[], v1Count: number): StoredEvent[] {
  let prev = ZERO_HASH;
  return stream.map((e, i) => {
    const { chainVersion: _c, prevHash: _p, hash: _h, ...rest } = e.metadata;
    const metadata: Record<string, unknown> = i < v1Count ? { ...rest } : { ...rest, chainVersion: 2 };
    const hash = computeHash(prev, { ...e, metadata }, i < v1Count ? 1 : 2);
    const out = { ...e, metadata: { ...metadata, ...(i < v1Count ? { chainVersion: 1 } : {}), prevHash: prev, hash } } as StoredEvent;
    prev = hash;
    return out;
  });
}

const TAMPERS = ['data', 'actor', 'delete-middle', 'delete-last', 'delete-stream', 'insert', 'insert-stream'] as const;

const historyArb = fc.record({
  // Which stream each successive append goes to (interleaving), 2..40 appends over 1..6 streams.
  appends: fc.array(fc.nat({ max: 5 }), { minLength: 2, maxLength: 40 }),
  v1Prefix: fc.array(fc.nat({ max: 4 }), { minLength: 6, maxLength: 6 }),
  cut: fc.double({ min: 0.3, max: 1, noNaN: true }),
  tamper: fc.constantFrom(...TAMPERS),
  pick: fc.nat(),
});

async function writeLog(appends: readonly number[], v1Prefix: readonly number[]): Promise<StoredEvent[]> {
  const store = new MemoryEventStore();
  for (const [n, s] of appends.entries()) {
    const at = new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString();
    await store.append(`subscriber-s${s}`, [
      { type: 'ComplaintLogged', data: { subscriberId: `s${s}`, occurredAt: at, description: `n${n}`, amount: n }, occurredAt: at, metadata: { actor: `key-${n % 3}`, role: 'operator', correlationId: `c${n}` } },
    ]);
  }
  const { events } = await store.readAll({ limit: 10_000 });
  // Positions spread out, so an insertion can take an unused old position.
  const spread = events.map((e) => ({ ...e, position: String(Number(e.position) * 10) }));
  const byStream = new Map<string, StoredEvent[]>();
  for (const e of spread) byStream.set(e.streamId, [...(byStream.get(e.streamId) ?? []), e]);
  return [...byStream].flatMap(([streamId, stream]) => withChainV1(stream, v1Prefix[Number(streamId.slice('subscriber-s'.length))]));
}

function headsAt(events: readonly StoredEvent[], position: number): Head[] {
  const heads = new Map<string, Head>();
  for (const e of events) {
    if (Number(e.position) > position) continue;
    const was = heads.get(e.streamId);
    if (!was || was.version < e.version) heads.set(e.streamId, { streamId: e.streamId, version: e.version, hash: String(e.metadata.hash) });
  }
  return [...heads.values()].sort(byStreamId);
}

/** The heads as the database's copy hands them out: pages of `size`, read again on each iteration. */
function headPages(heads: readonly Head[], size: number): AsyncIterable<Head[]> {
  return {
    async *[Symbol.asyncIterator]() {
      for (let i = 0; i < heads.length; i += size) yield heads.slice(i, i + size);
    },
  };
}

type Expected = { kind: FindingKind; streamId: string; version?: number };

/** Applies one tampering at or before `cut`; returns what verification must report, or undefined when it does not apply. */
function tamper(events: StoredEvent[], cut: number, kind: (typeof TAMPERS)[number], pick: number): { log: StoredEvent[]; expected: Expected } | undefined {
  const covered = events.filter((e) => Number(e.position) <= cut);
  const lastOf = (streamId: string) => Math.max(...events.filter((e) => e.streamId === streamId).map((e) => e.version));
  const choose = <T,>(xs: readonly T[]) => (xs.length === 0 ? undefined : xs[pick % xs.length]);
  const without = (target: StoredEvent) => events.filter((e) => e !== target);
  switch (kind) {
    case 'data':
    case 'actor': {
      const target = choose(kind === 'actor' ? covered.filter((e) => e.metadata.chainVersion === 2) : covered);
      if (!target) return undefined;
      const changed = kind === 'data' ? { ...target, data: { ...target.data, amount: Number(target.data.amount) + 1 } } : { ...target, metadata: { ...target.metadata, actor: 'key-intruder' } };
      return { log: events.map((e) => (e === target ? changed : e)), expected: { kind: 'changed', streamId: target.streamId, version: target.version } };
    }
    case 'delete-middle': {
      const target = choose(covered.filter((e) => e.version < lastOf(e.streamId)));
      return target && { log: without(target), expected: { kind: 'deleted-event', streamId: target.streamId, version: target.version } };
    }
    case 'delete-last': {
      const target = choose(covered.filter((e) => e.version === lastOf(e.streamId) && e.version > 0));
      return target && { log: without(target), expected: { kind: 'deleted-tail', streamId: target.streamId, version: target.version } };
    }
    case 'delete-stream': {
      const target = choose(covered);
      return target && { log: events.filter((e) => e.streamId !== target.streamId), expected: { kind: 'deleted-stream', streamId: target.streamId } };
    }
    case 'insert':
    case 'insert-stream': {
      const at = choose(covered);
      if (!at) return undefined;
      const streamId = kind === 'insert' ? at.streamId : 'subscriber-intruder';
      const head = kind === 'insert' ? events.find((e) => e.streamId === streamId && e.version === lastOf(streamId))! : undefined;
      const version = head ? head.version + 1 : 0;
      const prevHash = head ? String(head.metadata.hash) : ZERO_HASH;
      const base = { type: 'ComplaintLogged', data: { subscriberId: 'x', amount: -1 }, occurredAt: at.occurredAt, version, metadata: { actor: 'key-intruder', recordedAt: at.occurredAt, schemaVersion: 1, chainVersion: 2, prevHash } };
      const inserted: StoredEvent = { ...base, id: `forged-${version}`, streamId, position: String(Number(at.position) - 5), metadata: { ...base.metadata, hash: computeHash(prevHash, base) } };
      return { log: [...events, inserted], expected: { kind: kind === 'insert' ? 'inserted' : 'inserted-stream', streamId, version } };
    }
  }
}

describe(`verify against a checkpoint, random histories (seed ${SEED})`, () => {
  it('an untouched log always verifies; one tampering at or before the checkpoint is always reported, exactly', async () => {
    let tampered = 0;
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(historyArb, fc.boolean(), async ({ appends, v1Prefix, cut: fraction, tamper: kind, pick }, byStream) => {
        runs++;
        const events = await writeLog(appends, v1Prefix);
        const positions = events.map((e) => Number(e.position)).sort((a, b) => a - b);
        const cut = positions[Math.min(positions.length - 1, Math.floor(fraction * positions.length))];
        const heads = headsAt(events, cut);
        const checkpoint = signCheckpoint({ position: String(cut), at: '2026-02-01T00:00:00.000Z', streams: heads.length, headsRoot: merkleRoot(heads) }, KEY);
        const options = { publicKeyPem: KEY.publicKeyPem, heads, pageSize: 7 };

        const intact = await verifyAgainstCheckpoint(arrayLog(events, byStream), checkpoint, options);
        expect(intact).toMatchObject({ valid: true, findingCount: 0, events: events.length });
        // Signed heads read page by page (pages of 1 to 3 heads, so streams meet page ends anywhere): the same verdict.
        const paged = { ...options, heads: headPages(heads, 1 + (pick % 3)) };
        expect(await verifyAgainstCheckpoint(arrayLog(events, byStream), checkpoint, paged)).toEqual(intact);

        const change = tamper(events, cut, kind, pick);
        if (!change) return;
        tampered++;
        const result = await verifyAgainstCheckpoint(arrayLog(change.log, byStream), checkpoint, options);
        expect(result.valid).toBe(false);
        expect(result.findings.map(({ kind: k, streamId, version }) => ({ kind: k, streamId, ...(version === undefined ? {} : { version }) }))).toEqual([change.expected]);
        expect(await verifyAgainstCheckpoint(arrayLog(change.log, byStream), checkpoint, paged)).toEqual(result);
        // Without the signed heads (the database's copy lost), it is still detected.
        expect((await verifyAgainstCheckpoint(arrayLog(change.log, byStream), checkpoint, { ...options, heads: undefined })).valid).toBe(false);
      }),
      { seed: SEED, numRuns: 1_000, interruptAfterTimeLimit: 45_000 },
    );
    // Most runs find a tampering that applies (a time limit may end the runs early on a loaded machine).
    expect(runs).toBeGreaterThan(50);
    expect(tampered).toBeGreaterThan(runs / 2);
  });
});

describe('verify against a checkpoint, signed heads that change while they are read', () => {
  it('reports a root mismatch when the heads handed out page by page are not the ones that gave the signed root', async () => {
    // Given a log and a checkpoint of all of it
    const events = await writeLog([0, 1, 2, 0, 1, 2, 3], [0, 0, 0, 0, 0, 0]);
    const last = String(Math.max(...events.map((e) => Number(e.position))));
    const heads = headsAt(events, Number(last));
    const checkpoint = signCheckpoint({ position: last, at: '2026-02-01T00:00:00.000Z', streams: heads.length, headsRoot: merkleRoot(heads) }, KEY);
    // When the database's copy of one head is altered after it was checked (version and hash of another stream's head)
    const altered = heads.map((h, i) => (i === 1 ? { ...h, hash: heads[0].hash } : h));
    const result = await verifyAgainstCheckpoint(arrayLog(events, true), checkpoint, { publicKeyPem: KEY.publicKeyPem, heads: headPages(altered, 2) });
    // Then the verification does not pass, and says the copy changed
    expect(result.valid).toBe(false);
    expect(result.findings.map((f) => f.kind)).toEqual(expect.arrayContaining(['root-mismatch']));
    expect(result.findings.find((f) => f.kind === 'root-mismatch')?.detail).toContain('changed after it was checked');
  });
});
