import type { SqlExecutor } from '@libs/sql';
import { InvalidAppendError } from '../errors.js';
import { ZERO_HASH } from '../integrity.js';
import { comparePositions, decodePosition, encodePosition, START_POSITION } from '../position.js';
import type { AppendResult, EventMetadata, ReadAllOptions, ReadAllResult, ReadStreamOptions, StoredEvent } from '../types.js';
import { DEFAULT_PAGE, MAX_PAGE } from '../paging.js';
import type { Head } from './group-commit.js';

/**
 * The read statements of the SQL event store over `cl_events`/`cl_streams`: rows in, envelopes
 * out. The store decides when to run them (and what to cache); the gap-free horizon and the
 * position encoding live here, in the SQL that enforces them.
 */

interface EventRow {
  xid: string;
  global_position: number;
  stream_id: string;
  version: number;
  event_id: string;
  type: string;
  data: Record<string, unknown>;
  metadata: EventMetadata;
  occurred_at: Date;
  chain_version: number;
}

const EVENT_COLUMNS = `transaction_id::text AS xid, global_position, stream_id, version, event_id::text AS event_id, type, data, metadata, occurred_at, chain_version`;

function toStored(row: EventRow): StoredEvent {
  return {
    id: row.event_id,
    position: encodePosition(row.xid, row.global_position),
    streamId: row.stream_id,
    version: Number(row.version),
    type: row.type,
    data: row.data,
    occurredAt: row.occurred_at.toISOString(),
    // Events written before chain version 2 carry no chainVersion: the column says 1.
    metadata: row.metadata.chainVersion === undefined ? { ...row.metadata, chainVersion: Number(row.chain_version) } : row.metadata,
  };
}

export async function readHead(executor: SqlExecutor, streamId: string): Promise<Head> {
  const { rows } = await executor.query<{ version: number; hash: string }>(
    `SELECT version, metadata ->> 'hash' AS hash FROM cl_events WHERE stream_id = $1 ORDER BY version DESC LIMIT 1`,
    [streamId],
  );
  return rows[0] ? { version: Number(rows[0].version), hash: rows[0].hash } : { version: -1, hash: ZERO_HASH };
}

/** Heads of several streams in one query ({-1, ZERO_HASH} for a stream not written yet). */
export async function readHeads(executor: SqlExecutor, streamIds: string[]): Promise<Map<string, Head>> {
  const { rows } = await executor.query<{ stream_id: string; version: number | null; hash: string | null }>(
    `SELECT s.stream_id, h.version, h.hash FROM unnest($1::text[]) AS s(stream_id)
       LEFT JOIN LATERAL (SELECT e.version, e.metadata ->> 'hash' AS hash FROM cl_events AS e
                           WHERE e.stream_id = s.stream_id ORDER BY e.version DESC LIMIT 1) AS h ON true`,
    [streamIds],
    { name: 'cl_read_heads' },
  );
  return new Map(rows.map((r) => [r.stream_id, r.version === null ? { version: -1, hash: ZERO_HASH } : { version: Number(r.version), hash: String(r.hash) }]));
}

/** An append whose ids are already stored (at other versions than expected): return them if whole. */
export async function existingAppend(executor: SqlExecutor, streamId: string, ids: string[]): Promise<AppendResult> {
  const { rows } = await executor.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM cl_events WHERE stream_id = $1 AND event_id = ANY($2::uuid[]) ORDER BY version`,
    [streamId, ids],
  );
  const consecutive =
    rows.length === ids.length && rows.every((r, i) => r.event_id === ids[i] && Number(r.version) === Number(rows[0].version) + i);
  if (!consecutive) {
    throw new InvalidAppendError('duplicate-event-id', `stream ${streamId} already holds some of these event ids in another batch`);
  }
  const last = rows[rows.length - 1];
  return { streamId, version: Number(last.version), position: encodePosition(last.xid, last.global_position) };
}

export async function readStreamEvents(executor: SqlExecutor, streamId: string, options: ReadStreamOptions): Promise<StoredEvent[]> {
  const backwards = options.direction === 'backwards';
  const from = options.fromVersion ?? (backwards ? Number.MAX_SAFE_INTEGER : 0);
  const { rows } = await executor.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM cl_events WHERE stream_id = $1 AND version ${backwards ? '<=' : '>='} $2
     ORDER BY version ${backwards ? 'DESC' : 'ASC'} LIMIT $3`,
    [streamId, from, options.limit ?? null],
    { name: backwards ? 'cl_read_stream_backwards' : 'cl_read_stream' },
  );
  return rows.map(toStored);
}

export async function readStreamVersion(executor: SqlExecutor, streamId: string): Promise<number> {
  const { rows } = await executor.query<{ version: number }>('SELECT version FROM cl_events WHERE stream_id = $1 ORDER BY version DESC LIMIT 1', [streamId]);
  return rows[0] ? Number(rows[0].version) : -1;
}

/** Committed events in (stream_id, version) order after `after`: the primary key's, one stream at a time (audit). */
export async function readByStream(executor: SqlExecutor, options: { after?: { streamId: string; version: number }; limit?: number }): Promise<StoredEvent[]> {
  const sql = `SELECT ${EVENT_COLUMNS} FROM cl_events WHERE (stream_id, version) > ($1::text COLLATE "C", $2::bigint) ORDER BY stream_id, version LIMIT $3`;
  const limit = Math.min(Math.max(1, Math.floor(options.limit ?? DEFAULT_PAGE)), MAX_PAGE);
  return (await executor.query<EventRow>(sql, [options.after?.streamId ?? '', options.after?.version ?? -1, limit])).rows.map(toStored);
}

/** A page of the global log below the gap-free horizon, in (transaction_id, global_position) order. */
export async function readAllPage(executor: SqlExecutor, options: ReadAllOptions): Promise<ReadAllResult> {
  const after = options.after ?? START_POSITION;
  const cursor = decodePosition(after);
  const limit = Math.min(Math.max(1, Math.floor(options.limit ?? DEFAULT_PAGE)), MAX_PAGE);
  const params: unknown[] = [cursor.transactionId, cursor.globalPosition, limit];
  const filters: string[] = [];
  if (options.types && options.types.length > 0) {
    params.push([...options.types]);
    filters.push(`type = ANY($${params.length}::text[])`);
  }
  if (options.streamPrefix) {
    params.push(options.streamPrefix);
    filters.push(`left(stream_id, char_length($${params.length}::text)) = $${params.length}::text`);
  }
  // The window is scanned without the filters, so the only sensible plan is the
  // (transaction_id, global_position) index with a LIMIT. With a filter inside, and stale
  // statistics, the planner switched to a bitmap scan that sorted the whole log on every page.
  // One statement, one snapshot: the window's tail (what was scanned) and the filtered rows
  // agree, so `last` can move past non-matching events without jumping over late commits.
  // The last row (caught_up not null) says, in that same snapshot, whether the window was short
  // of the limit and nothing is held back behind an open transaction: a subscription then
  // sleeps until woken instead of paying two more round trips (an empty page and heldBack) per batch.
  const { rows } = await executor.query<EventRow & { tail: boolean | null; caught_up: boolean | null }>(
    `WITH page AS MATERIALIZED (
       SELECT ${EVENT_COLUMNS} FROM cl_events
        WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
          AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        ORDER BY transaction_id, global_position LIMIT $3
     )
     SELECT *, false AS tail, NULL::boolean AS caught_up FROM page ${filters.length > 0 ? `WHERE ${filters.join(' AND ')}` : ''}
     UNION ALL
     (SELECT *, true AS tail, NULL::boolean AS caught_up FROM page ORDER BY xid::xid8 DESC, global_position DESC LIMIT 1)
     UNION ALL
     SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
            CASE WHEN (SELECT count(*) FROM page) < $3
                 THEN NOT EXISTS (SELECT 1 FROM cl_events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
                                     AND transaction_id >= pg_snapshot_xmin(pg_current_snapshot()))
                 ELSE false END`,
    params,
    { name: `cl_read_all_${options.types?.length ? 't' : ''}${options.streamPrefix ? 'p' : ''}` },
  );
  const events: StoredEvent[] = [];
  let last = after;
  let caughtUp = false;
  for (const row of rows) {
    if (row.caught_up !== null) caughtUp = row.caught_up;
    else if (row.tail) last = encodePosition(row.xid, row.global_position);
    else events.push(toStored(row));
  }
  events.sort((a, b) => comparePositions(a.position, b.position));
  return { events, last, caughtUp };
}

/** Position of the last event below the horizon ("0" when none). */
export async function readHeadPosition(executor: SqlExecutor): Promise<string> {
  const { rows } = await executor.query<{ xid: string; global_position: number }>(
    `SELECT transaction_id::text AS xid, global_position FROM cl_events
      WHERE transaction_id < pg_snapshot_xmin(pg_current_snapshot())
      ORDER BY transaction_id DESC, global_position DESC LIMIT 1`,
  );
  return rows[0] ? encodePosition(rows[0].xid, rows[0].global_position) : START_POSITION;
}

/** True when events after `after` are committed but above the horizon (an older transaction is still open). */
export async function isHeldBack(executor: SqlExecutor, after: string): Promise<boolean> {
  const cursor = decodePosition(after);
  const { rows } = await executor.query(
    `SELECT 1 FROM cl_events WHERE (transaction_id, global_position) > ($1::xid8, $2::bigint)
        AND transaction_id >= pg_snapshot_xmin(pg_current_snapshot()) LIMIT 1`,
    [cursor.transactionId, cursor.globalPosition],
  );
  return rows.length > 0;
}

export async function listStreamNames(executor: SqlExecutor, options: { prefix?: string; after?: string; limit?: number }): Promise<string[]> {
  const { rows } = await executor.query<{ stream_id: string }>(
    `SELECT stream_id FROM cl_streams WHERE stream_id LIKE $1 AND stream_id > $2 ORDER BY stream_id LIMIT $3`,
    [`${escapeLike(options.prefix ?? '')}%`, options.after ?? '', Math.min(options.limit ?? 1000, MAX_PAGE)],
  );
  return rows.map((r) => r.stream_id);
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}
