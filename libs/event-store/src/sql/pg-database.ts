import pg from 'pg';
import type { SqlDatabase, SqlExecutor } from './database.js';

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
}

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
    });
    // An idle client dying (server restart) must not crash the process; the pool replaces it.
    this.pool.on('error', () => undefined);
  }

  async query<R = Record<string, unknown>>(sql: string, params?: unknown[], options?: { name?: string }): Promise<{ rows: R[]; rowCount: number }> {
    const result = await this.pool.query({ text: sql, values: params as unknown[], name: options?.name });
    return { rows: result.rows as R[], rowCount: result.rowCount ?? 0 };
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
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
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
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
    const client = new pg.Client({ connectionString: this.options.connectionString, types: typeParsers });
    client.on('notification', (msg) => {
      for (const fn of this.listeners.get(msg.channel) ?? []) fn(msg.payload ?? '');
    });
    client.on('error', () => {
      // Reconnect and re-LISTEN; missed notifications are harmless (readers poll on wake-up
      // and on a slow timer), so wake everyone once to cover the gap.
      this.listenClient = undefined;
      void client.end().catch(() => undefined);
      if (this.closed) return;
      setTimeout(() => void this.relisten(), 500).unref();
    });
    await client.connect();
    this.listenClient = client;
    return client;
  }

  private async relisten(): Promise<void> {
    if (this.closed) return;
    try {
      const client = await this.ensureListenClient();
      for (const channel of this.listeners.keys()) await client.query(`LISTEN ${channel}`);
      for (const set of this.listeners.values()) for (const fn of set) fn('');
    } catch {
      setTimeout(() => void this.relisten(), 1000).unref();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.listenClient?.end().catch(() => undefined);
    await this.pool.end();
  }
}

function assertChannel(channel: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) throw new Error(`invalid channel name ${channel}`);
}
