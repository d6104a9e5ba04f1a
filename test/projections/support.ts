import { openEventStore, type OpenedEventStore, type StoredEvent } from '@libs/event-store';
import { applyProjectionBatch, PROJECTIONS, READ_MODEL_MIGRATIONS_TABLE, readModelMigrations, type Projection } from '@libs/projections';
import { runMigrations } from '@libs/sql';
import { appendHistory, type HistoryEvent } from './history.js';
import { readLog } from './brute-force.js';
import { createTestDatabase } from '../support/postgres.js';

/** An in-memory store with the read-model schema, a history appended and every projection applied in batches of `batchSize`. */
export async function projected(events: readonly HistoryEvent[], batchSize = 7): Promise<OpenedEventStore & { log: StoredEvent[] }> {
  const opened = await openTestStore();
  await runMigrations(opened.db, READ_MODEL_MIGRATIONS_TABLE, readModelMigrations);
  await appendHistory(opened.store, events);
  const log = await readLog(opened.store);
  await applyAll(opened, log, batchSize);
  return { ...opened, log };
}

/**
 * A fresh PostgreSQL database with the store and read-model schemas (PGlite takes seconds to
 * start on a busy machine; the server takes milliseconds). `close` drops the database.
 */
export async function openTestStore(): Promise<OpenedEventStore & { url: string }> {
  const test = await createTestDatabase('proj');
  const opened = await openEventStore({ backend: 'postgres', databaseUrl: test.url, poolSize: 4 });
  await runMigrations(opened.db, READ_MODEL_MIGRATIONS_TABLE, readModelMigrations);
  return {
    ...opened,
    url: test.url,
    async close() {
      await opened.close();
      await test.drop();
    },
  };
}

/** Applies `log` to every projection in batches, each batch in its own transaction as a subscription would. */
export async function applyAll(opened: OpenedEventStore, log: readonly StoredEvent[], batchSize: number, projections: readonly Projection[] = PROJECTIONS): Promise<void> {
  for (const p of projections) {
    const mine = p.eventTypes ? log.filter((e) => p.eventTypes!.includes(e.type)) : log;
    for (let i = 0; i < mine.length; i += batchSize) {
      await opened.db.transaction((tx) => applyProjectionBatch(p, mine.slice(i, i + batchSize), tx));
    }
  }
}

/** Every row of every read-model table, sorted, for whole-database comparisons. */
export async function dumpReadModels(db: OpenedEventStore['db'], projections: readonly Projection[] = PROJECTIONS): Promise<Record<string, unknown[]>> {
  const out: Record<string, unknown[]> = {};
  for (const p of projections) {
    for (const t of p.tables) {
      const { rows } = await db.query(`SELECT * FROM ${t}`);
      out[t] = rows.map((r) => JSON.stringify(r)).sort();
    }
  }
  return out;
}
