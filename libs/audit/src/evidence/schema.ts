import type { Migration } from '@libs/event-store';

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
];
