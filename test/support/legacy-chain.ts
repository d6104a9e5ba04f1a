/**
 * Writes events exactly as the store did before chain version 2 (hash over {type, data,
 * occurredAt, version}, no chainVersion in the metadata): the log an upgraded installation
 * starts from. SQL: through the same cl_append function the old code called; EventStoreDB: through
 * the adapter's client seam.
 */
import { randomUUID } from 'node:crypto';
import { computeHash, ZERO_HASH, type NewEvent } from '@libs/event-store';
import { type SqlDatabase } from '@libs/sql';
import { exactRevision } from '../../libs/event-store/src/eventstoredb/revisions.js';
import { toEsdbMetadata } from '../../libs/event-store/src/eventstoredb/envelope.js';
import type { EsdbConnection } from '../../libs/event-store/src/eventstoredb/connection.js';

interface Legacy {
  id: string;
  type: string;
  data: Record<string, unknown>;
  occurredAt: string;
  metadata: Record<string, unknown>;
}

function chainV1(events: readonly NewEvent[], head: { version: number; hash: string }): Legacy[] {
  let prevHash = head.hash;
  const recordedAt = new Date().toISOString();
  return events.map((event, i) => {
    const occurredAt = new Date(event.occurredAt).toISOString();
    const hash = computeHash(prevHash, { type: event.type, data: event.data, occurredAt, version: head.version + 1 + i }, 1);
    const { chainVersion: _drop, ...caller } = event.metadata ?? {};
    const metadata = { ...caller, recordedAt, schemaVersion: typeof caller.schemaVersion === 'number' ? caller.schemaVersion : 1, prevHash, hash };
    prevHash = hash;
    return { id: event.id ?? randomUUID(), type: event.type, data: event.data, occurredAt, metadata };
  });
}

/** Appends `events` to a SQL store's stream under chain version 1; returns the new version. */
export async function appendChainV1Sql(db: SqlDatabase, streamId: string, events: readonly NewEvent[]): Promise<number> {
  const { rows } = await db.query<{ version: string; hash: string }>(
    `SELECT version::text, metadata ->> 'hash' AS hash FROM cl_events WHERE stream_id = $1 ORDER BY version DESC LIMIT 1`,
    [streamId],
  );
  const head = rows[0] ? { version: Number(rows[0].version), hash: rows[0].hash } : { version: -1, hash: ZERO_HASH };
  const payload = chainV1(events, head);
  const { rows: out } = await db.query<{ outcome: string; out_version: string }>('SELECT * FROM cl_append($1, $2, $3, $4::jsonb)', [
    streamId,
    head.version,
    head.hash,
    JSON.stringify(payload),
  ]);
  if (out[0].outcome !== 'ok') throw new Error(`legacy append to ${streamId}: ${out[0].outcome}`);
  return Number(out[0].out_version);
}

/** The same through the EventStoreDB adapter's client seam. */
export async function appendChainV1Esdb(connection: EsdbConnection, streamId: string, events: readonly NewEvent[]): Promise<number> {
  let head = { version: -1, hash: ZERO_HASH };
  for await (const record of connection.readStream(streamId, { direction: 'backwards', fromRevision: 'end', maxCount: 1 })) {
    head = { version: Number(record.revision), hash: String((record.metadata as { hash: string }).hash) };
  }
  const payload = chainV1(events, head).map((e) => {
    const { recordedAt, prevHash, hash, ...caller } = e.metadata as Record<string, string>;
    const metadata = toEsdbMetadata(caller, e.occurredAt, { recordedAt, prevHash, hash });
    delete metadata.chainVersion;
    return { id: e.id, type: e.type, data: e.data, metadata };
  });
  await connection.append(streamId, payload, exactRevision(head.version));
  return head.version + events.length;
}
