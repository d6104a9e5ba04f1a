import type { SqlDatabase } from './database.js';

/** One schema step. Statements run in order, in one transaction with every other pending step. */
export interface Migration {
  version: number;
  name: string;
  statements: readonly string[];
}

/**
 * Applies the pending migrations of one migration set, recorded in `table`. Safe to call from
 * several processes at once: an advisory lock serialises them and each sees what the other did.
 */
export async function runMigrations(db: SqlDatabase, table: string, migrations: readonly Migration[]): Promise<number[]> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) throw new Error(`invalid migrations table ${table}`);
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [table]);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${table} (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const { rows } = await tx.query<{ version: number }>(`SELECT version FROM ${table}`);
    const applied = new Set(rows.map((r) => Number(r.version)));
    const done: number[] = [];
    for (const migration of sorted) {
      if (applied.has(migration.version)) continue;
      for (const statement of migration.statements) await tx.query(statement);
      await tx.query(`INSERT INTO ${table} (version, name) VALUES ($1, $2)`, [migration.version, migration.name]);
      done.push(migration.version);
    }
    return done;
  });
}
