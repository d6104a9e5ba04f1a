import type { Migration } from '@libs/event-store';

/** Migration bookkeeping table of the application's own tables. */
export const APPLICATION_MIGRATIONS_TABLE = 'app_migrations';

/**
 * The application's tables, beside the read models (same database as the events on PostgreSQL and
 * PGlite, so idempotency keys are as durable as the events they describe).
 */
export const applicationMigrations: Migration[] = [
  {
    version: 1,
    name: 'idempotency keys, scheduler index, case index',
    statements: [
      `CREATE TABLE IF NOT EXISTS app_idempotency (
         actor text NOT NULL,
         key text NOT NULL,
         request_hash text NOT NULL,
         status text NOT NULL CHECK (status IN ('pending', 'done')),
         response jsonb,
         created_at timestamptz NOT NULL DEFAULT now(),
         completed_at timestamptz,
         PRIMARY KEY (actor, key)
       )`,
      // When each subscriber next needs a scheduler pass: a tick reads only the due rows instead of
      // folding every subscriber every minute.
      `CREATE TABLE IF NOT EXISTS app_schedule (
         subscriber_id text PRIMARY KEY,
         attention_at timestamptz
       )`,
      `CREATE INDEX IF NOT EXISTS app_schedule_due ON app_schedule (attention_at) WHERE attention_at IS NOT NULL`,
      // Cases per subscriber, for `case-already-open` and a subscriber's `openCases`.
      `CREATE TABLE IF NOT EXISTS app_case_index (
         case_id text PRIMARY KEY,
         subscriber_id text NOT NULL,
         kind text NOT NULL,
         opened_at timestamptz NOT NULL,
         closed_at timestamptz
       )`,
      `CREATE INDEX IF NOT EXISTS app_case_index_subscriber ON app_case_index (subscriber_id)`,
    ],
  },
  {
    version: 2,
    name: 'at most one open case per subscriber and kind, across processes',
    statements: [`CREATE UNIQUE INDEX IF NOT EXISTS app_case_index_one_open ON app_case_index (subscriber_id, kind) WHERE closed_at IS NULL`],
  },
  {
    version: 3,
    name: 'idempotency keys pruned by age (IDEMPOTENCY_TTL_HOURS)',
    statements: [`CREATE INDEX IF NOT EXISTS app_idempotency_created ON app_idempotency (created_at)`],
  },
];
