import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { runMigrations, type SqlDatabase, type SqlExecutor } from '@libs/sql';
import { ConcurrencyError, InvalidAppendError } from '../errors.js';
import { CHAIN_VERSION, hashWithCanonicalData, ZERO_HASH } from '../integrity.js';
import { PollingSubscription, type SubscriptionSource } from '../subscription.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  StoredEvent,
  Subscription,
  SubscribeOptions,
} from '../types.js';
import { assertStreamName, prepareAppend } from '../validation.js';
import { GroupCommitter, type AppendRow, type AttemptOutcome, type ChainedEvent, type GroupCommitStats, type Head, type PreparedEvent } from './group-commit.js';
import { EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations, STREAM_LOCK_CLASS } from './schema.js';
import {
  existingAppend,
  isHeldBack,
  listStreamNames,
  readAllPage,
  readByStream,
  readHead,
  readHeadPosition,
  readHeads,
  readStreamEvents,
  readStreamVersion,
} from './log-queries.js';
import { pagedStream } from '../paging.js';

const NOTIFY_CHANNEL = 'cl_events';
/** Cross-process wake-ups are coalesced: each NOTIFY is a commit of its own. */
const NOTIFY_MIN_INTERVAL_MS = 25;
/** Exact-version appends retry this many times when only our cached head hash was stale. */
const MAX_APPEND_ATTEMPTS = 10;
/**
 * Unconditional appends (`any`, `stream_exists`) losing to optimistic writers on a hot stream:
 * a safety bound against a livelock bug, not a limit any real load should reach.
 */
const MAX_UNCONDITIONAL_ATTEMPTS = 1_000;
const OPTIMISTIC_ATTEMPTS = 2;
const HEAD_CACHE_SIZE = 10_000;

/**
 * The event store on PostgreSQL or PGlite (one SQL implementation over {@link SqlDatabase}).
 *
 * Gap-free global order: every event row records the xid8 of the transaction that wrote it.
 * Readers only take rows whose transaction_id is below `pg_snapshot_xmin(pg_current_snapshot())`
 * — every transaction below that horizon has ended — and read in (transaction_id,
 * global_position) order. A transaction that commits late therefore holds readers back instead
 * of being skipped; the position exposed to clients encodes that pair (see position.ts).
 */
export class SqlEventStore implements EventStore, SubscriptionSource {
  readonly backend: 'postgres' | 'pglite';
  private readonly wakeups = new EventEmitter();
  private readonly heads = new Map<string, Head>();
  private unlisten?: () => Promise<void>;
  private notifyTimer?: NodeJS.Timeout;
  private lastNotify = 0;
  private readonly subscriptions = new Set<Subscription>();
  private readonly group?: GroupCommitter<AppendResult>;

  constructor(
    readonly db: SqlDatabase,
    options: { groupCommit?: boolean; groupsInFlight?: number; groupSpillAt?: number } = {},
  ) {
    this.backend = db.dialect;
    this.wakeups.setMaxListeners(0);
    if (options.groupCommit ?? true) {
      this.group = new GroupCommitter<AppendResult>({
        executor: db,
        cachedHead: (streamId) => this.heads.get(streamId),
        remember: (streamId, head) => this.remember(streamId, head),
        readHeads: (streamIds) => readHeads(db, streamIds),
        chain: (prepared, head, recordedAt) => this.chain(prepared, head, recordedAt),
        single: (streamId, chained, head) => this.tryAppend(db, streamId, chained, head),
        // PGlite runs one query at a time: a second group would only wait behind the first. On
        // PostgreSQL the second starts only once a full group is waiting (GroupCommitOptions.spillAt).
      }, { maxInFlight: options.groupsInFlight ?? (db.dialect === 'postgres' ? 2 : 1), spillAt: options.groupSpillAt });
    }
  }

  /** Group sizes reached so far (undefined with group commit off). */
  groupCommitStats(): GroupCommitStats | undefined {
    return this.group && { ...this.group.stats, sizes: [...this.group.stats.sizes] };
  }

  async init(): Promise<void> {
    await runMigrations(this.db, EVENT_STORE_MIGRATIONS_TABLE, eventStoreMigrations);
    // Appends in other processes wake our subscriptions through NOTIFY; in-process appends
    // wake them directly. PGlite lives in one process, so it needs no LISTEN.
    if (this.db.dialect === 'postgres' && !this.unlisten) {
      this.unlisten = await this.db.listen(NOTIFY_CHANNEL, () => this.wakeups.emit('wake'));
    }
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const validated = prepareAppend(streamId, events);
    const expected: ExpectedVersion = options.expectedVersion ?? 'any';
    if (typeof expected === 'number' && (!Number.isSafeInteger(expected) || expected < 0)) {
      throw new InvalidAppendError('invalid-expected-version', `expected version must be a non-negative integer, no_stream, stream_exists or any`);
    }
    const recordedAt = new Date().toISOString();
    const prepared: PreparedEvent[] = validated.map((event) => ({ ...event, id: event.id ?? randomUUID() }));

    // With group commit the head is resolved when the append's group is formed (group-commit.ts).
    let head = this.group ? { version: -1, hash: ZERO_HASH } : await this.resolveHead(streamId, expected);
    for (let attempt = 1; ; attempt++) {
      // Optimistic first (one round trip). A stream that keeps moving under `any` or
      // `stream_exists` is then appended to under its row lock, so every writer makes progress.
      let row: AttemptOutcome<AppendResult>;
      if (attempt <= OPTIMISTIC_ATTEMPTS && this.group) {
        const submitted = await this.group.submit({ streamId, prepared, expected, recordedAt });
        row = submitted.outcome;
        head = submitted.head;
      } else if (attempt <= OPTIMISTIC_ATTEMPTS) {
        row = await this.tryAppend(this.db, streamId, this.chain(prepared, head, recordedAt), head);
      } else {
        row = await this.db.transaction(async (tx): Promise<AttemptOutcome<AppendResult>> => {
          // The stream's advisory lock, not FOR UPDATE: see cl_append on xid order.
          await tx.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [STREAM_LOCK_CLASS, streamId]);
          const locked = await readHead(tx, streamId);
          head = locked;
          if (expected === 'stream_exists' && locked.version < 0) return { outcome: 'conflict', out_version: -1, out_position: null, out_hash: null };
          return this.tryAppend(tx, streamId, this.chain(prepared, locked, recordedAt), locked);
        });
      }
      if ('existing' in row) return row.existing;
      if ('raced' in row) {
        // Another writer took the same version while we inserted: ask again with what we
        // built on; the function now answers conflict (or duplicate, if it wrote our ids).
        const limit = expected === 'any' || expected === 'stream_exists' ? MAX_UNCONDITIONAL_ATTEMPTS : MAX_APPEND_ATTEMPTS;
        if (attempt >= limit) throw new ConcurrencyError(streamId, expected, await this.streamVersion(streamId));
        continue;
      }
      const version = Number(row.out_version);
      if (row.outcome === 'ok' || row.outcome === 'duplicate') {
        if (row.outcome === 'ok') {
          this.remember(streamId, { version, hash: row.out_hash! });
          this.signalAppended();
        }
        return { streamId, version, position: row.out_position! };
      }
      // Conflict: the stream is at `version` with hash out_hash.
      const actual: Head = { version, hash: row.out_hash ?? ZERO_HASH };
      this.remember(streamId, actual);
      const retryable =
        expected === 'any' ||
        (expected === 'stream_exists' && actual.version >= 0) ||
        // Our cached hash was stale but the version is what the caller expected.
        (typeof expected === 'number' && actual.version === expected && actual.hash !== head.hash);
      // `any` (and `stream_exists` on an existing stream) cannot conflict by definition: keep going
      // under the lock however busy the stream is; only an exact version gives up.
      const limit = expected === 'any' || expected === 'stream_exists' ? MAX_UNCONDITIONAL_ATTEMPTS : MAX_APPEND_ATTEMPTS;
      if (!retryable || attempt >= limit) throw new ConcurrencyError(streamId, expected, actual.version);
      head = actual;
    }
  }

  private async tryAppend(executor: SqlExecutor, streamId: string, chained: ChainedEvent[], head: Head): Promise<AttemptOutcome<AppendResult>> {
    try {
      if (chained.length === 1) {
        const [event] = chained;
        const { rows } = await executor.query<AppendRow>(
          'SELECT * FROM cl_append_one($1, $2, $3, $4, $5, $6, $7, $8)',
          [streamId, head.version, head.hash, event.id, event.type, event.dataJson, event.metadataJson, event.occurredAt],
          { name: 'cl_append_one' },
        );
        return rows[0];
      }
      // The batch as one JSON array, assembled from the already-serialised parts.
      const payload = `[${chained
        .map((e) => `{"id":"${e.id}","type":${JSON.stringify(e.type)},"occurredAt":"${e.occurredAt}","data":${e.dataJson},"metadata":${e.metadataJson}}`)
        .join(',')}]`;
      const { rows } = await executor.query<AppendRow>('SELECT * FROM cl_append($1, $2, $3, $4::jsonb)', [streamId, head.version, head.hash, payload], {
        name: 'cl_append',
      });
      return rows[0];
    } catch (error) {
      if ((error as { code?: string }).code === '23505') {
        const message = String((error as Error).message);
        if (message.includes('cl_events_stream_event_id')) return { existing: await existingAppend(this.db, streamId, chained.map((e) => e.id)) };
        if (message.includes('cl_events_pkey') || message.includes('cl_streams_pkey')) return { raced: true };
      }
      throw error;
    }
  }

  /** The (version, hash) the append builds on, checked against the caller's expectation. */
  private async resolveHead(streamId: string, expected: ExpectedVersion): Promise<Head> {
    if (expected === 'no_stream') return { version: -1, hash: ZERO_HASH };
    const cached = this.heads.get(streamId);
    // A cached "no stream" is not trusted for stream_exists: another process may have created it.
    if (cached && (expected === 'any' || (expected === 'stream_exists' && cached.version >= 0) || cached.version === expected)) return cached;
    const actual = await readHead(this.db, streamId);
    this.remember(streamId, actual);
    if (expected === 'stream_exists' && actual.version < 0) throw new ConcurrencyError(streamId, expected, -1);
    // A numeric expectation that does not match still goes to the database: the same ids may
    // already be there (an idempotent repeat), which only the append function can tell.
    if (typeof expected === 'number' && actual.version !== expected) return { version: expected, hash: ZERO_HASH };
    return actual;
  }

  /** Hashes the batch onto `head` and completes each event's metadata. */
  private chain(prepared: PreparedEvent[], head: Head, recordedAt: string): ChainedEvent[] {
    let prevHash = head.hash;
    return prepared.map((event, i) => {
      const version = head.version + 1 + i;
      const hash = hashWithCanonicalData(prevHash, event.type, event.dataJson, event.occurredAt, version, CHAIN_VERSION, event.metadata);
      const metadataJson = JSON.stringify({
        ...event.metadata,
        recordedAt,
        schemaVersion: typeof event.metadata.schemaVersion === 'number' ? event.metadata.schemaVersion : 1,
        // The chain_version column is generated from this (schema v2).
        chainVersion: CHAIN_VERSION,
        prevHash,
        hash,
      });
      prevHash = hash;
      return { ...event, metadataJson, hash };
    });
  }

  private remember(streamId: string, head: Head): void {
    this.heads.delete(streamId);
    this.heads.set(streamId, head);
    if (this.heads.size > HEAD_CACHE_SIZE) this.heads.delete(this.heads.keys().next().value!);
  }

  private signalAppended(): void {
    this.wakeups.emit('wake');
    if (this.db.dialect !== 'postgres' || this.notifyTimer) return;
    const wait = Math.max(0, this.lastNotify + NOTIFY_MIN_INTERVAL_MS - Date.now());
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = undefined;
      this.lastNotify = Date.now();
      this.db.notify(NOTIFY_CHANNEL).catch(() => undefined);
    }, wait);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    assertStreamName(streamId);
    const events = await readStreamEvents(this.db, streamId, options);
    const backwards = options.direction === 'backwards';
    const last = backwards ? events[0] : events[events.length - 1];
    if (last && !backwards && options.limit === undefined) this.remember(streamId, { version: last.version, hash: String(last.metadata.hash) });
    return events;
  }

  iterateStream(streamId: string, options: ReadStreamOptions & { pageSize?: number } = {}): AsyncIterable<StoredEvent> {
    return pagedStream((id, o) => this.readStream(id, o), streamId, options);
  }

  async streamVersion(streamId: string): Promise<number> {
    assertStreamName(streamId);
    return readStreamVersion(this.db, streamId);
  }

  /** Committed events in (stream_id, version) order after `after`: the primary key's, one stream at a time (audit). */
  readByStream(options: { after?: { streamId: string; version: number }; limit?: number } = {}): Promise<StoredEvent[]> {
    return readByStream(this.db, options);
  }

  readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    return readAllPage(this.db, options);
  }

  headPosition(): Promise<string> {
    return readHeadPosition(this.db);
  }

  heldBack(after: string): Promise<boolean> {
    return isHeldBack(this.db, after);
  }

  onWake(listener: () => void): () => void {
    this.wakeups.on('wake', listener);
    return () => this.wakeups.off('wake', listener);
  }

  subscribe(options: SubscribeOptions): Subscription {
    const subscription = new PollingSubscription(this, this.db, options);
    this.subscriptions.add(subscription);
    const stop = subscription.stop.bind(subscription);
    subscription.stop = async () => {
      this.subscriptions.delete(subscription);
      await stop();
    };
    return subscription;
  }

  listStreams(options: { prefix?: string; after?: string; limit?: number } = {}): Promise<string[]> {
    return listStreamNames(this.db, options);
  }

  /** Stops subscriptions and the listener; the database itself belongs to whoever opened it. */
  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    this.notifyTimer = undefined;
    await this.unlisten?.();
    this.unlisten = undefined;
  }
}
