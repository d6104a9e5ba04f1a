import type pg from 'pg';
import type { SqlDatabase } from '@libs/sql';

/**
 * Who may run a projection. At most one process at a time holds each projection; the others
 * stand by and take over when the holder dies.
 */
export interface Leadership {
  /** Tries to become (or confirms being) the holder of `name`. Never blocks. */
  acquire(name: string): Promise<boolean>;
  release(name: string): Promise<void>;
  /** False when the locks were lost since the last call (the lock connection died): stop everything. */
  check(): Promise<boolean>;
  close(): Promise<void>;
}

/** First key of the projection advisory locks (two-int form, its own key space beside the store's). */
export const PROJECTION_LOCK_CLASS = 0x434c0002;

/**
 * PostgreSQL session advisory locks, one per projection, all held on one dedicated connection
 * taken from the pool. When the holding process dies, the server ends its session and frees the
 * locks at once; the standby processes' next `acquire` (every couple of seconds) takes over.
 */
class AdvisoryLockLeadership implements Leadership {
  private client?: pg.PoolClient;
  private broken = false;
  private readonly held = new Set<string>();

  /** `lockClass`: the first key of the locks (the relays hold theirs in a key space of their own). */
  constructor(
    private readonly pool: pg.Pool,
    private readonly lockClass: number = PROJECTION_LOCK_CLASS,
  ) {}

  private async connection(): Promise<pg.PoolClient> {
    if (this.client && !this.broken) return this.client;
    this.drop();
    const client = await this.pool.connect();
    client.on('error', () => {
      this.broken = true;
    });
    this.client = client;
    this.broken = false;
    return client;
  }

  private drop(): void {
    if (this.client) this.client.release(true);
    this.client = undefined;
    this.held.clear();
  }

  async acquire(name: string): Promise<boolean> {
    if (this.held.has(name) && !this.broken) return true;
    const client = await this.connection();
    const { rows } = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [this.lockClass, name]);
    if (rows[0]?.ok) this.held.add(name);
    return rows[0]?.ok === true;
  }

  async release(name: string): Promise<void> {
    if (!this.held.delete(name) || !this.client || this.broken) return;
    await this.client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [this.lockClass, name]).catch(() => undefined);
  }

  async check(): Promise<boolean> {
    if (!this.client) return true;
    if (!this.broken) {
      try {
        await this.client.query('SELECT 1');
        return true;
      } catch {
        this.broken = true;
      }
    }
    const hadLocks = this.held.size > 0;
    this.drop();
    return !hadLocks;
  }

  async close(): Promise<void> {
    if (this.client && !this.broken) await this.client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
    if (this.client) this.client.release(this.broken);
    this.client = undefined;
    this.held.clear();
  }
}

/** PGlite lives in one process: that process holds every projection. */
class LocalLeadership implements Leadership {
  async acquire(): Promise<boolean> {
    return true;
  }
  async release(): Promise<void> {}
  async check(): Promise<boolean> {
    return true;
  }
  async close(): Promise<void> {}
}

/** Advisory locks on PostgreSQL, trivially held on PGlite. */
export function defaultLeadership(db: SqlDatabase, lockClass: number = PROJECTION_LOCK_CLASS): Leadership {
  const pool = (db as { pool?: pg.Pool }).pool;
  return db.dialect === 'postgres' && pool ? new AdvisoryLockLeadership(pool, lockClass) : new LocalLeadership();
}
