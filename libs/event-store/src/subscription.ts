import { advanceCheckpoint, readCheckpoint, type SqlDatabase, type SqlExecutor } from '@libs/sql';
import { PositionWaiters } from './position-waiters.js';
import { comparePositions, START_POSITION } from './position.js';
import type { ReadAllOptions, ReadAllResult, Subscription, SubscribeOptions } from './types.js';

/** What a polling subscription needs from a backend. */
export interface SubscriptionSource {
  readAll(options: ReadAllOptions): Promise<ReadAllResult>;
  /** Registers a wake-up callback (new events may be visible); returns an unregister function. */
  onWake(listener: () => void): () => void;
  /**
   * True when committed events exist that readers cannot see yet because an older transaction
   * is still open (the gap-free horizon). Nobody will notify when that transaction ends, so the
   * subscription polls briefly until the horizon passes.
   */
  heldBack(after: string): Promise<boolean>;
}

/** Safety net for lost notifications only; live delivery comes from wake-ups. */
const IDLE_RECHECK_MS = 5_000;
const HELD_BACK_RECHECK_MS = 50;
const MAX_ERROR_BACKOFF_MS = 5_000;

/**
 * Catch-up-then-live subscription over a {@link SubscriptionSource}: pages through the log in
 * position order, hands each batch to the handler (awaited: backpressure), advances the
 * checkpoint in the handler's transaction, then sleeps until woken.
 */
export class PollingSubscription implements Subscription {
  readonly name?: string;
  private current: string;
  private running = true;
  private wakeTimer?: NodeJS.Timeout;
  private wakeResolve?: () => void;
  private woken = false;
  private readonly done: Promise<void>;
  private readonly waiters = new PositionWaiters();
  private readonly unregister: () => void;

  constructor(
    private readonly source: SubscriptionSource,
    private readonly db: SqlDatabase | undefined,
    private readonly options: SubscribeOptions,
  ) {
    this.name = options.name;
    this.current = options.after ?? START_POSITION;
    if (options.name && !db) throw new Error('a named subscription needs a database for its checkpoint');
    this.unregister = source.onWake(() => this.wake());
    this.done = this.run();
  }

  position(): string {
    return this.current;
  }

  async waitFor(position: string, timeoutMs = 5_000): Promise<boolean> {
    if (comparePositions(this.current, position) >= 0) return true;
    const reached = this.waiters.wait(this.current, position, timeoutMs);
    this.wake();
    return reached;
  }


  async stop(): Promise<void> {
    this.running = false;
    this.unregister();
    this.wake();
    await this.done;
    this.waiters.cancelAll();
  }

  private wake(): void {
    this.woken = true;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeResolve?.();
  }

  private sleep(ms: number): Promise<void> {
    if (this.woken || !this.running) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.wakeResolve = resolve;
      this.wakeTimer = setTimeout(resolve, ms);
    }).finally(() => {
      this.wakeResolve = undefined;
    });
  }

  private setPosition(position: string): void {
    this.current = position;
    this.waiters.reached(position);
  }

  private async run(): Promise<void> {
    const { name, handler, batchSize = 500, types, streamPrefix } = this.options;
    let failures = 0;
    let loaded = !name;
    while (this.running) {
      try {
        if (!loaded) {
          this.setPosition(await readCheckpoint(this.db!, name!));
          loaded = true;
        }
        this.woken = false;
        const page = await this.source.readAll({ after: this.current, limit: batchSize, types, streamPrefix });
        if (failures > 0 && page.events.length === 0 && comparePositions(page.last, this.current) <= 0) {
          failures = 0;
          this.options.onRecovered?.();
        }
        const moved = comparePositions(page.last, this.current) > 0;
        if (page.events.length > 0 || moved) {
          const from = this.current;
          if (name) {
            await this.db!.transaction(async (tx) => {
              if (page.events.length > 0) await handler(page.events, tx);
              await advanceCheckpoint(tx, name, from, page.last);
            });
          } else if (page.events.length > 0) {
            await handler(page.events, this.db ?? noTransaction);
          }
          this.setPosition(page.last);
          if (failures > 0) this.options.onRecovered?.();
          failures = 0;
          // The cursor moved: there may be more right behind it — unless the read itself said it
          // was caught up; then, as after an empty read, only a wake-up (an append since the read
          // began sets `woken`) or the idle recheck brings more.
          if (page.caughtUp !== true) continue;
          if (!this.running) break;
          if (this.woken) continue;
          await this.sleep(IDLE_RECHECK_MS);
          continue;
        }
        if (!this.running) break;
        if (this.woken) continue;
        const heldBack = page.caughtUp === undefined ? await this.source.heldBack(this.current) : !page.caughtUp;
        await this.sleep(heldBack ? HELD_BACK_RECHECK_MS : IDLE_RECHECK_MS);
      } catch (error) {
        if (!this.running) break;
        failures++;
        // Another worker moved the checkpoint, or the handler failed: reload and retry the batch.
        loaded = !name;
        this.options.onError?.(error);
        await this.sleep(Math.min(MAX_ERROR_BACKOFF_MS, 100 * 2 ** Math.min(failures, 6)));
        this.woken = false;
      }
    }
  }
}

const noTransaction: SqlExecutor = {
  async query() {
    throw new Error('this subscription has no database: its handler cannot run SQL');
  },
};
