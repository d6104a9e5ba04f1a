import { NonJsonValueError, toCanonicalJson } from '@libs/sql';
import { InvalidAppendError } from './errors.js';
import type { NewEvent } from './types.js';

/** Stream names: a letter or digit, then letters, digits, `_ - . : @`; at most 200 characters. */
export const STREAM_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$/;
/** Event types: a letter, then letters, digits, `_ - .`; at most 100 characters. */
export const EVENT_TYPE_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,99}$/;
/** Upper bound of one event's serialised data + metadata, in bytes (UTF-8). */
export const MAX_EVENT_BYTES = 512 * 1024;
/** Upper bound of the number of events in one append. */
export const MAX_BATCH_EVENTS = 1000;

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

export function assertStreamName(streamId: unknown): asserts streamId is string {
  if (typeof streamId !== 'string' || !STREAM_NAME_PATTERN.test(streamId)) {
    throw new InvalidAppendError('invalid-stream-name', `stream name ${JSON.stringify(streamId)} is outside ${STREAM_NAME_PATTERN}`);
  }
}

/**
 * The store's own refusal for data that is not plain JSON: the serialiser is the SQL library's,
 * the error code (`non-json-data`) is the port's.
 */
function canonicalOrRefuse(value: unknown, label: string): string {
  try {
    return toCanonicalJson(value, label);
  } catch (error) {
    if (error instanceof NonJsonValueError) throw new InvalidAppendError('non-json-data', error.message);
    throw error;
  }
}

/** An event that passed validation, with its data already in canonical JSON. */
export interface ValidatedEvent {
  /** Lower-case UUID; undefined when the caller gave none. */
  id?: string;
  type: string;
  data: Record<string, unknown>;
  /** Canonical JSON of `data` (sorted keys): the hashed form, and a valid jsonb parameter. */
  dataJson: string;
  /** Normalised to `Date#toISOString()` so the chain verifies against what reads return. */
  occurredAt: string;
  metadata: Record<string, unknown>;
}

/**
 * Validates an append before any I/O; throws {@link InvalidAppendError} so nothing is written.
 * Returns the events with canonical data JSON and normalised business time.
 */
export function prepareAppend(streamId: string, events: readonly NewEvent[]): ValidatedEvent[] {
  assertStreamName(streamId);
  if (!Array.isArray(events) || events.length === 0) throw new InvalidAppendError('empty-batch', 'an append needs at least one event');
  if (events.length > MAX_BATCH_EVENTS) {
    throw new InvalidAppendError('batch-too-large', `an append takes at most ${MAX_BATCH_EVENTS} events, got ${events.length}`);
  }
  const ids = new Set<string>();
  return events.map((event, i) => {
    if (!event || typeof event !== 'object') throw new InvalidAppendError('non-json-data', `event ${i} is not an object`);
    if (typeof event.type !== 'string' || !EVENT_TYPE_PATTERN.test(event.type)) {
      throw new InvalidAppendError('invalid-event-type', `event ${i}: type ${JSON.stringify(event.type)} is outside ${EVENT_TYPE_PATTERN}`);
    }
    let id: string | undefined;
    if (event.id !== undefined) {
      if (typeof event.id !== 'string' || !UUID_PATTERN.test(event.id)) {
        throw new InvalidAppendError('invalid-event-id', `event ${i}: id must be a UUID`);
      }
      const lower = event.id.toLowerCase();
      if (ids.has(lower)) throw new InvalidAppendError('duplicate-event-id', `event ${i}: id ${event.id} repeats within the batch`);
      ids.add(lower);
      id = lower;
    }
    if (typeof event.occurredAt !== 'string' || !ISO_INSTANT.test(event.occurredAt) || Number.isNaN(Date.parse(event.occurredAt))) {
      throw new InvalidAppendError('invalid-occurred-at', `event ${i}: occurredAt must be an ISO-8601 instant`);
    }
    if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
      throw new InvalidAppendError('non-json-data', `event ${i}: data must be a JSON object`);
    }
    const dataJson = canonicalOrRefuse(event.data, `event ${i} data`);
    let metadataBytes = 2;
    if (event.metadata !== undefined) {
      if (event.metadata === null || typeof event.metadata !== 'object' || Array.isArray(event.metadata)) {
        throw new InvalidAppendError('non-json-data', `event ${i}: metadata must be a JSON object`);
      }
      metadataBytes = Buffer.byteLength(canonicalOrRefuse(event.metadata, `event ${i} metadata`));
    }
    const bytes = Buffer.byteLength(dataJson) + metadataBytes;
    if (bytes > MAX_EVENT_BYTES) {
      throw new InvalidAppendError('payload-too-large', `event ${i}: ${bytes} bytes of data and metadata exceed ${MAX_EVENT_BYTES}`);
    }
    return {
      id,
      type: event.type,
      data: event.data,
      dataJson,
      occurredAt: new Date(event.occurredAt).toISOString(),
      metadata: event.metadata ?? {},
    };
  });
}

/** Validates an append before any I/O; throws {@link InvalidAppendError} so nothing is written. */
export function validateAppend(streamId: string, events: readonly NewEvent[]): void {
  prepareAppend(streamId, events);
}
