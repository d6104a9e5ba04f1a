export type { SqlDatabase, SqlExecutor } from './database.js';
export { PgDatabase, type PgDatabaseOptions } from './pg-database.js';
export { PgliteDatabase } from './pglite-database.js';
export { runMigrations, type Migration } from './migrations.js';
export { isDatabaseUnavailable } from './unavailable.js';
export {
  advanceCheckpoint,
  advanceCheckpoints,
  checkpointMigrations,
  CheckpointMovedError,
  CHECKPOINTS_TABLE_DDL,
  readCheckpoint,
  READ_SIDE_MIGRATIONS_TABLE,
  resetCheckpoint,
} from './checkpoints.js';
export { canonicalJson, NonJsonValueError, toCanonicalJson } from './canonical-json.js';
