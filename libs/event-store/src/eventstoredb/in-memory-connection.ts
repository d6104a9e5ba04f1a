import type {
  EsdbAppendResult,
  EsdbConnection,
  EsdbCurrentRevision,
  EsdbEventData,
  EsdbExpectedRevision,
  EsdbLiveFeed,
  EsdbPosition,
  EsdbReadAllOptions,
  EsdbReadStreamOptions,
  EsdbRecordedEvent,
  EsdbServerFilter,
  EsdbWatchHandlers,
} from './connection.js';
import { serverFilterMatches } from './filters.js';
import { compareEsdbPositions } from './positions.js';

/** Same shape as the client's `WrongExpectedVersionError` (what the adapter recognises). */
class InMemoryWrongExpectedVersionError extends Error {
  readonly type = 'wrong-expected-version';
  constructor(
    readonly streamName: string,
    readonly expectedVersion: EsdbExpectedRevision,
    readonly actualVersion: EsdbCurrentRevision,
  ) {
    super(`Wrong expected version on ${streamName}: expected ${String(expectedVersion)}, actual ${String(actualVersion)}`);
    this.name = 'WrongExpectedVersionError';
  }
}

/** Same shape as the client's `UnavailableError`. */
class InMemoryUnavailableError extends Error {
  readonly type = 'unavailable';
  readonly code = 14;
}

/**
 * An in-process stand-in for an EventStoreDB node behind {@link EsdbConnection}, for tests of the
 * adapter without a server. It reproduces what the adapter depends on:
 * - log positions beyond 2^53, where every event of an append shares its commit position
 *   (the append's transaction position) and has its own prepare position;
 * - system records interleaved with user events (`$`-prefixed streams and types);
 * - expected-revision checks failing with a wrong-expected-version error, and the server's
 *   idempotency by event id (same ids after the same exact revision: success, no position);
 * - inclusive starts of reads, clamped backward reads, filtered live subscriptions;
 * - faults: dropped live feeds, failing reads, an unreachable server.
 */
export class InMemoryEsdbConnection implements EsdbConnection {
  private readonly log: EsdbRecordedEvent[] = [];
  private readonly streams = new Map<string, EsdbRecordedEvent[]>();
  private readonly feeds = new Set<{ filter: EsdbServerFilter; handlers: EsdbWatchHandlers }>();
  private nextLogPosition: bigint;
  private appends = 0;
  private failingReads = 0;
  private closed = false;

  constructor(
    private readonly options: {
      /** First log position; defaults past 2^53 so that positions exercise bigint handling. */
      startAt?: bigint;
      /** A system record is written after every this many appends (0: never). Default 3. */
      systemRecordEvery?: number;
      /** ping() never answers (an unroutable host). */
      unreachable?: boolean;
    } = {},
  ) {
    this.nextLogPosition = options.startAt ?? 2n ** 53n + 4_242n;
    this.writeSystem('$epoch-information', '$epoch');
    this.writeSystem('$settings', '$settings');
  }

  /** The next `count` reads of streams or $all fail as if the connection had reset. */
  failReads(count: number): void {
    this.failingReads = count;
  }

  /** Ends every live feed with an error, as a connection reset does. */
  dropFeeds(): void {
    for (const feed of [...this.feeds]) {
      this.feeds.delete(feed);
      feed.handlers.onDrop(new InMemoryUnavailableError('connection reset'));
    }
  }

  get liveFeeds(): number {
    return this.feeds.size;
  }

  async append(streamId: string, events: EsdbEventData[], expectedRevision: EsdbExpectedRevision): Promise<EsdbAppendResult> {
    this.assertOpen();
    // Other appends may run here: the check-and-write below is atomic, as on the server.
    await new Promise((resolve) => setImmediate(resolve));
    this.assertOpen();
    const stream = this.streams.get(streamId) ?? [];
    const current = stream.length - 1;
    const repeat = this.idempotentRepeat(stream, events, expectedRevision);
    if (repeat) return repeat;
    const ok =
      expectedRevision === 'any' ||
      (expectedRevision === 'no_stream' && current < 0) ||
      (expectedRevision === 'stream_exists' && current >= 0) ||
      (typeof expectedRevision === 'bigint' && BigInt(current) === expectedRevision);
    if (!ok) throw new InMemoryWrongExpectedVersionError(streamId, expectedRevision, current < 0 ? 'no_stream' : BigInt(current));
    const commit = this.nextLogPosition;
    const written: EsdbRecordedEvent[] = events.map((e, i) => {
      const prepare = this.nextLogPosition;
      this.nextLogPosition += BigInt(100 + JSON.stringify(e.data).length + JSON.stringify(e.metadata).length);
      return {
        streamId,
        id: e.id,
        revision: BigInt(current + 1 + i),
        type: e.type,
        isJson: true,
        data: JSON.parse(JSON.stringify(e.data)),
        metadata: JSON.parse(JSON.stringify(e.metadata)),
        position: { commit, prepare },
      };
    });
    stream.push(...written);
    this.streams.set(streamId, stream);
    this.log.push(...written);
    this.publish(written);
    const every = this.options.systemRecordEvery ?? 3;
    if (every > 0 && ++this.appends % every === 0) this.writeSystem('$stats-127.0.0.1:2113', '$statsCollected');
    const last = written[written.length - 1];
    return { nextExpectedRevision: last.revision, position: last.position };
  }

  /** The server's idempotency: the same ids already follow the expected revision. */
  private idempotentRepeat(stream: EsdbRecordedEvent[], events: EsdbEventData[], expected: EsdbExpectedRevision): EsdbAppendResult | undefined {
    let start: number;
    if (expected === 'no_stream') start = 0;
    else if (typeof expected === 'bigint') start = Number(expected) + 1;
    else if (expected === 'any') start = stream.findIndex((e) => e.id === events[0].id);
    else return undefined;
    if (start < 0 || start >= stream.length || stream[start].id !== events[0].id) return undefined;
    const matches = events.every((e, i) => stream[start + i]?.id === e.id);
    if (!matches) throw new InMemoryWrongExpectedVersionError(stream[0].streamId, expected, BigInt(stream.length - 1));
    // Like the server, an idempotent success reports the revision but no log position.
    return { nextExpectedRevision: BigInt(start + events.length - 1) };
  }

  async *readStream(streamId: string, options: EsdbReadStreamOptions): AsyncIterable<EsdbRecordedEvent> {
    this.beforeRead();
    const stream = [...(this.streams.get(streamId) ?? [])];
    if (stream.length === 0) return;
    const last = stream.length - 1;
    let index: number;
    if (options.direction === 'forwards') index = options.fromRevision === 'start' ? 0 : options.fromRevision === 'end' ? last + 1 : Number(options.fromRevision);
    else index = options.fromRevision === 'end' ? last : options.fromRevision === 'start' ? 0 : Math.min(last, Number(options.fromRevision));
    for (let n = 0; n < options.maxCount && index >= 0 && index <= last; n++) {
      await Promise.resolve();
      yield clone(stream[index]);
      index += options.direction === 'forwards' ? 1 : -1;
    }
  }

  async *readAll(options: EsdbReadAllOptions): AsyncIterable<EsdbRecordedEvent> {
    this.beforeRead();
    const log = [...this.log];
    const from = options.fromPosition;
    let index: number;
    if (options.direction === 'forwards') {
      index = from === 'start' ? 0 : from === 'end' ? log.length : log.findIndex((r) => compareEsdbPositions(r.position!, from) >= 0);
      if (index < 0) index = log.length;
    } else {
      index = from === 'end' ? log.length - 1 : from === 'start' ? -1 : findLastIndex(log, (r) => compareEsdbPositions(r.position!, from) <= 0);
    }
    for (let n = 0; n < options.maxCount && index >= 0 && index < log.length; n++) {
      await Promise.resolve();
      yield clone(log[index]);
      index += options.direction === 'forwards' ? 1 : -1;
    }
  }

  watch(filter: EsdbServerFilter, handlers: EsdbWatchHandlers): EsdbLiveFeed {
    this.assertOpen();
    const feed = { filter, handlers };
    this.feeds.add(feed);
    setImmediate(() => {
      if (this.feeds.has(feed)) handlers.onReady?.();
    });
    return {
      close: async () => {
        this.feeds.delete(feed);
      },
    };
  }

  async ping(timeoutMs: number): Promise<void> {
    this.assertOpen();
    if (this.options.unreachable) {
      await new Promise((resolve) => setTimeout(resolve, timeoutMs));
      throw new InMemoryUnavailableError(`no answer within ${timeoutMs} ms`);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.feeds.clear();
  }

  private publish(records: EsdbRecordedEvent[]): void {
    for (const feed of this.feeds) {
      const matching = records.filter((r) => serverFilterMatches(feed.filter, r));
      if (matching.length === 0) continue;
      setImmediate(() => {
        if (!this.feeds.has(feed)) return;
        for (const r of matching) feed.handlers.onEvent(clone(r));
      });
    }
  }

  /** Writes a system record (a `$`-prefixed stream), as the server does on its own. */
  writeSystem(streamId: string, type: string): void {
    const stream = this.streams.get(streamId) ?? [];
    const position: EsdbPosition = { commit: this.nextLogPosition, prepare: this.nextLogPosition };
    this.nextLogPosition += 250n;
    const record: EsdbRecordedEvent = {
      streamId,
      id: `00000000-0000-4000-8000-${String(this.log.length).padStart(12, '0')}`,
      revision: BigInt(stream.length),
      type,
      isJson: true,
      data: {},
      metadata: undefined,
      position,
    };
    stream.push(record);
    this.streams.set(streamId, stream);
    this.log.push(record);
    this.publish([record]);
  }

  private beforeRead(): void {
    this.assertOpen();
    if (this.failingReads > 0) {
      this.failingReads--;
      throw new InMemoryUnavailableError('connection reset');
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new InMemoryUnavailableError('connection closed');
  }
}

function clone(record: EsdbRecordedEvent): EsdbRecordedEvent {
  return {
    ...record,
    data: record.data === undefined ? undefined : JSON.parse(JSON.stringify(record.data)),
    metadata: record.metadata === undefined ? undefined : JSON.parse(JSON.stringify(record.metadata)),
    position: record.position && { ...record.position },
  };
}

function findLastIndex<T>(items: T[], predicate: (item: T) => boolean): number {
  for (let i = items.length - 1; i >= 0; i--) if (predicate(items[i])) return i;
  return -1;
}
