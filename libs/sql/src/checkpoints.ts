import type { SqlExecutor } from './database.js';
import type { Migration } from './migrations.js';

/**
 * The checkpoint store of named subscriptions: one row per subscription in the database that
 * holds its read model, moved in the same transaction as the read model's writes (exactly-once).
 * Positions are the store's decimal strings, compared here as numeric.
 */
const CHECKPOINT_TABLE = 'cl_checkpoints';
/** Position of a subscription that never checkpointed: the start of the log. */
const NO_CHECKPOINT = '0';

/** The checkpoints table; the event store's own schema creates it too (same database). */
export const CHECKPOINTS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS ${CHECKPOINT_TABLE} (
  name text PRIMARY KEY,
  position numeric NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
)`;

/** Migrations table of the read-model database when events live elsewhere (EventStoreDB). */
export const READ_SIDE_MIGRATIONS_TABLE = 'cl_read_side_migrations';

/** Subscription checkpoints, for a read-model database that does not hold the events. */
export const checkpointMigrations: readonly Migration[] = [{ version: 1, name: 'checkpoints', statements: [CHECKPOINTS_TABLE_DDL] }];

/** Reads a named subscription's checkpoint ("0" when it has none). */
export async function readCheckpoint(db: SqlExecutor, name: string): Promise<string> {
  const { rows } = await db.query<{ position: string }>(`SELECT position::text AS position FROM ${CHECKPOINT_TABLE} WHERE name = $1`, [name]);
  return rows[0]?.position ?? NO_CHECKPOINT;
}

/**
 * Moves a checkpoint from `from` to `to` inside the caller's transaction. A compare-and-swap: if
 * another worker moved it meanwhile, it throws and the caller's transaction (with the read-model
 * writes) rolls back, so no batch is ever applied twice.
 */
export async function advanceCheckpoint(tx: SqlExecutor, name: string, from: string, to: string): Promise<void> {
  const { rowCount } = await tx.query(
    `INSERT INTO ${CHECKPOINT_TABLE} AS c (name, position, updated_at) VALUES ($1, $3::numeric, now())
     ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()
     WHERE c.position = $2::numeric`,
    [name, from, to],
  );
  if (rowCount !== 1) throw new CheckpointMovedError(name, from);
}

/**
 * Moves several checkpoints, all at `from`, to `to` in one statement (subscriptions that had
 * nothing in a page). False when not every one moved (another worker moved one): the caller then
 * retries each alone so only that one fails. The statement commits on its own, outside any
 * read-model transaction, since nothing else is written with it.
 */
export async function advanceCheckpoints(executor: SqlExecutor, names: readonly string[], from: string, to: string): Promise<boolean> {
  const { rowCount } = await executor.query(
    `INSERT INTO ${CHECKPOINT_TABLE} AS c (name, position, updated_at)
     SELECT n, $3::numeric, now() FROM unnest($1::text[]) AS u(n)
     ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()
     WHERE c.position = $2::numeric`,
    [[...names], from, to],
  );
  return rowCount === names.length;
}

/** Deletes a checkpoint (rebuilds start from zero). */
export async function resetCheckpoint(tx: SqlExecutor, name: string): Promise<void> {
  await tx.query(`DELETE FROM ${CHECKPOINT_TABLE} WHERE name = $1`, [name]);
}

export class CheckpointMovedError extends Error {
  constructor(name: string, from: string) {
    super(`checkpoint ${name} is no longer at ${from}: another worker advanced it`);
    this.name = 'CheckpointMovedError';
  }
}

