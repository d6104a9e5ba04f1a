import { PGlite, type Results } from '@electric-sql/pglite';
import type { SqlDatabase, SqlExecutor } from './database.js';

/** Same rowCount as `pg`: rows returned when the statement returns rows, rows affected otherwise. */
function toResult<R>(result: Results<R>): { rows: R[]; rowCount: number } {
  return { rows: result.rows, rowCount: result.fields.length > 0 ? result.rows.length : (result.affectedRows ?? 0) };
}

/** {@link SqlDatabase} over an in-process PGlite instance (one session; transactions serialised). */
export class PgliteDatabase implements SqlDatabase {
  readonly dialect = 'pglite' as const;
  private closed = false;

  private constructor(readonly db: PGlite) {}

  /**
   * Opens (creating if needed) a PGlite database. `dataDir` undefined = in memory.
   * A fresh directory takes a few seconds (initdb); an existing one reopens in under a second.
   */
  static async open(dataDir?: string): Promise<PgliteDatabase> {
    const db = dataDir ? new PGlite(dataDir) : new PGlite();
    await db.waitReady;
    return new PgliteDatabase(db);
  }

  async query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number }> {
    return toResult(await this.db.query<R>(sql, params as unknown[]));
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.db.transaction(async (t) => {
      const tx: SqlExecutor = {
        async query<R>(sql: string, params?: unknown[]) {
          return toResult(await t.query<R>(sql, params as unknown[]));
        },
      };
      return fn(tx);
    });
  }

  async listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>> {
    const unlisten = await this.db.listen(channel, onNotify);
    return async () => {
      await unlisten();
    };
  }

  async notify(channel: string, payload = ''): Promise<void> {
    await this.db.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.close();
  }
}
