import { comparePositions, type EventStore, type StoredEvent, type Subscription } from '@libs/event-store';
import { advanceCheckpoint, CheckpointMovedError, readCheckpoint, type SqlDatabase } from '@libs/sql';
import { defaultLeadership, type Leadership } from '@libs/projections';
import { DEFAULT_RETRY, type RetryPolicy } from './backoff.js';
import { Aborted, deliverUntilAcknowledged, type DeliveryOptions, type DeliveryState, type RelayLogger, type RelayObserver } from './delivery.js';
import type { RelaySink, SinkFilter } from './sink.js';
import { relayLag, type RelaySinkState, type RelaySinkStatus } from './status.js';

/** First key of the relays' advisory locks: a key space of their own beside the projections'. */
const RELAY_LOCK_CLASS = 0x434c0003;

export type { RelayLogger, RelayObserver } from './delivery.js';

export interface RelayEngineOptions {
  store: EventStore;
  db: SqlDatabase;
  leadership?: Leadership;
  /** How often standby processes try to take sinks over and holders check their locks; default 2 s. */
  leadershipIntervalMs?: number;
  retry?: RetryPolicy;
  /** Jitter source, [0, 1); default Math.random. */
  random?: () => number;
  /** Events read per page; default 500. */
  batchSize?: number;
  /**
   * Events per `deliverBatch` call of a sink that takes batches; default the whole page. A
   * broker's confirms of one chunk are awaited together, so a chunk is one round-trip: bench:relay
   * measured chunks of 500 at 1.8× the RabbitMQ throughput of chunks of 100.
   */
  chunkSize?: number;
  /**
   * The checkpoint is written at most this often while events flow (and on stop, on pause; a
   * page that ends sooner has it written by a timer at the end of the interval): a crash
   * redelivers at most that much, which at-least-once allows, and a fast sink does not pay one
   * database write per event — nor, live, one per page of a few events. Default 200 ms.
   */
  checkpointIntervalMs?: number;
  logger?: RelayLogger;
  observer?: RelayObserver;
}

interface Runtime extends DeliveryState {
  filter: SinkFilter;
  held: boolean;
  subscription?: Subscription;
  /** Position of the last event acknowledged (in memory) and the one last written to the checkpoint. */
  delivered: string;
  flushed: string;
  lastFlush: number;
  flushing?: Promise<void>;
  /** A checkpoint write due at the end of the current interval (set when a page ended early). */
  flushTimer?: NodeJS.Timeout;
  removed?: boolean;
}

const silent: RelayLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * The one relay mechanism: every sink reads the log in position order from its own checkpoint
 * (`cl_checkpoints`, beside the projections'), gets one event at a time, and its checkpoint moves
 * only past events it acknowledged. A failed delivery is retried — the same event, with capped
 * exponential back-off and jitter — and the events after it wait: never skipped, never reordered.
 * Each sink runs on its own subscription, so a failing one holds no other back. With several
 * processes, an advisory lock per sink lets exactly one deliver for it; another takes over within
 * `leadershipIntervalMs` when the holder dies, from the checkpoint.
 */
export class RelayEngine {
  private readonly runtimes = new Map<string, Runtime>();
  private readonly leadership: Leadership;
  private readonly logger: RelayLogger;
  private readonly delivery: DeliveryOptions<Runtime>;
  private readonly interval: number;
  private readonly batchSize: number;
  private readonly chunkSize: number;
  private readonly checkpointInterval: number;
  private running = false;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;

  constructor(private readonly options: RelayEngineOptions) {
    this.leadership = options.leadership ?? defaultLeadership(options.db, RELAY_LOCK_CLASS);
    this.logger = options.logger ?? silent;
    this.delivery = {
      retry: options.retry ?? DEFAULT_RETRY,
      random: options.random ?? Math.random,
      logger: this.logger,
      observer: options.observer,
      onPaused: (rt) => void this.stopRunner(rt),
    };
    this.interval = options.leadershipIntervalMs ?? 2_000;
    this.batchSize = options.batchSize ?? 500;
    this.chunkSize = options.chunkSize ?? this.batchSize;
    this.checkpointInterval = options.checkpointIntervalMs ?? 200;
  }

  names(): string[] {
    return [...this.runtimes.keys()];
  }

  has(name: string): boolean {
    return this.runtimes.has(name);
  }

  /** True when this process delivers (`start` was called). */
  get started(): boolean {
    return this.running;
  }

  /**
   * Registers a sink (replacing one of the same name, which is stopped and closed first). It
   * runs here once the engine is started and this process holds its lock.
   */
  async add(sink: RelaySink, filter: SinkFilter = {}): Promise<void> {
    if (this.runtimes.has(sink.name)) await this.remove(sink.name, { release: false });
    const rt: Runtime = { sink, filter, held: false, generation: 0, delivered: '0', flushed: '0', lastFlush: 0, failures: 0 };
    this.runtimes.set(sink.name, rt);
    if (this.running) void this.tick();
  }

  /** Stops delivering for a sink, gives up its lock and closes it. */
  async remove(name: string, { release = true } = {}): Promise<void> {
    const rt = this.runtimes.get(name);
    if (!rt) return;
    rt.removed = true;
    this.runtimes.delete(name);
    await this.stopRunner(rt);
    if (rt.held && release) await this.leadership.release(name).catch(() => undefined);
    rt.held = rt.held && !release;
    await rt.sink.close().catch((error: unknown) => this.logger.warn(`relay ${name}: closing failed: ${(error as Error).message}`));
  }

  /** Delivers here from now on (for the sinks whose lock this process gets). */
  async start(): Promise<void> {
    this.running = true;
    await this.tick();
  }

  /** Stops every sink after the delivery in flight, writes their checkpoints, releases the locks. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
    for (const name of [...this.runtimes.keys()]) await this.remove(name);
    await this.leadership.close();
  }

  /**
   * Reads the sink's checkpoint again and resumes from it (a replay moved it back). A process
   * that does not hold the sink does nothing: the holder sees the moved checkpoint by itself.
   */
  async restart(name: string): Promise<void> {
    const rt = this.runtimes.get(name);
    if (!rt || !rt.subscription) return;
    await this.stopRunner(rt, { flush: false });
    if (this.running && rt.held && !rt.removed) await this.startRunner(rt);
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => void this.tick(), this.interval);
    this.timer.unref?.();
  }

  private tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      try {
        if (!(await this.leadership.check())) {
          this.logger.warn('lost the relay locks (connection dropped): stopping to let another process take over');
          for (const rt of this.runtimes.values()) {
            await this.stopRunner(rt, { flush: false });
            rt.held = false;
          }
        }
        for (const rt of [...this.runtimes.values()]) {
          if (!this.running || rt.removed) continue;
          if (!rt.held) {
            rt.held = await this.leadership.acquire(rt.sink.name);
            if (rt.held) this.logger.log(`relay ${rt.sink.name}: leader here`);
          }
          if (!rt.held || rt.paused) continue;
          if (!rt.subscription) await this.startRunner(rt);
          else await this.checkMoved(rt);
        }
      } catch (error) {
        this.logger.warn(`relay leadership pass failed: ${(error as Error).message}`);
      } finally {
        this.ticking = undefined;
        this.schedule();
      }
    })();
    return this.ticking;
  }

  /** A replay from another process moved the checkpoint while this one was idle: resume from it. */
  private async checkMoved(rt: Runtime): Promise<void> {
    if (rt.flushing) return;
    const flushed = rt.flushed;
    const stored = await readCheckpoint(this.options.db, rt.sink.name);
    if (rt.flushing || rt.flushed !== flushed || stored === flushed) return;
    this.logger.log(`relay ${rt.sink.name}: checkpoint moved to ${stored} elsewhere (replay): resuming from it`);
    await this.restart(rt.sink.name);
  }

  private async startRunner(rt: Runtime): Promise<void> {
    const generation = ++rt.generation;
    const checkpoint = await readCheckpoint(this.options.db, rt.sink.name);
    if (generation !== rt.generation || rt.removed) return;
    rt.delivered = rt.flushed = checkpoint;
    rt.lastFlush = Date.now();
    rt.failures = 0;
    rt.lastError = undefined;
    rt.abort = new AbortController();
    rt.subscription = this.options.store.subscribe({
      after: checkpoint,
      batchSize: this.batchSize,
      types: rt.filter.types,
      streamPrefix: rt.filter.streamPrefix,
      handler: (events) => this.handle(rt, generation, events),
      onError: (error) => {
        if (error instanceof Aborted) return;
        rt.lastError = (error as Error).message ?? String(error);
        this.logger.error(`relay ${rt.sink.name}: reading the log failed: ${rt.lastError}`);
      },
    });
  }

  private async stopRunner(rt: Runtime, { flush = true } = {}): Promise<void> {
    rt.generation++;
    rt.abort?.abort();
    if (rt.flushTimer) clearTimeout(rt.flushTimer);
    rt.flushTimer = undefined;
    const subscription = rt.subscription;
    rt.subscription = undefined;
    await subscription?.stop();
    await rt.flushing;
    if (flush && comparePositions(rt.delivered, rt.flushed) > 0) await this.writeCheckpoint(rt).catch(() => undefined);
  }

  private async handle(rt: Runtime, generation: number, events: StoredEvent[]): Promise<void> {
    // A sink that takes batches gets the page in chunks (one confirm round-trip per chunk);
    // the others one event at a time.
    const chunk = rt.sink.deliverBatch ? this.chunkSize : 1;
    for (let i = 0; i < events.length; i += chunk) {
      if (generation !== rt.generation) throw new Aborted();
      const some = events.slice(i, i + chunk);
      if (!(await deliverUntilAcknowledged(this.delivery, rt, generation, some))) throw new Aborted();
      rt.delivered = some[some.length - 1]!.position;
      if (Date.now() - rt.lastFlush >= this.checkpointInterval) await this.flush(rt, generation);
    }
    if (Date.now() - rt.lastFlush >= this.checkpointInterval) await this.flush(rt, generation);
    else this.flushLater(rt, generation);
  }

  /** Writes the checkpoint at the end of the current interval, unless a flush comes first. */
  private flushLater(rt: Runtime, generation: number): void {
    if (rt.flushTimer || comparePositions(rt.delivered, rt.flushed) <= 0) return;
    rt.flushTimer = setTimeout(
      () => {
        rt.flushTimer = undefined;
        this.flush(rt, generation).catch(() => undefined);
      },
      Math.max(0, rt.lastFlush + this.checkpointInterval - Date.now()),
    );
    rt.flushTimer.unref?.();
  }

  private async flush(rt: Runtime, generation: number): Promise<void> {
    // One write at a time: two with the same `from` would make the second fail its compare-and-swap.
    while (rt.flushing) await rt.flushing;
    if (generation !== rt.generation || comparePositions(rt.delivered, rt.flushed) <= 0) return;
    try {
      await this.writeCheckpoint(rt);
    } catch (error) {
      if (error instanceof CheckpointMovedError) {
        // A replay moved it: start over from where it now is.
        this.logger.log(`relay ${rt.sink.name}: checkpoint moved elsewhere (replay): resuming from it`);
        void this.restart(rt.sink.name);
        throw new Aborted();
      }
      // The database is away: the next flush writes the position; the acknowledged events may
      // be delivered again after a crash meanwhile, which receivers de-duplicate.
      this.logger.warn(`relay ${rt.sink.name}: writing the checkpoint failed: ${(error as Error).message}`);
    }
  }

  private writeCheckpoint(rt: Runtime): Promise<void> {
    const run = (async () => {
      const from = rt.flushed;
      const to = rt.delivered;
      await advanceCheckpoint(this.options.db, rt.sink.name, from, to);
      rt.flushed = to;
      rt.lastFlush = Date.now();
    })();
    rt.flushing = run.catch(() => undefined).finally(() => {
      if (rt.flushing === tracked) rt.flushing = undefined;
    });
    const tracked = rt.flushing;
    return run;
  }

  /** Checkpoint, lag and state of every registered sink. */
  async status(): Promise<RelaySinkStatus[]> {
    const out: RelaySinkStatus[] = [];
    for (const rt of this.runtimes.values()) out.push(await this.statusOf(rt));
    return out;
  }

  async statusOne(name: string): Promise<RelaySinkStatus | undefined> {
    const rt = this.runtimes.get(name);
    return rt ? this.statusOf(rt) : undefined;
  }

  private async statusOf(rt: Runtime): Promise<RelaySinkStatus> {
    const name = rt.sink.name;
    const lag = await relayLag(this.options.store, this.options.db, name, rt.filter);
    const status: RelaySinkState = !this.running
      ? 'stopped'
      : !rt.held
        ? 'standby'
        : rt.paused
          ? 'paused'
          : rt.failures > 0
            ? 'retrying'
            : 'running';
    return {
      name,
      status,
      leader: rt.held,
      ...lag,
      failures: rt.failures,
      ...(rt.lastError ? { lastError: rt.lastError } : {}),
    };
  }

  /** Resolves true once the sink's checkpoint reached `position`, false after `timeoutMs`. */
  async waitFor(name: string, position: string, timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (comparePositions(await readCheckpoint(this.options.db, name), position) >= 0) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, 25));
    }
  }
}
