import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { setImmediate as macrotask } from 'node:timers/promises';
import { PGlite, type Results } from '@electric-sql/pglite';
import type { SqlDatabase, SqlExecutor } from './database.js';

/** Same rowCount as `pg`: rows returned when the statement returns rows, rows affected otherwise. */
function toResult<R>(result: Results<R>): { rows: R[]; rowCount: number } {
  return { rows: result.rows, rowCount: result.fields.length > 0 ? result.rows.length : (result.affectedRows ?? 0) };
}

/**
 * PGlite's start parameters with smaller buffers. Its WASM heap only grows, and its defaults
 * (shared_buffers 128MB, maintenance_work_mem 64MB, a heap of at least 128 MB that cannot be set
 * lower) put a reopened data directory at ~300 MB RSS before any work; with these, ~160 MB.
 * Measured in BENCHMARKS.md "Embedded default".
 */
const START_PARAMS = [
  ...PGlite.defaultStartParams,
  ...['-c', 'shared_buffers=16MB', '-c', 'work_mem=2MB', '-c', 'maintenance_work_mem=16MB', '-c', 'temp_buffers=2MB', '-c', 'wal_buffers=1MB'],
];

/**
 * Creates the cluster of a fresh directory (initdb) in a short-lived Node process. In process,
 * initdb runs in a WASM instance of its own whose memory (~500 MB) stays in the process until the
 * garbage collector happens to free it, and the WASM heap of the database itself never shrinks:
 * the first start from an empty directory sat at 511 MB RSS idle against 271 MB for every later
 * start. In a child that memory goes when it exits (BENCHMARKS.md "Embedded default").
 */
async function initdbInChild(dataDir: string): Promise<void> {
  const pglite = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const script = `const { PGlite } = require(${JSON.stringify(pglite)});
(async () => { const db = new PGlite(${JSON.stringify(dataDir)}, { startParams: ${JSON.stringify(START_PARAMS)} }); await db.waitReady; await db.close(); })()
  .catch((e) => { process.stderr.write(String(e && e.stack || e)); process.exit(1); });`;
  // NODE_OPTIONS of the parent (a test runner's loader flags, --cpu-prof) have no business in the child.
  const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, NODE_OPTIONS: '' } });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2_000);
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) throw new Error(`PGlite initdb of ${dataDir} failed (exit ${code}): ${stderr.trim()}`);
}

/** {@link SqlDatabase} over an in-process PGlite instance (one session; transactions serialised). */
export class PgliteDatabase implements SqlDatabase {
  readonly dialect = 'pglite' as const;
  private closed = false;

  private constructor(readonly db: PGlite) {}

  /**
   * Opens (creating if needed) a PGlite database. `dataDir` undefined = in memory.
   * A fresh directory takes a few seconds (initdb, in a child process); an existing one reopens
   * in under a second.
   */
  static async open(dataDir?: string): Promise<PgliteDatabase> {
    if (dataDir && !existsSync(join(dataDir, 'PG_VERSION'))) await initdbInChild(dataDir);
    const db = dataDir ? new PGlite(dataDir, { startParams: START_PARAMS }) : new PGlite({ startParams: START_PARAMS });
    await db.waitReady;
    return new PgliteDatabase(db);
  }

  /*
   * Why every statement and transaction first waits for the event loop's check phase: PGlite runs
   * each one synchronously in WASM and hands the next queued one on in a microtask, so a chain of
   * them (the projections catching up with a big store) never let the loop reach its I/O phase —
   * on a 1,000,000-event store the service did not listen, answer or see a SIGTERM for five
   * minutes. Idle, the wait costs microseconds; busy, it lets sockets, timers and signals in.
   */
  async query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[]; rowCount: number }> {
    await macrotask();
    return toResult(await this.db.query<R>(sql, params as unknown[]));
  }

  async transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    await macrotask();
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
    await this.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }

  /**
   * The WASM heap's size: it grows with the biggest statement or batch the database ever ran and
   * never shrinks, so it tells how much of the service's RSS is the database's (the demo load
   * left it at its 128 MB floor). PGlite keeps the module in a protected field; reading its
   * memory's length changes nothing.
   */
  embeddedMemoryBytes(): number | undefined {
    const mod = (this.db as unknown as { mod?: { HEAPU8?: Uint8Array } }).mod;
    return mod?.HEAPU8?.buffer.byteLength;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.close();
  }
}
