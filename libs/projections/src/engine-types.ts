import type { EventStore, SharedReader, Subscription } from '@libs/event-store';
import type { SqlDatabase } from '@libs/sql';
import type { Leadership } from './leadership.js';
import type { Projection } from './projection.js';

/**
 * `running`: this process holds the projection and it is up to date or catching up;
 * `rebuilding`: a rebuild fills its side tables (the old rows are still served);
 * `failed`: its last batch failed (it retries with back-off); `standby`: another process holds
 * it; `stopped`: not started here.
 */
export type ProjectionState = 'running' | 'rebuilding' | 'stopped' | 'failed' | 'standby';

export interface ProjectionStatus {
  name: string;
  status: ProjectionState;
  /** This process holds the projection's leadership. */
  leader: boolean;
  /** Position of the last event applied (the subscription's checkpoint). */
  checkpoint: string;
  /** Latest business time applied. */
  asOf: string | null;
  /** Events of the projection's types after the checkpoint, counted up to {@link LAG_COUNT_CAP}. */
  lagEvents: number;
  /** True when there are more than `lagEvents` events behind. */
  lagCapped: boolean;
  /** Seconds since the oldest event not yet applied was recorded (0 when up to date). */
  lagSeconds: number;
  lastError?: string;
  rebuild?: { processed: number; position: string; head: string; startedAt: string };
}

export interface RebuildProgress {
  name: string;
  /** Events applied to the side tables so far. */
  processed: number;
  position: string;
  /** Head of the log when the rebuild started: the rebuild swaps once it is past it. */
  head: string;
}

export interface EngineLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ProjectionEngineOptions {
  store: EventStore;
  db: SqlDatabase;
  /** Projections this engine may run; default all. */
  projections?: readonly Projection[];
  /** Events per transaction; default 1,000. */
  batchSize?: number;
  /** How often standby processes try to take over and holders check their locks; default 2 s. */
  leadershipIntervalMs?: number;
  leadership?: Leadership;
  logger?: EngineLogger;
  /**
   * The live path: one reader of new events shared by every projection run here (and whatever
   * else joins it, e.g. the policies). Default: one of the engine's own, stopped with it.
   */
  reader?: SharedReader;
  /**
   * Under a burst of writes, the live reader starts a page at most this often (default 100 ms):
   * fewer, bigger batches, each costing every projection one transaction instead of one per
   * event. On PGlite, where the projections share the one session with the commands, this more
   * than doubled the commands/s at 16 connections (BENCHMARKS.md "HTTP commands").
   */
  livePageIntervalMs?: number;
}

/** Counting lag stops here: status stays cheap however far behind a projection is. */
export const LAG_COUNT_CAP = 10_000;

// The checkpoint names of a projection's live subscription and of its rebuild: the swap moves
// the second onto the first, so both sides of the engine must spell them the same.
export const liveName = (name: string) => `projection:${name}`;
export const rebuildName = (name: string) => `projection:${name}:rebuild`;

/** What the engine knows of one projection in this process (internal to the engine and its rebuild). */
export interface Runtime {
  projection: Projection;
  wanted: boolean;
  held: boolean;
  live?: Subscription;
  failed?: string;
  rebuilding?: Promise<void>;
  rebuild?: ProjectionStatus['rebuild'];
  abortRebuild?: boolean;
}
