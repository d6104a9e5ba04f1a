import { isDatabaseUnavailable, type SqlExecutor } from '@libs/sql';
import { ZERO_HASH } from '../integrity.js';
import type { ExpectedVersion } from '../types.js';
import type { ValidatedEvent } from '../validation.js';

export type PreparedEvent = ValidatedEvent & { id: string };
export type ChainedEvent = PreparedEvent & { metadataJson: string; hash: string };

export interface Head {
  version: number;
  hash: string;
}

export interface AppendRow {
  outcome: string;
  out_version: number;
  out_position: string | null;
  out_hash: string | null;
}

/** What one optimistic append attempt gives: a row of the append functions, or what a unique violation meant. */
export type AttemptOutcome<Existing> = AppendRow | { existing: Existing } | { raced: true };

export interface GroupRequest {
  streamId: string;
  prepared: PreparedEvent[];
  expected: ExpectedVersion;
  recordedAt: string;
}

/** What the committer needs from the store: its head cache, hashing and the one-append statement. */
export interface GroupCommitHost<Existing> {
  cachedHead(streamId: string): Head | undefined;
  remember(streamId: string, head: Head): void;
  readHeads(streamIds: string[]): Promise<Map<string, Head>>;
  chain(prepared: PreparedEvent[], head: Head, recordedAt: string): ChainedEvent[];
  /** One append alone, as without group commit (its own statement, unique violations mapped). */
  single(streamId: string, chained: ChainedEvent[], head: Head): Promise<AttemptOutcome<Existing>>;
  executor: SqlExecutor;
}

export interface GroupCommitOptions {
  /** Most appends in one group; default 64. */
  maxAppends?: number;
  /** Most events in one group (a larger single append still goes alone); default 2,000. */
  maxEvents?: number;
  /**
   * Groups in flight at once (default 1; the store uses 2 on PostgreSQL). Streams of groups in flight are disjoint, so they never
   * conflict with each other; a further group overlaps one group's commit (its WAL flush) with the
   * next one's execution, on a second connection and backend.
   */
  maxInFlight?: number;
  /**
   * Appends that must be waiting before a further group starts while one is in flight (default
   * `maxAppends`: only when the next group would be full). Below it they wait and ride the next
   * group whole: on a quiet machine one group of 8 beat two of 4 (bench:store 0.85 vs 0.55 ÷ INSERT
   * at 8 writers) and one of 32 matched two of 16 (1.42 vs 1.38), BENCHMARKS.md.
   */
  spillAt?: number;
}

/** Group sizes reached, for bench:store and operators: how many appends each commit carried. */
export interface GroupCommitStats {
  commits: number;
  appends: number;
  largest: number;
  /** commits by group size: index i = groups of i appends (index 0 unused). */
  sizes: number[];
  /** Groups whose statement failed as a whole and whose appends then ran one by one. */
  split: number;
}

interface Pending<Existing> {
  request: GroupRequest;
  resolve(value: { outcome: AttemptOutcome<Existing>; head: Head }): void;
  reject(error: unknown): void;
}

interface GroupRow {
  out_append: number;
  outcome: 'ok' | 'duplicate' | 'conflict';
  out_version: number;
  out_hash: string;
  out_position: string | null;
}

/**
 * Group commit: while one append (or group) is in flight, the appends that arrive queue, and the
 * next round trip carries all of them — across streams — in one statement and one commit
 * (`cl_append_group`), each with its own compare-and-swap and result. A lone append when idle
 * goes out at once with the one-append statement (no added latency). At most one append per
 * stream per group: a second one waits for the next group, so appends to one stream are applied
 * in arrival order and each sees the versions of those before it. Heads are resolved when a
 * group is formed, from the cache the previous group just updated (a batched read for streams
 * not in it), which makes each result the one a serial execution in arrival order would give.
 * Nothing is acknowledged before its commit.
 */
export class GroupCommitter<Existing> {
  private queue: Pending<Existing>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private readonly inFlightStreams = new Set<string>();
  private readonly maxInFlight: number;
  private readonly maxAppends: number;
  private readonly maxEvents: number;
  private readonly spillAt: number;
  readonly stats: GroupCommitStats = { commits: 0, appends: 0, largest: 0, sizes: [], split: 0 };

  constructor(
    private readonly host: GroupCommitHost<Existing>,
    options: GroupCommitOptions = {},
  ) {
    this.maxAppends = options.maxAppends ?? 64;
    this.maxEvents = options.maxEvents ?? 2_000;
    this.maxInFlight = options.maxInFlight ?? 1;
    this.spillAt = Math.max(1, options.spillAt ?? this.maxAppends);
  }

  /** Queues the append; it is taken by the next group in arrival order. */
  submit(request: GroupRequest): Promise<{ outcome: AttemptOutcome<Existing>; head: Head }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      // Idle: at once, no added latency. Busy: wait for the end of this turn of the event loop,
      // so that every append submitted meanwhile (the writers a group just answered come back
      // within the same turn) rides in one group rather than a trickle of small ones.
      if (this.inFlight === 0 && !this.scheduled) this.pump();
      else this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      // Fill one group before starting another: a commit costs about the same for 4 appends as for
      // 32, so a second small group in flight buys a round trip for no fewer commits.
      if (this.inFlight > 0 && this.queue.length < this.spillAt) return;
      const group = this.take(this.maxAppends);
      if (group.length === 0) return;
      this.inFlight++;
      for (const p of group) this.inFlightStreams.add(p.request.streamId);
      void this.run(group).finally(() => {
        this.inFlight--;
        for (const p of group) this.inFlightStreams.delete(p.request.streamId);
        this.schedule();
      });
    }
  }

  /** The first append of each stream in queue order, up to `limit` and the bounds; the rest keep their order. */
  private take(limit: number): Pending<Existing>[] {
    const taken: Pending<Existing>[] = [];
    const rest: Pending<Existing>[] = [];
    const streams = new Set<string>();
    let events = 0;
    for (const pending of this.queue) {
      const n = pending.request.prepared.length;
      const fits = taken.length === 0 || (taken.length < Math.min(limit, this.maxAppends) && events + n <= this.maxEvents);
      if (fits && !streams.has(pending.request.streamId) && !this.inFlightStreams.has(pending.request.streamId)) {
        taken.push(pending);
        streams.add(pending.request.streamId);
        events += n;
      } else rest.push(pending);
    }
    this.queue = rest;
    return taken;
  }

  private async run(group: Pending<Existing>[]): Promise<void> {
    this.count(group.length);
    let heads: Array<Head | 'no-stream'>;
    try {
      heads = await this.resolveHeads(group.map((p) => p.request));
    } catch (error) {
      for (const p of group) p.reject(error);
      return;
    }
    const live: Array<{ pending: Pending<Existing>; head: Head; chained: ChainedEvent[] }> = [];
    group.forEach((pending, i) => {
      const head = heads[i];
      // stream_exists on a stream that is not there: a conflict no statement needs to confirm.
      if (head === 'no-stream') pending.resolve({ outcome: { outcome: 'conflict', out_version: -1, out_position: null, out_hash: ZERO_HASH }, head: { version: -1, hash: ZERO_HASH } });
      else live.push({ pending, head, chained: this.host.chain(pending.request.prepared, head, pending.request.recordedAt) });
    });
    if (live.length === 0) return;
    if (live.length === 1) {
      const [{ pending, head, chained }] = live;
      await this.host.single(pending.request.streamId, chained, head).then((outcome) => {
        this.learn(pending.request.streamId, outcome, chained);
        pending.resolve({ outcome, head });
      }, pending.reject);
      return;
    }
    let rows: GroupRow[];
    try {
      rows = await this.groupStatement(live);
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        for (const { pending } of live) pending.reject(error);
        return;
      }
      // A race with another process's writer, an id stored in another batch, a bad value: the
      // statement fails as a whole, so each append runs alone and fails (or not) on its own.
      this.stats.split++;
      await Promise.all(
        live.map(({ pending, head, chained }) =>
          this.host.single(pending.request.streamId, chained, head).then((outcome) => {
            this.learn(pending.request.streamId, outcome, chained);
            pending.resolve({ outcome, head });
          }, pending.reject),
        ),
      );
      return;
    }
    rows.forEach((row, i) => {
      const { pending, head, chained } = live[i];
      const n = chained.length;
      const outcome: AppendRow =
        row.outcome === 'conflict'
          ? { outcome: 'conflict', out_version: Number(row.out_version), out_position: null, out_hash: row.out_hash }
          : { outcome: row.outcome, out_version: head.version + n, out_position: row.out_position, out_hash: row.outcome === 'ok' ? chained[n - 1].hash : row.out_hash };
      this.learn(pending.request.streamId, outcome, chained);
      pending.resolve({ outcome, head });
    });
  }

  /**
   * The head each append builds on, decided now rather than when it was submitted: the previous
   * group's results are in the cache. Streams the cache does not know are read in one query.
   */
  private async resolveHeads(requests: GroupRequest[]): Promise<Array<Head | 'no-stream'>> {
    const unknown = requests.filter((r) => r.expected !== 'no_stream' && !this.usable(r, this.host.cachedHead(r.streamId))).map((r) => r.streamId);
    const read = unknown.length > 0 ? await this.host.readHeads(unknown) : new Map<string, Head>();
    for (const [streamId, head] of read) this.host.remember(streamId, head);
    return requests.map((r) => {
      if (r.expected === 'no_stream') return { version: -1, hash: ZERO_HASH };
      const head = read.get(r.streamId) ?? this.host.cachedHead(r.streamId) ?? { version: -1, hash: ZERO_HASH };
      if (r.expected === 'stream_exists' && head.version < 0) return 'no-stream';
      // A numeric expectation that does not match still goes to the database: the same ids may
      // already be there (an idempotent repeat), which only the statement can tell.
      if (typeof r.expected === 'number' && head.version !== r.expected) return { version: r.expected, hash: ZERO_HASH };
      return head;
    });
  }

  /** Whether a cached head can be trusted for this expectation without asking the database. */
  private usable(request: GroupRequest, cached: Head | undefined): boolean {
    if (!cached) return false;
    if (request.expected === 'any') return true;
    // A cached "no stream" may be stale (another process may have created it since).
    if (request.expected === 'stream_exists') return cached.version >= 0;
    return true;
  }

  /** Keeps the cache at what the database just said, before the next group is formed. */
  private learn(streamId: string, outcome: AttemptOutcome<Existing>, chained: ChainedEvent[]): void {
    if (!('outcome' in outcome)) return;
    if (outcome.outcome === 'ok') this.host.remember(streamId, { version: Number(outcome.out_version), hash: chained[chained.length - 1].hash });
    else if (outcome.outcome === 'conflict') this.host.remember(streamId, { version: Number(outcome.out_version), hash: outcome.out_hash ?? ZERO_HASH });
  }

  private async groupStatement(live: Array<{ pending: Pending<Existing>; head: Head; chained: ChainedEvent[] }>): Promise<GroupRow[]> {
    const streams: string[] = [];
    const bases: number[] = [];
    const prevHashes: string[] = [];
    const eventAppend: number[] = [];
    const versions: number[] = [];
    const ids: string[] = [];
    const types: string[] = [];
    const data: string[] = [];
    const metadata: string[] = [];
    const occurredAt: string[] = [];
    live.forEach(({ pending, head, chained }, i) => {
      streams.push(pending.request.streamId);
      bases.push(head.version);
      prevHashes.push(head.hash);
      chained.forEach((event, k) => {
        eventAppend.push(i + 1);
        versions.push(head.version + 1 + k);
        ids.push(event.id);
        types.push(event.type);
        data.push(event.dataJson);
        metadata.push(event.metadataJson);
        occurredAt.push(event.occurredAt);
      });
    });
    const { rows } = await this.host.executor.query<GroupRow>(
      'SELECT * FROM cl_append_group($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)',
      [streams, bases, prevHashes, eventAppend, versions, ids, types, data, metadata, occurredAt],
      { name: 'cl_append_group' },
    );
    if (rows.length !== live.length) throw new Error(`cl_append_group answered ${rows.length} rows for ${live.length} appends`);
    return rows;
  }

  private count(size: number): void {
    this.stats.commits++;
    this.stats.appends += size;
    this.stats.largest = Math.max(this.stats.largest, size);
    this.stats.sizes[size] = (this.stats.sizes[size] ?? 0) + 1;
  }
}
