import type { Migration } from '@libs/sql';

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
  {
    version: 4,
    name: 'webhook subscriptions and their delivery attempts (push delivery, domain.md §8)',
    statements: [
      // Secrets are kept as given: signing needs them. The previous one signs too until
      // previous_secret_until (a rotation's overlap).
      `CREATE TABLE IF NOT EXISTS app_webhooks (
         id text PRIMARY KEY,
         url text NOT NULL,
         types text[],
         stream text,
         description text,
         status text NOT NULL CHECK (status IN ('active', 'failing', 'disabled')),
         secret text NOT NULL,
         previous_secret text,
         previous_secret_until timestamptz,
         failing_since timestamptz,
         revision integer NOT NULL DEFAULT 0,
         created_at timestamptz NOT NULL DEFAULT now(),
         updated_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE TABLE IF NOT EXISTS app_webhook_attempts (
         id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         webhook_id text NOT NULL,
         event_id text NOT NULL,
         position numeric NOT NULL,
         attempt integer NOT NULL,
         status_code integer,
         error text,
         latency_ms integer NOT NULL,
         at timestamptz NOT NULL DEFAULT now(),
         response_excerpt text
       )`,
      `CREATE INDEX IF NOT EXISTS app_webhook_attempts_by_webhook ON app_webhook_attempts (webhook_id, id)`,
      `CREATE INDEX IF NOT EXISTS app_webhook_attempts_at ON app_webhook_attempts (at)`,
    ],
  },
];
