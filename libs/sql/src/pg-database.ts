import pg from 'pg';
import type { SqlDatabase, SqlExecutor } from './database.js';
import { isDatabaseUnavailable } from './unavailable.js';

const INT8_OID = 20;

/** int8 as a JS number, like PGlite; refuses silently-lossy values instead of rounding them. */
function parseInt8(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new RangeError(`int8 ${value} exceeds Number.MAX_SAFE_INTEGER`);
  return n;
}

const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === INT8_OID && format !== 'binary') return parseInt8;
    return pg.types.getTypeParser(oid, format as 'text');
  },
};

export interface PgDatabaseOptions {
  connectionString: string;
  /** Pool size; default 10. */
  max?: number;
  applicationName?: string;
  /** Longest wait for a connection (new, or a free one of the pool); default 5,000 ms. */
  connectTimeoutMs?: number;
  /** Longest a query may take before the client gives up on it and its connection; default 30,000 ms. */
  queryTimeoutMs?: number;
}

/** Reconnect back-off of the LISTEN connection: doubles from the first value up to the cap. */
const RELISTEN_FIRST_MS = 250;
const RELISTEN_MAX_MS = 5_000;

/** Keeps a dedicated client's `'error'` event from crashing the process: the pending query fails instead. */
const ignoreClientError = (): void => undefined;

/** {@link SqlDatabase} over a `pg` pool. */
export class PgDatabase implements SqlDatabase {
  readonly dialect = 'postgres' as const;
  readonly pool: pg.Pool;
  private listenClient?: pg.Client;
  private readonly listeners = new Map<string, Set<(payload: string) => void>>();
  private closed = false;

  constructor(private readonly options: PgDatabaseOptions) {
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      application_name: options.applicationName ?? 'client-lifecycle',
      types: typeParsers,
      // A stuck transaction holds back every gap-free reader (pg_snapshot_xmin): cut it off.
      options: '-c idle_in_transaction_session_timeout=60000',
      // Bounded waits: with the server gone (or a black-holed network) a request fails within
      // these instead of hanging, and the HTTP layer answers 503 (issue 12).
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      query_timeout: options.queryTimeoutMs ?? 30_000,
      keepAlive: true,
    });
    // An idle client dying (server restart) must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
    // A checked-out client has no pool listener, and pg can hand a client over and parse the
    // server's "terminating connection" in the same socket read, before the borrower could attach
    // one: every client gets a permanent listener at birth. Its pending query fails instead, and
    // the borrower sees a connection error (issue 12: the process exited on 57P01).
    this.pool.on('connect', (client) => client.on('error', ignoreClientError));
  }

  async query<R = Record<string, unknown>>(sql: string, params?: unknown[], options?: { name?: string }): Promise<{ rows: R[]; rowCount: number }> {
    const result = await this.pool.query({ text: sql, values: params as unknown[], name: options?.name });
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: unknown;
    try {
      await client.query('BEGIN');
      const tx: SqlExecutor = {
        async query<R>(sql: string, params?: unknown[], options?: { name?: string }) {
          const result = await client.query({ text: sql, values: params as unknown[], name: options?.name });
          return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
        },
      };
      const value = await fn(tx);
      await client.query('COMMIT');
      return value;
    } catch (error) {
      // A connection that failed is not given back to the pool; ROLLBACK on it would only wait.
      if (isDatabaseUnavailable(error)) broken = error;
      else await client.query('ROLLBACK').catch((rollback: unknown) => (broken = rollback));
      throw error;
    } finally {
      client.release(broken === undefined ? undefined : broken instanceof Error ? broken : true);
    }
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    assertChannel(channel);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      const client = await this.ensureListenClient();
      await client.query(`LISTEN ${channel}`);
    }
    set.add(onNotify);
    return async () => {
      set.delete(onNotify);
    };
  }

  async notify(channel: string, payload = ''): Promise<void> {
    assertChannel(channel);
    await this.pool.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  private async ensureListenClient(): Promise<pg.Client> {
    if (this.listenClient) return this.listenClient;
    const client = new pg.Client({
      connectionString: this.options.connectionString,
      types: typeParsers,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 5_000,
      keepAlive: true,
    });
    client.on('notification', (msg) => {
      for (const fn of this.listeners.get(msg.channel) ?? []) fn(msg.payload ?? '');
    });
    client.on('error', () => {
      // Reconnect and re-LISTEN; missed notifications are harmless (readers poll on wake-up
      // and on a slow timer), so wake everyone once to cover the gap.
      void client.end().catch(() => undefined);
      if (this.listenClient !== client) return;
      this.listenClient = undefined;
      this.scheduleRelisten(RELISTEN_FIRST_MS);
    });
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    this.listenClient = client;
    return client;
  }

  private relistenTimer?: NodeJS.Timeout;

  private scheduleRelisten(delayMs: number): void {
    if (this.closed || this.relistenTimer) return;
    this.relistenTimer = setTimeout(() => {
      this.relistenTimer = undefined;
      void this.relisten(delayMs);
    }, delayMs);
    this.relistenTimer.unref();
  }

  /** Reconnects the LISTEN connection with capped back-off, then wakes every listener once. */
  private async relisten(lastDelayMs: number): Promise<void> {
    if (this.closed) return;
    try {
      const client = await this.ensureListenClient();
      for (const channel of this.listeners.keys()) await client.query(`LISTEN ${channel}`);
      for (const set of this.listeners.values()) for (const fn of set) fn('');
    } catch {
      const failed = this.listenClient;
      this.listenClient = undefined;
      await failed?.end().catch(() => undefined);
      this.scheduleRelisten(Math.min(RELISTEN_MAX_MS, lastDelayMs * 2));
    }
  }

  /** True while the LISTEN connection is up (or nobody listens): wake-ups arrive. */
  listening(): boolean {
    return this.listeners.size === 0 || this.listenClient !== undefined;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.relistenTimer) clearTimeout(this.relistenTimer);
    await this.listenClient?.end().catch(() => undefined);
    await this.pool.end();
  }
}

function assertChannel(channel: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
}
