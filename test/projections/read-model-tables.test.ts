/**
 * Every table declared in libs/projections/src/read-models/<name>/table.ts is what the migrations
 * build: a database migrated version by version has exactly the declared columns (order, type,
 * nullability, default) and key. The migrations derive their statements from the declarations,
 * so this guards the derivation (a column added later, a key that grew) rather than a copy.
 */
import { openEventStore } from '@libs/event-store';
import { runMigrations } from '@libs/sql';
import { READ_MODEL_MIGRATIONS_TABLE, READ_MODEL_TABLES, readModelMigrations, type ColumnSpec } from '@libs/projections';
import { createTestDatabase } from '../support/postgres.js';

/** information_schema's name for each declared SQL type. */
const DATA_TYPE: Record<ColumnSpec['type'], string> = {
  text: 'text',
  int: 'integer',
  bigint: 'bigint',
  boolean: 'boolean',
  timestamptz: 'timestamp with time zone',
  date: 'date',
  jsonb: 'jsonb',
};
/** How PostgreSQL prints a declared default back (text literals gain their cast). */
const storedDefault = (spec: ColumnSpec) => (spec.default === undefined ? null : spec.type === 'text' ? `${spec.default}::text` : spec.default);

describe('read-model tables: the migrated schema is the declared one', () => {
  it('each declared table has its columns in order, with type, nullability, default and key', async () => {
    const test = await createTestDatabase('rmtables');
    const opened = await openEventStore({ backend: 'postgres', databaseUrl: test.url, poolSize: 2 });
    try {
      // Given a database migrated one version at a time (as a long-lived one was)
      for (const m of [...readModelMigrations].sort((a, b) => a.version - b.version)) await runMigrations(opened.db, READ_MODEL_MIGRATIONS_TABLE, [m]);
      expect(READ_MODEL_TABLES.length).toBeGreaterThan(0);
      for (const table of READ_MODEL_TABLES) {
        // When its columns and key are read back
        const { rows } = await opened.db.query<{ column_name: string; data_type: string; is_nullable: string; column_default: string | null }>(
          `SELECT column_name, data_type, is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position`,
          [table.name],
        );
        const key = await opened.db.query<{ column_name: string }>(
          `SELECT a.attname AS column_name FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, n)
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
            WHERE i.indrelid = $1::regclass AND i.indisprimary ORDER BY k.n`,
          [table.name],
        );
        // Then they are the declaration
        expect({ table: table.name, columns: rows }).toEqual({
          table: table.name,
          columns: Object.entries(table.columns).map(([name, spec]) => ({
            column_name: name,
            data_type: DATA_TYPE[spec.type],
            is_nullable: spec.nullable ? 'YES' : 'NO',
            column_default: storedDefault(spec),
          })),
        });
        expect({ table: table.name, key: key.rows.map((r) => r.column_name) }).toEqual({ table: table.name, key: [...table.key] });
      }
    } finally {
      await opened.close();
      await test.drop();
    }
  });
});
