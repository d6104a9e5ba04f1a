import { advanceCheckpoint, readCheckpoint, type SqlDatabase, type SqlExecutor } from '@libs/sql';
import { PositionWaiters } from './position-waiters.js';
import { comparePositions, START_POSITION } from './position.js';
import type { EventStore, StoredEvent, SubscribeOptions, Subscription } from './types.js';

const CATCH_UP_RECHECK_MS = 50;
const MAX_ERROR_BACKOFF_MS = 5_000;

/** Back-off after the n-th consecutive failure: 100 ms doubling, at most 5 s. */
export function errorBackoffMs(failures: number): number {
  return Math.min(MAX_ERROR_BACKOFF_MS, 100 * 2 ** Math.min(failures, 6));
}

/**
 * What a member needs of the {@link SharedReader} serving it: the reader's side of joining and
 * leaving the shared path, and the store and database it reads alone with while it catches up.
 */
export interface MemberHost {
  readonly store: EventStore;
  readonly db: SqlDatabase | undefined;
  /** A member that has reached the shared cursor joins the shared path (true) or reads on alone. */
  tryJoin(member: Member): boolean;
  leave(member: Member): void;
  /** Resolves once the shared reader runs (or is stopped). */
  whenReady(): Promise<void>;
}

/** One subscription served by a {@link SharedReader}. */
export class Member implements Subscription {
  readonly name?: string;
  joined = false;
  private current: string;
  private running = true;
  private loaded: boolean;
  private failures = 0;
  private readonly types?: ReadonlySet<string>;
  private readonly inflight = new Set<Promise<void>>();
  private catchingUp = false;
  private wakeTimer?: NodeJS.Timeout;
  private wakeResolve?: () => void;
  private readonly waiters = new PositionWaiters();

  constructor(
    private readonly reader: MemberHost,
    readonly options: SubscribeOptions,
  ) {
    this.name = options.name;
    this.current = options.after ?? START_POSITION;
    this.loaded = !options.name;
    this.types = options.types && options.types.length > 0 ? new Set(options.types) : undefined;
  }

  position(): string {
    return this.current;
  }

  wants(e: StoredEvent): boolean {
    return (!this.types || this.types.has(e.type)) && (!this.options.streamPrefix || e.streamId.startsWith(this.options.streamPrefix));
  }

  async waitFor(position: string, timeoutMs = 5_000): Promise<boolean> {
    return this.waiters.wait(this.current, position, timeoutMs);
  }


  async stop(): Promise<void> {
    this.running = false;
    this.joined = false;
    this.reader.leave(this);
    this.wake();
    while (this.inflight.size > 0) await Promise.all([...this.inflight].map((p) => p.catch(() => undefined)));
    this.waiters.cancelAll();
  }

  /** @internal The checkpoint was moved to `to` outside {@link apply} (grouped with others). */
  advanced(to: string): void {
    this.setPosition(to);
    this.recovered();
  }

  /** Applies the member's share of a shared page; a failure takes it off the shared path. */
  deliver(events: StoredEvent[], last: string): Promise<void> {
    return this.track(async () => {
      try {
        const size = Math.max(1, this.options.batchSize ?? 500);
        if (events.length === 0) await this.apply([], last);
        for (let i = 0; i < events.length && this.running; i += size) {
          const chunk = events.slice(i, i + size);
          await this.apply(chunk, i + size >= events.length ? last : chunk[chunk.length - 1]!.position);
        }
      } catch (error) {
        this.joined = false;
        this.fail(error);
      }
    });
  }

  /** Starts catching up alone (from the checkpoint) after `delayMs`, unless already doing so. */
  startCatchUp(delayMs: number): void {
    if (this.catchingUp || !this.running) return;
    this.catchingUp = true;
    void this.track(async () => {
      try {
        if (delayMs > 0) await this.sleep(delayMs);
        await this.catchUp();
      } finally {
        this.catchingUp = false;
      }
    });
  }

  private fail(error: unknown): void {
    this.failures++;
    // Another worker may have moved the checkpoint, or the handler failed: reload and retry.
    this.loaded = !this.name;
    this.options.onError?.(error);
    this.startCatchUp(errorBackoffMs(this.failures));
  }

  private recovered(): void {
    if (this.failures === 0) return;
    this.failures = 0;
    this.options.onRecovered?.();
  }

  private async catchUp(): Promise<void> {
    const { store } = this.reader;
    while (this.running && !this.joined) {
      try {
        if (!this.loaded) {
          this.setPosition(await readCheckpoint(this.reader.db!, this.name!));
          this.loaded = true;
        }
        if (this.reader.tryJoin(this)) {
          this.recovered();
          return;
        }
        const page = await store.readAll({ after: this.current, limit: this.options.batchSize ?? 500, types: this.options.types, streamPrefix: this.options.streamPrefix });
        if (!this.running) return;
        const moved = comparePositions(page.last, this.current) > 0;
        if (moved || page.events.length > 0) {
          await this.apply(page.events, page.last);
          this.recovered();
        } else {
          this.recovered();
          // Nothing more to read alone: wait for the shared reader to run, or for the
          // horizon (an open transaction) to pass the cursor.
          await Promise.race([this.reader.whenReady(), this.sleep(CATCH_UP_RECHECK_MS)]);
          if (this.reader.tryJoin(this)) return;
          await this.sleep(CATCH_UP_RECHECK_MS);
        }
      } catch (error) {
        if (!this.running) return;
        this.failures++;
        this.loaded = !this.name;
        this.options.onError?.(error);
        await this.sleep(errorBackoffMs(this.failures));
      }
    }
  }

  /** The handler and the checkpoint, in one transaction for a named member (as a subscription of its own). */
  private async apply(events: StoredEvent[], to: string): Promise<void> {
    if (!this.running) return;
    const from = this.current;
    if (comparePositions(to, from) <= 0) return;
    const { db } = this.reader;
    if (this.name) {
      await db!.transaction(async (tx) => {
        if (events.length > 0) await this.options.handler(events, tx);
        await advanceCheckpoint(tx, this.name!, from, to);
      });
    } else if (events.length > 0) {
      await this.options.handler(events, db ?? noTransaction);
    }
    this.setPosition(to);
  }

  private setPosition(position: string): void {
    this.current = position;
    this.waiters.reached(position);
  }

  /** @internal Makes `stop` wait for work on this member done by the reader. */
  hold(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
  }

  private track(fn: () => Promise<void>): Promise<void> {
    const p = fn();
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  private wake(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeResolve?.();
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.wakeResolve = resolve;
      this.wakeTimer = setTimeout(resolve, ms);
      this.wakeTimer.unref?.();
    }).finally(() => {
      this.wakeResolve = undefined;
    });
  }
}

const noTransaction: SqlExecutor = {
  async query() {
    throw new Error('this subscription has no database: its handler cannot run SQL');
  },
};
