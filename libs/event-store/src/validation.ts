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
 * Serialises `value` as canonical JSON (keys sorted, no whitespace) while checking that it is
 * plain JSON (null, boolean, finite number, string, array, plain object) without cycles: what is
 * stored must read back exactly as written, so anything JSON.stringify would silently change
 * (Date, Map, NaN, undefined in arrays, class instances) is refused with `non-json-data`.
 * One pass serves validation, hashing and the database parameter.
 */
export function toCanonicalJson(value: unknown, label = 'data'): string {
  const seen = new Set<object>();
  const trail: Array<string | number> = [];
  const fail = (problem: string): never => {
    const where = trail.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
    throw new InvalidAppendError('non-json-data', `${label}${where} ${problem}`);
  };
  const walk = (v: unknown): string => {
    if (v === null) return 'null';
    switch (typeof v) {
      case 'boolean':
        return v ? 'true' : 'false';
      case 'number':
        if (!Number.isFinite(v)) fail('is not a finite number');
        return JSON.stringify(v);
      case 'string':
        if (!isStorableString(v)) fail('contains a NUL character or a lone surrogate');
        return JSON.stringify(v);
      case 'object':
        break;
      default:
        return fail(`is a ${typeof v}, not JSON`);
    }
    const obj = v as object;
    if (seen.has(obj)) fail('is a circular reference');
    seen.add(obj);
    let out: string;
    if (Array.isArray(obj)) {
      const parts: string[] = new Array(obj.length);
      for (let i = 0; i < obj.length; i++) {
        trail.push(i);
        if (obj[i] === undefined) fail('is undefined');
        parts[i] = walk(obj[i]);
        trail.pop();
      }
      out = `[${parts.join(',')}]`;
    } else {
      const proto = Object.getPrototypeOf(obj);
      if (proto !== Object.prototype && proto !== null) fail(`is a ${proto?.constructor?.name ?? 'non-plain'} object, not JSON`);
      const record = obj as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      const parts: string[] = [];
      for (const key of keys) {
        const item = record[key];
        if (item === undefined) continue;
        trail.push(key);
        if (!isStorableString(key)) fail('is a key with a NUL character or a lone surrogate');
        parts.push(`${JSON.stringify(key)}:${walk(item)}`);
        trail.pop();
      }
      out = `{${parts.join(',')}}`;
    }
    seen.delete(obj);
    return out;
  };
  return walk(value);
}

/** Throws `non-json-data` unless `value` is plain JSON; see {@link toCanonicalJson}. */
export function assertPlainJson(value: unknown, label = 'data'): void {
  toCanonicalJson(value, label);
}

/** PostgreSQL's jsonb refuses NUL and lone surrogates; refusing them here keeps the error typed. */
function isStorableString(value: string): boolean {
  return !value.includes('\u0000') && value.isWellFormed();
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
    const dataJson = toCanonicalJson(event.data, `event ${i} data`);
    let metadataBytes = 2;
    if (event.metadata !== undefined) {
      if (event.metadata === null || typeof event.metadata !== 'object' || Array.isArray(event.metadata)) {
        throw new InvalidAppendError('non-json-data', `event ${i}: metadata must be a JSON object`);
      }
      metadataBytes = Buffer.byteLength(toCanonicalJson(event.metadata, `event ${i} metadata`));
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
