import type { SqlExecutor } from '../types.js';

/**
 * The thin driver seam under everything SQL in the service (events, read models, checkpoints,
 * idempotency keys). Two implementations: PostgreSQL through `pg` and PGlite in-process.
 * Both return int8 as JS numbers, numeric as decimal strings, timestamptz as Date, jsonb parsed.
 */
export interface SqlDatabase extends SqlExecutor {
  readonly dialect: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction (READ COMMITTED); commits on resolve, rolls back on throw. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  /**
   * LISTEN on a channel. Notifications are only wake-ups: they may be lost on reconnect, so
   * readers must treat the tables as the source of truth. Returns an unlisten function.
   */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  /** NOTIFY outside any transaction. */
  notify(channel: string, payload?: string): Promise<void>;
  close(): Promise<void>;
}

export type { SqlExecutor };
