import type { EventStore } from '@libs/event-store';
import { readCheckpoint, type SqlDatabase } from '@libs/sql';
import { LAG_COUNT_CAP } from '@libs/projections';
import type { SinkFilter } from './sink.js';

/**
 * `running`: this process delivers for the sink and its last delivery succeeded (or none was
 * needed); `retrying`: its last attempt failed and it waits to retry the same event; `paused`: the
 * sink asked not to be attempted again (a `failing` webhook); `standby`: another process holds it;
 * `stopped`: the relays do not run in this process.
 */
export type RelaySinkState = 'running' | 'retrying' | 'paused' | 'standby' | 'stopped';

export interface RelaySinkStatus {
  name: string;
  status: RelaySinkState;
  /** This process holds the sink's leadership (it delivers). */
  leader: boolean;
  /** Position of the last event the sink acknowledged, as checkpointed. */
  checkpoint: string;
  /** Events for the sink after its checkpoint, counted up to {@link LAG_COUNT_CAP}. */
  lagEvents: number;
  lagCapped: boolean;
  /** Seconds since the oldest event not yet acknowledged was recorded (0 when up to date). */
  lagSeconds: number;
  /** Failed attempts in a row on the current event (0 when the last one succeeded). */
  failures: number;
  lastError?: string;
}

/** A sink's checkpoint and how far behind it is, read from the database (whichever process delivers). */
export async function relayLag(
  store: EventStore,
  db: SqlDatabase,
  name: string,
  filter: SinkFilter = {},
): Promise<{ checkpoint: string; lagEvents: number; lagCapped: boolean; lagSeconds: number }> {
  const checkpoint = await readCheckpoint(db, name);
  const behind = await store.readAll({ after: checkpoint, limit: LAG_COUNT_CAP, types: filter.types, streamPrefix: filter.streamPrefix });
  const oldest = behind.events[0]?.metadata?.recordedAt;
  return {
    checkpoint,
    lagEvents: behind.events.length,
    lagCapped: behind.events.length >= LAG_COUNT_CAP,
    lagSeconds: oldest ? Math.max(0, (Date.now() - Date.parse(oldest)) / 1000) : 0,
  };
}
