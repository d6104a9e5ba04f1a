/**
 * Read-model schema v3 (issue 17) on a database that already holds read models: the new keys and
 * columns cannot be filled without the log, so the migration asks for a rebuild of every changed
 * projection; on an empty database it asks for nothing (the projections start from zero anyway).
 */
import { openEventStore } from '@libs/event-store';
import { runMigrations } from '@libs/sql';
import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from '@libs/projections';
import { createTestDatabase } from '../support/postgres.js';

async function withDatabase(f: (db: Awaited<ReturnType<typeof openEventStore>>['db']) => Promise<void>): Promise<void> {
  const test = await createTestDatabase('mig');
  const opened = await openEventStore({ backend: 'postgres', databaseUrl: test.url, poolSize: 2 });
  try {
    await f(opened.db);
  } finally {
    await opened.close();
    await test.drop();
  }
}

const requests = async (db: Parameters<Parameters<typeof withDatabase>[0]>[0]) =>
  (await db.query<{ name: string }>('SELECT name FROM rm_projection_requests ORDER BY name')).rows.map((r) => r.name);

describe('read-model schema v3', () => {
  it('on a database with read models: keeps the rows and requests the rebuilds', async () => {
    await withDatabase(async (db) => {
      await runMigrations(db, READ_MODEL_MIGRATIONS_TABLE, readModelMigrations.filter((m) => m.version < 3));
      await db.query(`INSERT INTO rm_projection_meta (name, position) VALUES ('churn', 42)`);
      await db.query(`INSERT INTO rm_churn (segment, month, new_subscribers) VALUES ('b2c', '2024-01', 3)`);
      await db.query(
        `INSERT INTO rm_subscribers (subscriber_id, name, segment, status, plan_code, currency, monthly_fee, mrr, sales_rep_id, enrolled_at, updated_at)
         VALUES ('a', 'A', 'b2c', 'active', 'p', 'EUR', 100, 100, 'r', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')`,
      );
      expect(await runMigrations(db, READ_MODEL_MIGRATIONS_TABLE, readModelMigrations)).toEqual([3, 4]);
      expect(await requests(db)).toEqual(['churn', 'client-profitability', 'default-rate', 'revenue-per-client', 'sales-per-rep', 'subscribers']);
      const { rows } = await db.query<{ currency: string; new_subscribers: number }>('SELECT currency, new_subscribers FROM rm_churn');
      expect(rows).toEqual([{ currency: '', new_subscribers: 3 }]);
      const sub = await db.query<{ customer_since: Date }>('SELECT customer_since FROM rm_subscribers');
      expect(new Date(sub.rows[0].customer_since).toISOString()).toBe('2024-01-01T00:00:00.000Z');
    });
  });

  it('on an empty database: no rebuild requests', async () => {
    await withDatabase(async (db) => {
      await runMigrations(db, READ_MODEL_MIGRATIONS_TABLE, readModelMigrations);
      expect(await requests(db)).toEqual([]);
    });
  });
});
