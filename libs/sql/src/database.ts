/** Minimal SQL surface: what a statement needs, inside a transaction or not (e.g. a subscription handler's). */
export interface SqlExecutor {
  /**
   * Runs one statement. `options.name` makes it a named prepared statement on PostgreSQL (parsed
   * and planned once per connection): only for hot statements whose text never changes.
   */
  query<R = Record<string, unknown>>(sql: string, params?: unknown[], options?: { name?: string }): Promise<{ rows: R[]; rowCount: number }>;
}

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
  /** In-process databases only (PGlite): bytes of the WASM heap the database runs in. */
  embeddedMemoryBytes?(): number | undefined;
  close(): Promise<void>;
}

