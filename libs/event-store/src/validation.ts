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
 * Checks that `value` is plain JSON (null, boolean, finite number, string, array, plain object)
 * with no cycles: what is stored must read back exactly as written, so anything JSON.stringify
 * would silently change (Date, Map, NaN, undefined in arrays, class instances) is refused.
 */
export function assertPlainJson(value: unknown, path = 'data', seen: Set<object> = new Set()): void {
  if (value === null || typeof value === 'boolean') return;
  if (typeof value === 'string') {
    assertStorableString(value, path);
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InvalidAppendError('non-json-data', `${path} is not a finite number`);
    return;
  }
  if (typeof value !== 'object') throw new InvalidAppendError('non-json-data', `${path} is a ${typeof value}, not JSON`);
  if (seen.has(value)) throw new InvalidAppendError('non-json-data', `${path} is a circular reference`);
  seen.add(value);
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (item === undefined) throw new InvalidAppendError('non-json-data', `${path}[${i}] is undefined`);
      assertPlainJson(item, `${path}[${i}]`, seen);
    });
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new InvalidAppendError('non-json-data', `${path} is a ${proto?.constructor?.name ?? 'non-plain'} object, not JSON`);
    }
    for (const [key, item] of Object.entries(value)) {
      assertStorableString(key, `${path} key`);
      if (item === undefined) continue;
      assertPlainJson(item, `${path}.${key}`, seen);
    }
  }
  seen.delete(value);
}

/** PostgreSQL's jsonb refuses NUL and lone surrogates; refusing them here keeps the error typed. */
function assertStorableString(value: string, path: string): void {
  if (value.includes('\u0000')) throw new InvalidAppendError('non-json-data', `${path} contains a NUL character`);
  if (!value.isWellFormed()) throw new InvalidAppendError('non-json-data', `${path} contains a lone surrogate`);
}

/**
 * Validates an append before any I/O; throws {@link InvalidAppendError} so nothing is written.
 */
export function validateAppend(streamId: string, events: readonly NewEvent[]): void {
  assertStreamName(streamId);
  if (!Array.isArray(events) || events.length === 0) throw new InvalidAppendError('empty-batch', 'an append needs at least one event');
  if (events.length > MAX_BATCH_EVENTS) {
    throw new InvalidAppendError('batch-too-large', `an append takes at most ${MAX_BATCH_EVENTS} events, got ${events.length}`);
  }
  const ids = new Set<string>();
  events.forEach((event, i) => {
    if (!event || typeof event !== 'object') throw new InvalidAppendError('non-json-data', `event ${i} is not an object`);
    if (typeof event.type !== 'string' || !EVENT_TYPE_PATTERN.test(event.type)) {
      throw new InvalidAppendError('invalid-event-type', `event ${i}: type ${JSON.stringify(event.type)} is outside ${EVENT_TYPE_PATTERN}`);
    }
    if (event.id !== undefined) {
      if (typeof event.id !== 'string' || !UUID_PATTERN.test(event.id)) {
        throw new InvalidAppendError('invalid-event-id', `event ${i}: id must be a UUID`);
      }
      const id = event.id.toLowerCase();
      if (ids.has(id)) throw new InvalidAppendError('duplicate-event-id', `event ${i}: id ${event.id} repeats within the batch`);
      ids.add(id);
    }
    if (typeof event.occurredAt !== 'string' || !ISO_INSTANT.test(event.occurredAt) || Number.isNaN(Date.parse(event.occurredAt))) {
      throw new InvalidAppendError('invalid-occurred-at', `event ${i}: occurredAt must be an ISO-8601 instant`);
    }
    if (event.data === null || typeof event.data !== 'object' || Array.isArray(event.data)) {
      throw new InvalidAppendError('non-json-data', `event ${i}: data must be a JSON object`);
    }
    assertPlainJson(event.data, `event ${i} data`);
    if (event.metadata !== undefined) {
      if (event.metadata === null || typeof event.metadata !== 'object' || Array.isArray(event.metadata)) {
        throw new InvalidAppendError('non-json-data', `event ${i}: metadata must be a JSON object`);
      }
      assertPlainJson(event.metadata, `event ${i} metadata`);
    }
    const bytes = Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata ?? {}));
    if (bytes > MAX_EVENT_BYTES) {
      throw new InvalidAppendError('payload-too-large', `event ${i}: ${bytes} bytes of data and metadata exceed ${MAX_EVENT_BYTES}`);
    }
  });
}
