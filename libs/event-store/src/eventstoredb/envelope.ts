import { CHAIN_VERSION, hashWithCanonicalData } from '../integrity.js';
import type { EventMetadata, StoredEvent } from '../types.js';
import type { ValidatedEvent } from '../validation.js';
import type { EsdbEventData, EsdbRecordedEvent } from './connection.js';
import { encodeEsdbPosition } from './positions.js';
import { revisionToVersion } from './revisions.js';

/**
 * The port's envelope ↔ an EventStoreDB event.
 *
 * Data is the event's data unchanged. Metadata carries everything else, so the server's own
 * tooling (projections, the UI) sees the usual names:
 * - `correlationId` / `causationId` are stored as `$correlationId` / `$causationId`, the keys the
 *   server's projections read;
 * - business time `occurredAt` as `$occurredAt` (the server's `created` is its own clock);
 * - actor, role, recordedAt, schemaVersion, chainVersion, prevHash, hash and any other key as given
 *   (an event without chainVersion was written under chain version 1 and reads as such);
 * - a caller key that itself starts with `$` gets one more `$`, so nothing collides and every
 *   key reads back exactly as written.
 */
const META_CORRELATION_ID = '$correlationId';
const META_CAUSATION_ID = '$causationId';
const META_OCCURRED_AT = '$occurredAt';

/** What the store adds to a caller's metadata. */
export interface StoreMetadata {
  recordedAt: string;
  /** Chain version the hash was computed under; default {@link CHAIN_VERSION}. */
  chainVersion?: number;
  prevHash: string;
  hash: string;
}

/** Port metadata (caller's plus the store's) → metadata as written to the server. */
export function toEsdbMetadata(caller: Record<string, unknown>, occurredAt: string, store: StoreMetadata): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(caller)) {
    if (value === undefined) continue;
    if (key === 'correlationId') out[META_CORRELATION_ID] = value;
    else if (key === 'causationId') out[META_CAUSATION_ID] = value;
    else if (key.startsWith('$')) out[`$${key}`] = value;
    else out[key] = value;
  }
  out.schemaVersion = typeof caller.schemaVersion === 'number' ? caller.schemaVersion : 1;
  out.recordedAt = store.recordedAt;
  out.chainVersion = store.chainVersion ?? CHAIN_VERSION;
  out.prevHash = store.prevHash;
  out.hash = store.hash;
  out[META_OCCURRED_AT] = occurredAt;
  return out;
}

/** Metadata as read from the server → the port's metadata and business time. */
export function fromEsdbMetadata(raw: unknown): { metadata: EventMetadata; occurredAt?: string } {
  const metadata: Record<string, unknown> = {};
  let occurredAt: string | undefined;
  // Another writer's event may carry binary or no metadata: it reads as empty.
  if (raw !== null && typeof raw === 'object' && !Array.isArray(raw) && !(raw instanceof Uint8Array)) {
    for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
      if (key === META_CORRELATION_ID) metadata.correlationId = value;
      else if (key === META_CAUSATION_ID) metadata.causationId = value;
      else if (key === META_OCCURRED_AT) occurredAt = typeof value === 'string' ? value : undefined;
      else if (key.startsWith('$$')) metadata[key.slice(1)] = value;
      else metadata[key] = value;
    }
  }
  return { metadata: metadata as EventMetadata, occurredAt };
}

/** A validated event with its id, chained onto `prevHash` at `version`, as the client writes it. */
export function toEsdbEvent(
  event: ValidatedEvent & { id: string },
  version: number,
  prevHash: string,
  recordedAt: string,
): { data: EsdbEventData; hash: string } {
  const hash = hashWithCanonicalData(prevHash, event.type, event.dataJson, event.occurredAt, version, CHAIN_VERSION, event.metadata);
  return {
    hash,
    data: {
      id: event.id,
      type: event.type,
      data: event.data,
      metadata: toEsdbMetadata(event.metadata, event.occurredAt, { recordedAt, chainVersion: CHAIN_VERSION, prevHash, hash }),
    },
  };
}

/** A recorded event → the api.md envelope. */
export function toStoredEvent(record: EsdbRecordedEvent): StoredEvent {
  if (!record.position) {
    throw new Error(`EventStoreDB returned event ${record.id} of ${record.streamId} without its log position: server 22.6 or later is required`);
  }
  const { metadata, occurredAt } = fromEsdbMetadata(record.metadata);
  if (metadata.chainVersion === undefined) metadata.chainVersion = 1;
  return {
    id: record.id,
    position: encodeEsdbPosition(record.position),
    streamId: record.streamId,
    version: revisionToVersion(record.revision),
    type: record.type,
    data: (record.data ?? {}) as Record<string, unknown>,
    occurredAt: occurredAt ?? (typeof metadata.recordedAt === 'string' ? metadata.recordedAt : new Date(0).toISOString()),
    metadata,
  };
}
