import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { EventStoreUnavailableError } from './errors.js';
import { checkpointMigrations, PgDatabase, PgliteDatabase, READ_SIDE_MIGRATIONS_TABLE, runMigrations, type SqlDatabase } from '@libs/sql';
import { SqlEventStore } from './sql/sql-event-store.js';
import type { EventStore } from './types.js';

// Loaded only when selected, so the gRPC client stays out of the embedded default's start-up.
const ESDB_MODULE = './eventstoredb/index.js';

export type EventStoreBackend = 'pglite' | 'postgres' | 'eventstoredb';

export interface EventStoreConfig {
  backend: EventStoreBackend;
  /** PGlite files; undefined = in memory (tests). Used by `pglite`, and by `eventstoredb` without a databaseUrl. */
  dataDir?: string;
  /** PostgreSQL for events (`postgres`) and read models (`postgres`, `eventstoredb`). */
  databaseUrl?: string;
  eventstoreConnectionString?: string;
  /** Pool size for PostgreSQL. */
  poolSize?: number;
  /** PostgreSQL: longest wait for a connection (default 5,000 ms). */
  connectTimeoutMs?: number;
  /** PostgreSQL: longest a query may take (default 30,000 ms). */
  queryTimeoutMs?: number;
  /** PostgreSQL and PGlite: coalesce concurrent appends into one statement and commit (default on; docs/event-store.md). */
  groupCommit?: boolean;
  /** Groups in flight at once with group commit (default 2 on PostgreSQL, 1 on PGlite). */
  groupsInFlight?: number;
  /** Appends waiting before a further group starts while one is in flight (default: a full group, 64). */
  groupSpillAt?: number;
}

/** An opened store and the SQL database that holds read models, checkpoints and idempotency keys. */
export interface OpenedEventStore {
  store: EventStore;
  db: SqlDatabase;
  close(): Promise<void>;
}

/** Opens the configured backend, migrating its schema. */
export async function openEventStore(config: EventStoreConfig): Promise<OpenedEventStore> {
  switch (config.backend) {
    case 'pglite':
    case 'postgres': {
      const db = await openDatabase(config);
      try {
        const store = new SqlEventStore(db, { groupCommit: config.groupCommit, groupsInFlight: config.groupsInFlight, groupSpillAt: config.groupSpillAt });
        await store.init();
        return { store, db, close: closeBoth(store, db) };
      } catch (error) {
        await db.close().catch(() => undefined);
        throw error;
      }
    }
    case 'eventstoredb': {
      if (!config.eventstoreConnectionString) {
        throw new EventStoreUnavailableError('EVENT_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING');
      }
      const db = await openDatabase({ ...config, backend: config.databaseUrl ? 'postgres' : 'pglite' });
      try {
        // Checkpoints of projections live beside the read models, so they commit with them.
        await runMigrations(db, READ_SIDE_MIGRATIONS_TABLE, checkpointMigrations);
        const { createEventStoreDbStore } = (await import(ESDB_MODULE)) as {
          createEventStoreDbStore(options: { connectionString: string; checkpointDb: SqlDatabase }): Promise<EventStore>;
        };
        const store = await createEventStoreDbStore({ connectionString: config.eventstoreConnectionString, checkpointDb: db });
        await store.init();
        return { store, db, close: closeBoth(store, db) };
      } catch (error) {
        await db.close().catch(() => undefined);
        throw error;
      }
    }
  }
}

/** Opens just the SQL database of a config (PostgreSQL when `databaseUrl` is set for `postgres`). */
export async function openDatabase(config: EventStoreConfig): Promise<SqlDatabase> {
  if (config.backend === 'postgres') {
    if (!config.databaseUrl) throw new EventStoreUnavailableError('EVENT_STORE=postgres needs DATABASE_URL');
    const db = new PgDatabase({ connectionString: config.databaseUrl, max: config.poolSize, connectTimeoutMs: config.connectTimeoutMs, queryTimeoutMs: config.queryTimeoutMs });
    try {
      await db.query('SELECT 1');
    } catch (error) {
      await db.close().catch(() => undefined);
      throw new EventStoreUnavailableError(`PostgreSQL at ${maskUrl(config.databaseUrl)} is unreachable: ${(error as Error).message}`, error);
    }
    return db;
  }
  if (config.dataDir) {
    const dir = resolve(config.dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    return PgliteDatabase.open(dir);
  }
  return PgliteDatabase.open();
}

function closeBoth(store: EventStore, db: SqlDatabase): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= (async () => {
      await store.close();
      await db.close();
    })();
    return closing;
  };
}

/** Hides a password in a connection URL for messages and logs. */
export function maskUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}
