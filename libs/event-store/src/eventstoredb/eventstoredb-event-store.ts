import { randomUUID } from 'node:crypto';
import type { SqlDatabase } from '@libs/sql';
import { ConcurrencyError, InvalidAppendError } from '../errors.js';
import { ZERO_HASH } from '../integrity.js';
import { START_POSITION } from '../position.js';
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
import { assertStreamName, prepareAppend, type ValidatedEvent } from '../validation.js';
import type { EsdbConnection, EsdbEventData, EsdbPosition } from './connection.js';
import { toEsdbEvent, toStoredEvent } from './envelope.js';
import { actualVersionOf, isWrongExpectedVersion, unavailableError } from './errors.js';
import { matchesFilter, serverFilterFor } from './filters.js';
import { compareEsdbPositions, decodeEsdbPosition, encodeEsdbPosition, requirePosition } from './positions.js';
import { StreamIndex, type ListStreamsOptions } from './stream-index.js';
import { WakeFeeds } from './wake-feeds.js';
import { assertExpectedVersion, exactRevision, revisionToVersion, satisfiesExpectation } from './revisions.js';
import { DEFAULT_PAGE, MAX_PAGE, pagedStream } from '../paging.js';

/** Records of $all a filtered page may scan to find `limit` matches before it returns what it has. */
const MIN_SCAN_WINDOW = 4_096;
/** Appends under `any` / `stream_exists` that keep losing the race give up after this many tries. */
const MAX_APPEND_ATTEMPTS = 30;
const HEAD_CACHE_SIZE = 10_000;
const HEAD_SCAN_PAGE = 100;

/** Default bound on the first round trip of `init()`: an unreachable server fails open quickly. */
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export interface EventStoreDbStoreOptions {
  /** Used in error messages (masked); the connection itself is already built. */
  connectionString: string;
  /** PostgreSQL or PGlite holding the checkpoints of named subscriptions (and the read models). */
  checkpointDb: SqlDatabase;
  /** Bound on the connectivity check of `init()`; default {@link DEFAULT_CONNECT_TIMEOUT_MS}. */
  connectTimeoutMs?: number;
}

interface Head {
  version: number;
  hash: string;
}

type PreparedEvent = ValidatedEvent & { id: string };

/**
 * The event-store port on EventStoreDB / KurrentDB.
 *
 * Streams, revisions and the global order are the server's. The adapter adds what the port
 * promises beyond it: the hash chain (computed here on the stream's last event, so the server
 * holds the same chain as SQL), exact idempotency by event id, the typed errors of validation.ts,
 * and subscriptions whose checkpoints commit with the read models in `checkpointDb`.
 *
 * Every append goes out with the exact revision it was chained on, whatever the caller expected:
 * a concurrent writer therefore fails the append instead of splitting the chain, and appends
 * under `any` / `stream_exists` re-read the head and retry.
 */
export class EventStoreDbEventStore implements EventStore {
  readonly backend = 'eventstoredb' as const;
  private readonly heads = new Map<string, Head>();
  private readonly subscriptions = new Set<Subscription>();
  private readonly wakes: WakeFeeds;
  private readonly streamIndex: StreamIndex;
  private closed = false;

  constructor(
    private readonly connection: EsdbConnection,
    private readonly options: EventStoreDbStoreOptions,
  ) {
    this.wakes = new WakeFeeds(connection);
    this.streamIndex = new StreamIndex(connection);
  }

  /** Checks that the server answers within the connect timeout; closes the connection when it does not. */
  async init(): Promise<void> {
    try {
      await this.connection.ping(this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
    } catch (error) {
      // open() only closes the SQL side on failure: the gRPC channel must not outlive it.
      await this.connection.close().catch(() => undefined);
      this.closed = true;
      this.wakes.close();
      throw unavailableError(this.options.connectionString, error);
    }
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const validated = prepareAppend(streamId, events);
    const expected: ExpectedVersion = options.expectedVersion ?? 'any';
    assertExpectedVersion(expected);
    const callerIds = validated.some((e) => e.id !== undefined);
    const prepared: PreparedEvent[] = validated.map((e) => ({ ...e, id: e.id ?? randomUUID() }));
    const recordedAt = new Date().toISOString();

    let head = await this.resolveHead(streamId, expected);
    for (let attempt = 1; ; attempt++) {
      if (!satisfiesExpectation(expected, head.version)) {
        // A caller repeating an append that went through sees the stream past its expectation.
        if (callerIds) {
          const existing = await this.findExisting(streamId, prepared);
          if (existing) return existing;
        }
        throw new ConcurrencyError(streamId, expected, head.version);
      }
      // Under any / stream_exists a repeat lands on whatever the stream is now: look for the ids
      // (again after a lost race: the winner may have been our own retry). Under an exact
      // expectation that holds, a repeat is impossible unless the caller reuses ids of events it
      // has already seen, so the common path costs no search.
      if (callerIds && typeof expected !== 'number' && head.version >= 0) {
        const existing = await this.findExisting(streamId, prepared);
        if (existing) return existing;
      }
      const chained = this.chain(prepared, head, recordedAt);
      try {
        const result = await this.connection.append(
          streamId,
          chained.map((c) => c.data),
          exactRevision(head.version),
        );
        const version = revisionToVersion(result.nextExpectedRevision);
        this.remember(streamId, { version, hash: chained[chained.length - 1].hash });
        // The server leaves the position out when it recognised an idempotent repeat.
        const position = result.position ? encodeEsdbPosition(result.position) : await this.positionOf(streamId, version);
        this.wakes.wakeLocal();
        return { streamId, version, position };
      } catch (error) {
        if (!isWrongExpectedVersion(error)) throw error;
        this.heads.delete(streamId);
        if (attempt >= MAX_APPEND_ATTEMPTS) throw new ConcurrencyError(streamId, expected, actualVersionOf(error));
        if (attempt > 2) await sleep(Math.random() * Math.min(50, 5 * attempt));
        head = await this.readHead(streamId);
      }
    }
  }

  /** Hashes the batch onto `head`: each event's prevHash is the previous event's hash. */
  private chain(prepared: PreparedEvent[], head: Head, recordedAt: string): Array<{ data: EsdbEventData; hash: string }> {
    let prevHash = head.hash;
    return prepared.map((event, i) => {
      const built = toEsdbEvent(event, head.version + 1 + i, prevHash, recordedAt);
      prevHash = built.hash;
      return built;
    });
  }

  /** The (version, hash) to build on: the cache when it fits the expectation, else the server. */
  private async resolveHead(streamId: string, expected: ExpectedVersion): Promise<Head> {
    // A new stream needs no read: if it exists after all, the server says so.
    if (expected === 'no_stream') return { version: -1, hash: ZERO_HASH };
    const cached = this.heads.get(streamId);
    if (cached && (typeof expected !== 'number' || cached.version === expected)) return cached;
    return this.readHead(streamId);
  }

  private async readHead(streamId: string): Promise<Head> {
    for await (const record of this.connection.readStream(streamId, { direction: 'backwards', fromRevision: 'end', maxCount: 1 })) {
      const hash = (record.metadata as { hash?: unknown } | undefined)?.hash;
      const head = { version: revisionToVersion(record.revision), hash: typeof hash === 'string' ? hash : ZERO_HASH };
      this.remember(streamId, head);
      return head;
    }
    return { version: -1, hash: ZERO_HASH };
  }

  /**
   * Looks for the batch's ids in the stream (newest first, stopping once all are found). All of
   * them, consecutive and in order: the batch was written before, so its result is returned. Some:
   * they belong to another batch, refused like the SQL backends do.
   */
  private async findExisting(streamId: string, prepared: PreparedEvent[]): Promise<AppendResult | undefined> {
    const wanted = new Map(prepared.map((e, i) => [e.id, i]));
    const found = new Map<string, StoredEvent>();
    for await (const event of this.iterateStream(streamId, { direction: 'backwards', pageSize: DEFAULT_PAGE })) {
      if (wanted.has(event.id)) found.set(event.id, event);
      if (found.size === wanted.size) break;
    }
    if (found.size === 0) return undefined;
    const stored = prepared.map((e) => found.get(e.id));
    const first = stored[0];
    const consecutive = first !== undefined && stored.every((s, i) => s !== undefined && s.version === first.version + i);
    if (!consecutive) throw new InvalidAppendError('duplicate-event-id', `stream ${streamId} already holds some of these event ids in another batch`);
    const last = stored[stored.length - 1]!;
    return { streamId, version: last.version, position: last.position };
  }

  private async positionOf(streamId: string, version: number): Promise<string> {
    for await (const record of this.connection.readStream(streamId, { direction: 'backwards', fromRevision: BigInt(version), maxCount: 1 })) {
      return toStoredEvent(record).position;
    }
    throw new Error(`EventStoreDB reported ${streamId}@${version} as written but does not return it`);
  }

  private remember(streamId: string, head: Head): void {
    this.heads.delete(streamId);
    this.heads.set(streamId, head);
    if (this.heads.size > HEAD_CACHE_SIZE) this.heads.delete(this.heads.keys().next().value!);
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    assertStreamName(streamId);
    const backwards = options.direction === 'backwards';
    if (options.limit !== undefined && options.limit <= 0) return [];
    if (options.fromVersion !== undefined && options.fromVersion < 0) return [];
    const events: StoredEvent[] = [];
    for await (const record of this.connection.readStream(streamId, {
      direction: backwards ? 'backwards' : 'forwards',
      fromRevision: options.fromVersion !== undefined ? BigInt(options.fromVersion) : backwards ? 'end' : 'start',
      maxCount: options.limit ?? Number.MAX_SAFE_INTEGER,
    })) {
      events.push(toStoredEvent(record));
    }
    const last = events[events.length - 1];
    // A whole forward read is how aggregates load: its tail is the head the next append builds on.
    if (last && !backwards && options.limit === undefined && (options.fromVersion ?? 0) === 0) {
      this.remember(streamId, { version: last.version, hash: String(last.metadata.hash) });
    }
    return events;
  }

  iterateStream(streamId: string, options: ReadStreamOptions & { pageSize?: number } = {}): AsyncIterable<StoredEvent> {
    return pagedStream((id, o) => this.readStream(id, o), streamId, options);
  }

  async streamVersion(streamId: string): Promise<number> {
    assertStreamName(streamId);
    return (await this.readHead(streamId)).version;
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    const after = options.after ?? START_POSITION;
    const from = decodeEsdbPosition(after);
    const limit = Math.min(Math.max(1, Math.floor(options.limit ?? DEFAULT_PAGE)), MAX_PAGE);
    const filtered = Boolean(options.streamPrefix || options.types?.length);
    const window = filtered ? Math.max(limit, MIN_SCAN_WINDOW) : limit;
    const events: StoredEvent[] = [];
    let last = after;
    let scanned = 0;
    // Reads of $all start at their position inclusively: the record at `after` comes back first.
    for await (const record of this.connection.readAll({ direction: 'forwards', fromPosition: from ?? 'start', maxCount: window + (from ? 1 : 0) })) {
      if (from && record.position && compareEsdbPositions(record.position, from) <= 0) continue;
      last = encodeEsdbPosition(requirePosition(record));
      if (matchesFilter(record, options)) events.push(toStoredEvent(record));
      if (events.length >= limit || ++scanned >= window) break;
    }
    return { events, last };
  }

  async headPosition(): Promise<string> {
    // Backwards from the end, past any trailing system records; undefined = from the end.
    let before: EsdbPosition | undefined;
    for (;;) {
      let seen = 0;
      let oldest: EsdbPosition | undefined;
      for await (const record of this.connection.readAll({ direction: 'backwards', fromPosition: before ?? 'end', maxCount: HEAD_SCAN_PAGE + (before ? 1 : 0) })) {
        const position = requirePosition(record);
        if (before && compareEsdbPositions(position, before) >= 0) continue;
        seen++;
        oldest = position;
        if (matchesFilter(record)) return encodeEsdbPosition(position);
      }
      if (seen < HEAD_SCAN_PAGE || !oldest) return START_POSITION;
      before = oldest;
    }
  }

  subscribe(options: SubscribeOptions): Subscription {
    const filter = serverFilterFor(options);
    const source: SubscriptionSource = {
      readAll: (o) => this.readAll(o),
      onWake: (listener) => this.wakes.on(filter, listener),
      // $all has no late commits: what a reader sees is a prefix of the log.
      heldBack: async () => false,
    };
    const subscription = new PollingSubscription(source, this.options.checkpointDb, options);
    this.subscriptions.add(subscription);
    const stop = subscription.stop.bind(subscription);
    subscription.stop = async () => {
      this.subscriptions.delete(subscription);
      await stop();
    };
    return subscription;
  }

  /** Names in order; see {@link StreamIndex}. */
  listStreams(options: ListStreamsOptions = {}): Promise<string[]> {
    return this.streamIndex.list(options);
  }

  async close(): Promise<void> {
    if (this.closed && this.subscriptions.size === 0 && this.wakes.open === 0) return;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    this.wakes.close();
    if (!this.closed) {
      this.closed = true;
      await this.connection.close();
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
