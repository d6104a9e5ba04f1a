import type { Migration } from '@libs/sql';

/** Migrations table of the audit evidence (checkpoints, their heads, keys, the access log). */
export const AUDIT_MIGRATIONS_TABLE = 'audit_migrations';

/**
 * Kept in the SQL database beside the read models (the event store's own for PostgreSQL and
 * PGlite, the read-side one for EventStoreDB). Nothing here is trusted by a verification: a
 * checkpoint's heads are checked against its signed root before they are used.
 */
export const auditMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'signed checkpoints, their heads, signing keys',
    statements: [
      `CREATE TABLE audit_checkpoints (
         id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         position numeric NOT NULL,
         at timestamptz NOT NULL,
         streams bigint NOT NULL,
         heads_root text NOT NULL,
         key_id text NOT NULL,
         signature text NOT NULL
       )`,
      // Only the heads that changed since the previous checkpoint (version -1: no longer a head):
      // a checkpoint's heads are, per stream, its row with the greatest checkpoint_id up to it.
      `CREATE TABLE audit_checkpoint_heads (
         checkpoint_id bigint NOT NULL,
         stream_id text COLLATE "C" NOT NULL,
         version bigint NOT NULL,
         hash text NOT NULL,
         PRIMARY KEY (stream_id, checkpoint_id)
       )`,
      `CREATE TABLE audit_signing_keys (
         key_id text PRIMARY KEY,
         public_key text NOT NULL,
         first_used_at timestamptz NOT NULL DEFAULT now()
       )`,
    ],
  },
  {
    version: 2,
    name: 'access log: who read which history, state as of, export or integrity report',
    statements: [
      `CREATE TABLE audit_access_log (
         id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
         at timestamptz NOT NULL DEFAULT now(),
         actor text NOT NULL,
         role text NOT NULL,
         source text NOT NULL,
         kind text NOT NULL,
         what text NOT NULL,
         target text
       )`,
      'CREATE INDEX audit_access_log_at ON audit_access_log (at)',
      'CREATE INDEX audit_access_log_actor ON audit_access_log (actor, id)',
      // Append-only: rows are never changed, and only the retention pruning (which says so for its
      // own transaction) deletes them.
      `CREATE OR REPLACE FUNCTION audit_access_log_append_only() RETURNS trigger
       LANGUAGE plpgsql AS $fn$
       BEGIN
         IF TG_OP = 'DELETE' AND current_setting('audit.access_log_pruning', true) = 'on' THEN
           RETURN OLD;
         END IF;
         RAISE EXCEPTION 'audit_access_log is append-only (% refused)', TG_OP;
       END
       $fn$`,
      `CREATE TRIGGER audit_access_log_append_only BEFORE UPDATE OR DELETE ON audit_access_log
       FOR EACH ROW EXECUTE FUNCTION audit_access_log_append_only()`,
      `CREATE TRIGGER audit_access_log_no_truncate BEFORE TRUNCATE ON audit_access_log
       FOR EACH STATEMENT EXECUTE FUNCTION audit_access_log_append_only()`,
    ],
  },
];
