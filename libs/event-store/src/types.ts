import type { SqlExecutor } from '@libs/sql';

/**
 * The event-store port: the only way the rest of the service touches the log.
 * Backends (PostgreSQL, PGlite, EventStoreDB) implement {@link EventStore}.
 */

/** Expected stream version for optimistic concurrency (EventStoreDB semantics; versions start at 0). */
export type ExpectedVersion = number | 'no_stream' | 'stream_exists' | 'any';

/** Metadata every stored event carries. Extra keys are kept as given. */
export interface EventMetadata {
  /** Key id of whoever caused the event ("system" for policies and the scheduler). */
  actor?: string;
  role?: string;
  correlationId?: string;
  causationId?: string;
  /** Wall-clock instant the store accepted the event (ISO-8601 UTC), set by the store. */
  recordedAt: string;
  /** Version of the event type's data contract. */
  schemaVersion: number;
  /**
   * Integrity chain version this event was hashed under (domain.md §7), set by the store: 2 for
   * every new append; events written before chain version 2 read as 1.
   */
  chainVersion?: number;
  /** Integrity chain (domain.md §7), set by the store: 64 hex chars each. */
  prevHash: string;
  hash: string;
  [key: string]: unknown;
}

/** What a caller hands to `append`. The store fills recordedAt, chainVersion, prevHash, hash. */
export interface NewEvent<Type extends string = string, Data = Record<string, unknown>> {
  /** UUID, unique within the stream; generated when absent. Repeating ids makes an append idempotent. */
  id?: string;
  type: Type;
  data: Data;
  /** Business time, ISO-8601 UTC. */
  occurredAt: string;
  metadata?: {
    actor?: string;
    role?: string;
    correlationId?: string;
    causationId?: string;
    schemaVersion?: number;
    [key: string]: unknown;
  };
}

/** The envelope of api.md: every event that leaves the store looks like this. */
export interface StoredEvent<Type extends string = string, Data = Record<string, unknown>> {
  id: string;
  /** Global position as a decimal string (may exceed 2^53). */
  position: string;
  streamId: string;
  /** Number of the event in its stream, from 0. */
  version: number;
  type: Type;
  data: Data;
  occurredAt: string;
  metadata: EventMetadata;
}

export interface AppendOptions {
  /** Defaults to 'any'. */
  expectedVersion?: ExpectedVersion;
}

export interface AppendResult {
  streamId: string;
  /** Version of the last event written (the stream's new version). */
  version: number;
  /** Global position of the last event written, decimal string. */
  position: string;
}

export interface ReadStreamOptions {
  /** First version to read (inclusive). Default 0 forwards, the end backwards. */
  fromVersion?: number;
  direction?: 'forwards' | 'backwards';
  /** Maximum number of events; default: all. */
  limit?: number;
}

/** Filter on the global log. */
export interface EventFilter {
  /** Only these event types. */
  types?: readonly string[];
  /** Only streams whose name starts with this prefix (e.g. "subscriber-"). */
  streamPrefix?: string;
}

export interface ReadAllOptions extends EventFilter {
  /** Exclusive lower bound: a position previously returned; absent = from the beginning. */
  after?: string;
  /** Default 500, at most 10,000. */
  limit?: number;
}

export interface ReadAllResult {
  events: StoredEvent[];
  /**
   * Position to resume from (pass as `after`). With filters it may be past the last returned
   * event: everything up to it was scanned. Equal to `after` (or "0") when nothing was read.
   */
  last: string;
  /**
   * True when, as of this read's snapshot, nothing after `last` is readable or held back behind
   * an open transaction: a subscriber may wait for the next wake-up instead of reading again.
   * Absent when the backend does not tell (subscriptions then ask the source whether events are held back).
   */
  caughtUp?: boolean;
}

export interface SubscribeOptions extends EventFilter {
  /**
   * Durable subscription name: its checkpoint is stored in the read-model database and
   * advanced in the same transaction as the handler's writes (exactly-once).
   * Without a name the subscription is volatile and starts after `after`.
   */
  name?: string;
  /** Start position for a volatile subscription (exclusive); default: the beginning. */
  after?: string;
  /** Events per handler call; default 500. */
  batchSize?: number;
  /**
   * Called with each batch, in position order, inside a transaction of the read-model
   * database (named subscriptions). Throwing rolls back the batch and the checkpoint; the
   * subscription retries with back-off and reports the error through `onError`.
   * The returned promise is awaited before the next batch is read (backpressure).
   */
  handler: (events: StoredEvent[], tx: SqlExecutor) => Promise<void>;
  onError?: (error: unknown) => void;
  /** Called once the subscription reads (and checkpoints) again after an `onError` — e.g. the database is back. */
  onRecovered?: () => void;
}

export interface Subscription {
  readonly name?: string;
  /** Position of the last event handled (and, for named ones, checkpointed). */
  position(): string;
  /** Resolves once the subscription has handled everything visible up to `position`. */
  waitFor(position: string, timeoutMs?: number): Promise<boolean>;
  /** Stops after the batch in flight; resolves when stopped. */
  stop(): Promise<void>;
}

/** The port. */
export interface EventStore {
  readonly backend: 'postgres' | 'pglite' | 'eventstoredb' | 'memory';
  /** Creates/migrates what the backend needs. Idempotent. */
  init(): Promise<void>;
  append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  /** Same as readStream, in pages, so memory does not grow with the stream's length. */
  iterateStream(streamId: string, options?: ReadStreamOptions & { pageSize?: number }): AsyncIterable<StoredEvent>;
  /** Current version of a stream, -1 when it does not exist. */
  streamVersion(streamId: string): Promise<number>;
  /** Page of the global log in position order; never skips an event committed late. */
  readAll(options?: ReadAllOptions): Promise<ReadAllResult>;
  /** Position of the last visible event ("0" when empty). */
  headPosition(): Promise<string>;
  /** Catch-up then live subscription; see {@link SubscribeOptions}. */
  subscribe(options: SubscribeOptions): Subscription;
  /** Names of all streams with a prefix, in name order, paged. */
  listStreams(options?: { prefix?: string; after?: string; limit?: number }): Promise<string[]>;
  close(): Promise<void>;
}
