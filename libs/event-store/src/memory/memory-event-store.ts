import { ConcurrencyError, InvalidAppendError, InvalidPositionError } from '../errors.js';
import { CHAIN_VERSION, hashWithCanonicalData, ZERO_HASH } from '../integrity.js';
import { DEFAULT_PAGE, MAX_PAGE, pagedStream } from '../paging.js';
import { START_POSITION } from '../position.js';
import { PollingSubscription, type SubscriptionSource } from '../subscription.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
  Subscription,
} from '../types.js';
import { prepareAppend } from '../validation.js';
import { randomUUID } from 'node:crypto';

/**
 * The store port in process memory: the same validation, versions, optimistic concurrency,
 * idempotent repeats (same ids, same batch) and hash chain as the SQL store, positions 1, 2, 3…
 * Nothing survives the process. It is what the application's fast unit tests and the simulator's
 * in-process target run on; it is never a production backend.
 *
 * Subscriptions are volatile only (`after`): a named one needs a database for its checkpoint.
 */
export class MemoryEventStore implements EventStore {
  readonly backend = 'memory' as const;
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  /** Event id → version, per stream (ids are unique per stream). */
  private readonly ids = new Map<string, Map<string, number>>();
  private readonly listeners = new Set<() => void>();
  private readonly source: SubscriptionSource = {
    readAll: (options) => this.readAll(options),
    onWake: (listener) => {
      this.listeners.add(listener);
      return () => this.listeners.delete(listener);
    },
    heldBack: async () => false,
  };

  async init(): Promise<void> {}

  /** The whole log in position order, read synchronously (tests and the simulator's summary). */
  events(): readonly StoredEvent[] {
    return this.log;
  }

  async append(streamId: string, events: readonly NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    const prepared = prepareAppend(streamId, events);
    const stream = this.streams.get(streamId) ?? [];
    const expected = options.expectedVersion ?? 'any';
    const repeat = this.repeatOf(streamId, stream, prepared.map((e) => e.id));
    if (repeat) return repeat;
    const actual = stream.length - 1;
    if ((expected === 'no_stream' && actual !== -1) || (expected === 'stream_exists' && actual === -1) || (typeof expected === 'number' && expected !== actual)) {
      throw new ConcurrencyError(streamId, expected, actual);
    }
    const recordedAt = new Date().toISOString();
    let prevHash = stream.at(-1)?.metadata.hash ?? ZERO_HASH;
    for (const [i, e] of prepared.entries()) {
      const version = actual + 1 + i;
      const hash = hashWithCanonicalData(prevHash, e.type, e.dataJson, e.occurredAt, version, CHAIN_VERSION, e.metadata);
      const stored: StoredEvent = {
        id: e.id ?? randomUUID(),
        position: String(this.log.length + 1),
        streamId,
        version,
        type: e.type,
        // A copy, as a database would hand back: callers may not mutate what is stored.
        data: JSON.parse(e.dataJson) as Record<string, unknown>,
        occurredAt: e.occurredAt,
        metadata: {
          ...structuredClone(e.metadata),
          recordedAt,
          schemaVersion: typeof e.metadata.schemaVersion === 'number' ? e.metadata.schemaVersion : 1,
          chainVersion: CHAIN_VERSION,
          prevHash,
          hash,
        },
      };
      prevHash = hash;
      stream.push(stored);
      this.log.push(stored);
    }
    this.streams.set(streamId, stream);
    const known = this.ids.get(streamId) ?? new Map<string, number>();
    for (const e of stream.slice(actual + 1)) known.set(e.id, e.version);
    this.ids.set(streamId, known);
    for (const listener of [...this.listeners]) listener();
    const last = stream.at(-1)!;
    return { streamId, version: last.version, position: last.position };
  }

  /** Ids already stored as one consecutive batch: the first result again (an idempotent repeat). */
  private repeatOf(streamId: string, stream: StoredEvent[], ids: Array<string | undefined>): AppendResult | undefined {
    if (ids.some((id) => id === undefined)) return undefined;
    const known = this.ids.get(streamId);
    const found = ids.map((id) => known?.get(id!) ?? -1);
    if (found.every((i) => i === -1)) return undefined;
    const whole = found.every((v, i) => v !== -1 && v === found[0]! + i);
    if (!whole) throw new InvalidAppendError('duplicate-event-id', `stream ${streamId} already holds some of these event ids in another batch`);
    const last = stream[found.at(-1)!]!;
    return { streamId, version: last.version, position: last.position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const stream = this.streams.get(streamId) ?? [];
    const limit = options.limit ?? Infinity;
    if (options.direction === 'backwards') {
      const from = Math.min(options.fromVersion ?? stream.length - 1, stream.length - 1);
      const out: StoredEvent[] = [];
      for (let v = from; v >= 0 && out.length < limit; v--) out.push(clone(stream[v]!));
      return out;
    }
    const from = Math.max(0, options.fromVersion ?? 0);
    return stream.slice(from, limit === Infinity ? undefined : from + limit).map(clone);
  }

  iterateStream(streamId: string, options: ReadStreamOptions & { pageSize?: number } = {}): AsyncIterable<StoredEvent> {
    return pagedStream((id, o) => this.readStream(id, o), streamId, options);
  }

  async streamVersion(streamId: string): Promise<number> {
    return (this.streams.get(streamId)?.length ?? 0) - 1;
  }

  async readAll(options: ReadAllOptions = {}): Promise<ReadAllResult> {
    const after = options.after ?? START_POSITION;
    if (!/^(0|[1-9][0-9]*)$/.test(after)) throw new InvalidPositionError(after);
    const limit = Math.min(options.limit ?? DEFAULT_PAGE, MAX_PAGE);
    const types = options.types ? new Set(options.types) : undefined;
    const events: StoredEvent[] = [];
    let last = after;
    for (let i = Number(after); i < this.log.length && events.length < limit; i++) {
      const e = this.log[i]!;
      last = e.position;
      if (types && !types.has(e.type)) continue;
      if (options.streamPrefix !== undefined && !e.streamId.startsWith(options.streamPrefix)) continue;
      events.push(clone(e));
    }
    return { events, last, caughtUp: Number(last) >= this.log.length };
  }

  async headPosition(): Promise<string> {
    return this.log.at(-1)?.position ?? START_POSITION;
  }

  subscribe(options: SubscribeOptions): Subscription {
    if (options.name) throw new Error('the in-memory store has volatile subscriptions only (after), no named checkpoints');
    return new PollingSubscription(this.source, undefined, options);
  }

  async listStreams(options: { prefix?: string; after?: string; limit?: number } = {}): Promise<string[]> {
    const prefix = options.prefix ?? '';
    return [...this.streams.keys()]
      .filter((s) => s.startsWith(prefix) && (options.after === undefined || s > options.after))
      .sort()
      .slice(0, options.limit ?? DEFAULT_PAGE);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

function clone(event: StoredEvent): StoredEvent {
  return { ...event, data: structuredClone(event.data), metadata: structuredClone(event.metadata) };
}
