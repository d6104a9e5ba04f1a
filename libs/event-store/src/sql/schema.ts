import { CHECKPOINTS_TABLE_DDL, type Migration } from '@libs/sql';

/** First key of the per-stream advisory locks (two-int form, its own key space). */
export const STREAM_LOCK_CLASS = 0x434c0001;

/** Table recording which event-store migrations ran. */
export const EVENT_STORE_MIGRATIONS_TABLE = 'cl_migrations';

/**
 * The event store's schema. Written for PostgreSQL 15 and later so that the server and PGlite
 * (PostgreSQL 18) run the same SQL.
 */
export const eventStoreMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'events, streams, checkpoints, append function',
    statements: [
      // COLLATE "C": stream-prefix filters (LIKE 'subscriber-%') can then use the btree index.
      // One row per stream, written once at its creation: stream listing, not concurrency.
      `CREATE TABLE cl_streams (
         stream_id text COLLATE "C" PRIMARY KEY,
         created_at timestamptz NOT NULL DEFAULT now()
       )`,
      `CREATE TABLE cl_events (
         global_position bigint GENERATED ALWAYS AS IDENTITY CHECK (global_position < 1000000000000),
         transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
         stream_id text COLLATE "C" NOT NULL,
         version bigint NOT NULL,
         event_id uuid NOT NULL,
         type text NOT NULL,
         data jsonb NOT NULL,
         metadata jsonb NOT NULL,
         occurred_at timestamptz NOT NULL,
         recorded_at timestamptz NOT NULL DEFAULT now(),
         CONSTRAINT cl_events_pkey PRIMARY KEY (stream_id, version)
       )`,
      `CREATE UNIQUE INDEX cl_events_stream_event_id ON cl_events (stream_id, event_id)`,
      // Exactly what the gap-free reader scans, in its order.
      `CREATE UNIQUE INDEX cl_events_global_order ON cl_events (transaction_id, global_position)`,
      CHECKPOINTS_TABLE_DDL,
      // One round trip per append: compare the stream's last event (version and hash) with
      // what the caller built on, insert the batch, return version and the last event's
      // position. On a mismatch it tells an idempotent repeat (same ids at the same versions)
      // from a real conflict, which it reports with the stream's actual head.
      `CREATE OR REPLACE FUNCTION cl_append(p_stream text, p_base bigint, p_prev_hash text, p_events jsonb)
       RETURNS TABLE (outcome text, out_version bigint, out_position text, out_hash text)
       LANGUAGE plpgsql AS $fn$
       DECLARE
         v_n int := jsonb_array_length(p_events);
         v_cur_version bigint;
         v_cur_hash text;
         v_matches int;
         v_gp bigint;
         v_xid xid8;
       BEGIN
         -- No lock: the (stream_id, version) primary key is the compare-and-swap. Two writers
         -- that both read version v-1 both insert version v; the second waits for the first and
         -- fails with a unique violation, and the caller retries in a new transaction. So no
         -- successful writer ever waited after taking its xid, the writer of version v+1 took
         -- its xid after version v committed, and the global (transaction_id, global_position)
         -- order agrees with every stream's own order.
         SELECT e.version, e.metadata ->> 'hash' INTO v_cur_version, v_cur_hash
           FROM cl_events AS e WHERE e.stream_id = p_stream ORDER BY e.version DESC LIMIT 1;
         v_cur_version := coalesce(v_cur_version, -1);
         v_cur_hash := coalesce(v_cur_hash, repeat('0', 64));
         IF v_cur_version <> p_base OR v_cur_hash <> p_prev_hash THEN
           SELECT count(*) INTO v_matches
             FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(ev, ord)
             JOIN cl_events AS e ON e.stream_id = p_stream AND e.version = p_base + x.ord AND e.event_id = (x.ev ->> 'id')::uuid;
           IF v_matches = v_n THEN
             SELECT e.transaction_id, e.global_position INTO v_xid, v_gp
               FROM cl_events AS e WHERE e.stream_id = p_stream AND e.version = p_base + v_n;
             RETURN QUERY SELECT 'duplicate'::text, p_base + v_n, (v_xid::text::numeric * 1000000000000 + v_gp)::text, v_cur_hash;
           ELSE
             RETURN QUERY SELECT 'conflict'::text, v_cur_version, NULL::text, v_cur_hash;
           END IF;
           RETURN;
         END IF;
         IF p_base = -1 THEN
           INSERT INTO cl_streams (stream_id) VALUES (p_stream);
         END IF;
         WITH inserted AS (
           INSERT INTO cl_events (stream_id, version, event_id, type, data, metadata, occurred_at)
           SELECT p_stream, p_base + x.ord, (x.ev ->> 'id')::uuid, x.ev ->> 'type', x.ev -> 'data', x.ev -> 'metadata',
                  (x.ev ->> 'occurredAt')::timestamptz
             FROM jsonb_array_elements(p_events) WITH ORDINALITY AS x(ev, ord)
            ORDER BY x.ord
           RETURNING global_position
         )
         SELECT max(global_position) INTO v_gp FROM inserted;
         RETURN QUERY SELECT 'ok'::text, p_base + v_n, (pg_current_xact_id()::text::numeric * 1000000000000 + v_gp)::text,
                             p_events -> (v_n - 1) -> 'metadata' ->> 'hash';
       END
       $fn$`,
      // The common case, one event, with scalar parameters: unpacking a JSON envelope cost
      // about a fifth of the append throughput (bench:store). Same protocol as cl_append.
      `CREATE OR REPLACE FUNCTION cl_append_one(p_stream text, p_base bigint, p_prev_hash text, p_id uuid, p_type text,
                                                p_data jsonb, p_metadata jsonb, p_occurred_at timestamptz)
       RETURNS TABLE (outcome text, out_version bigint, out_position text, out_hash text)
       LANGUAGE plpgsql AS $fn$
       DECLARE
         v_cur_version bigint;
         v_cur_hash text;
         v_gp bigint;
         v_xid xid8;
       BEGIN
         SELECT e.version, e.metadata ->> 'hash' INTO v_cur_version, v_cur_hash
           FROM cl_events AS e WHERE e.stream_id = p_stream ORDER BY e.version DESC LIMIT 1;
         v_cur_version := coalesce(v_cur_version, -1);
         v_cur_hash := coalesce(v_cur_hash, repeat('0', 64));
         IF v_cur_version <> p_base OR v_cur_hash <> p_prev_hash THEN
           SELECT e.transaction_id, e.global_position INTO v_xid, v_gp
             FROM cl_events AS e WHERE e.stream_id = p_stream AND e.version = p_base + 1 AND e.event_id = p_id;
           IF v_gp IS NOT NULL THEN
             RETURN QUERY SELECT 'duplicate'::text, p_base + 1, (v_xid::text::numeric * 1000000000000 + v_gp)::text, v_cur_hash;
           ELSE
             RETURN QUERY SELECT 'conflict'::text, v_cur_version, NULL::text, v_cur_hash;
           END IF;
           RETURN;
         END IF;
         IF p_base = -1 THEN
           INSERT INTO cl_streams (stream_id) VALUES (p_stream);
         END IF;
         INSERT INTO cl_events (stream_id, version, event_id, type, data, metadata, occurred_at)
         VALUES (p_stream, p_base + 1, p_id, p_type, p_data, p_metadata, p_occurred_at)
         RETURNING global_position INTO v_gp;
         RETURN QUERY SELECT 'ok'::text, p_base + 1, (pg_current_xact_id()::text::numeric * 1000000000000 + v_gp)::text,
                             p_metadata ->> 'hash';
       END
       $fn$`,
    ],
  },
  {
    version: 2,
    name: 'chain version of every event',
    statements: [
      // Generated from the metadata the store writes (chainVersion, absent before chain version 2),
      // so the append functions stay as they are and no writer can record one and hash another.
      // Adding a stored generated column rewrites the table once (a one-off pause on a large log).
      `ALTER TABLE cl_events ADD COLUMN chain_version smallint NOT NULL
         GENERATED ALWAYS AS (coalesce((metadata ->> 'chainVersion')::smallint, 1)) STORED`,
    ],
  },
  {
    version: 3,
    name: 'group commit: many appends in one statement',
    statements: [
      // Group commit (docs/event-store.md): the appends of one group, each with its own
      // compare-and-swap, in one statement and one commit. Per append (arrays of equal length):
      // stream (distinct within a group), base version and hash it builds on; per event: the
      // index of its append (1-based), its version (already base + k, hashed in Node), columns.
      // Returns one row per append: ok (position of its last event) | duplicate (the same ids are
      // already there at those versions: the first result) | conflict (the stream's actual head),
      // so a conflict fails only that append. Set-based (no loop, no JSON envelope to unpack).
      // One snapshot, taken before the first write assigns our xid: every head it reads was
      // written by a transaction with a smaller xid, so the global order agrees with each
      // stream's order, as with cl_append. A racing insert of the same version by another
      // transaction fails the whole statement (unique violation); the caller then splits the group.
      `CREATE OR REPLACE FUNCTION cl_append_group(p_streams text[], p_bases bigint[], p_prev_hashes text[],
                                                  p_event_append int[], p_versions bigint[], p_ids uuid[], p_types text[],
                                                  p_data text[], p_metadata text[], p_occurred_at timestamptz[])
       RETURNS TABLE (out_append int, outcome text, out_version bigint, out_hash text, out_position text)
       LANGUAGE plpgsql AS $fn$
       BEGIN
         RETURN QUERY
         WITH appends AS (
           SELECT a.ord::int AS app, a.stream, a.base, a.prev_hash,
                  coalesce(h.version, -1) AS cur_version, coalesce(h.hash, repeat('0', 64)) AS cur_hash
             FROM unnest(p_streams, p_bases, p_prev_hashes) WITH ORDINALITY AS a(stream, base, prev_hash, ord)
             LEFT JOIN LATERAL (
               SELECT e.version, e.metadata ->> 'hash' AS hash FROM cl_events AS e
                WHERE e.stream_id = a.stream ORDER BY e.version DESC LIMIT 1
             ) AS h ON true
         ),
         events AS (
           SELECT x.app, x.version, x.id, x.type, x.data, x.metadata, x.occurred_at, x.ord
             FROM unnest(p_event_append, p_versions, p_ids, p_types, p_data, p_metadata, p_occurred_at)
                  WITH ORDINALITY AS x(app, version, id, type, data, metadata, occurred_at, ord)
         ),
         new_streams AS (
           INSERT INTO cl_streams (stream_id)
           SELECT a.stream FROM appends AS a WHERE a.base = -1 AND a.cur_version = -1
         ),
         inserted AS (
           INSERT INTO cl_events (stream_id, version, event_id, type, data, metadata, occurred_at)
           SELECT a.stream, x.version, x.id, x.type, x.data::jsonb, x.metadata::jsonb, x.occurred_at
             FROM events AS x JOIN appends AS a ON a.app = x.app
            WHERE a.cur_version = a.base AND a.cur_hash = a.prev_hash
            ORDER BY x.ord
           RETURNING stream_id, global_position
         ),
         written AS (
           SELECT i.stream_id, max(i.global_position) AS gp FROM inserted AS i GROUP BY i.stream_id
         ),
         repeats AS (
           SELECT x.app, count(*) AS n, count(e.event_id) AS matched,
                  (array_agg(e.transaction_id::text::numeric * 1000000000000 + e.global_position ORDER BY x.version DESC))[1] AS pos
             FROM events AS x JOIN appends AS a ON a.app = x.app
             LEFT JOIN cl_events AS e ON e.stream_id = a.stream AND e.version = x.version AND e.event_id = x.id
            WHERE NOT (a.cur_version = a.base AND a.cur_hash = a.prev_hash)
            GROUP BY x.app
         )
         SELECT a.app,
                CASE WHEN w.gp IS NOT NULL THEN 'ok' WHEN r.matched = r.n THEN 'duplicate' ELSE 'conflict' END,
                a.cur_version, a.cur_hash,
                CASE WHEN w.gp IS NOT NULL THEN (pg_current_xact_id()::text::numeric * 1000000000000 + w.gp)::text
                     WHEN r.matched = r.n THEN r.pos::text END
           FROM appends AS a
           LEFT JOIN written AS w ON w.stream_id = a.stream
           LEFT JOIN repeats AS r ON r.app = a.app
          ORDER BY a.app;
       END
       $fn$`,
    ],
  },
];
