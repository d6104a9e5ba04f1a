import { type EventStore, type LiveSubscriber, type StoredEvent, type Subscription } from '@libs/event-store';
import { readCheckpoint, type SqlDatabase } from '@libs/sql';
import type { LifecycleApplication } from './lifecycle-application.js';

/** Checkpoint name of the policies' subscription. */
export const POLICY_SUBSCRIPTION = 'lifecycle-policies';

export interface PolicyRunnerLogger {
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

/**
 * Runs the process managers and keeps the application's indexes (scheduler attention, open
 * cases) from a checkpointed subscription of the log — the durable guarantee behind the inline
 * follow-ups of the write path: after a crash between an append and its follow-ups, the events are
 * read again here and the policies act then.
 *
 * Why the checkpoint is advanced after the batch and not in the handler's transaction: the
 * handler appends to the store, and on PGlite the store shares the single session a transaction
 * would hold. Delivery is therefore at-least-once, which is safe because every policy command
 * carries deterministic ids and `automatedBy` (a repeat decides nothing) and the index writes are
 * upserts.
 */
export class PolicyRunner {
  private subscription?: Subscription;

  constructor(
    private readonly app: LifecycleApplication,
    private readonly store: EventStore,
    private readonly db: SqlDatabase,
    private readonly logger: PolicyRunnerLogger,
    /** Where the live subscription comes from: the store, or a reader shared with the projections. */
    private readonly live: LiveSubscriber = store,
  ) {}

  async start(): Promise<void> {
    const after = await readCheckpoint(this.db, POLICY_SUBSCRIPTION);
    let checkpoint = after;
    this.subscription = this.live.subscribe({
      after,
      batchSize: 200,
      handler: async (events) => {
        await this.handle(events);
        const last = events[events.length - 1]!.position;
        // GREATEST: two service processes may both run this; the checkpoint only moves forward.
        await this.db.query(
          `INSERT INTO cl_checkpoints (name, position, updated_at) VALUES ($1, $2::numeric, now())
           ON CONFLICT (name) DO UPDATE SET position = GREATEST(cl_checkpoints.position, EXCLUDED.position), updated_at = now()`,
          [POLICY_SUBSCRIPTION, last],
        );
        checkpoint = last;
      },
      onError: (error) => this.logger.error(`policy subscription failed after ${checkpoint}; retrying`, error),
    });
  }

  /** Resolves when every event up to `position` has been handled. */
  waitFor(position: string, timeoutMs = 5_000): Promise<boolean> {
    return this.subscription ? this.subscription.waitFor(position, timeoutMs) : Promise.resolve(false);
  }

  position(): string | undefined {
    return this.subscription?.position();
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  private handle(batch: StoredEvent[]): Promise<void> {
    return this.app.catchUp(batch);
  }
}
