import { isDomainEventType } from '@libs/domain';
import { parsePosition, STREAM_NAME_PATTERN } from '@libs/event-store';
import { invalidInput, type FieldError } from './envelope.js';

/** Page size of `GET /v1/events` (api.md): 1..1000, default 100. */
const FEED_DEFAULT_LIMIT = 100;
export const FEED_MAX_LIMIT = 1000;

/** A feed request once validated. */
export interface FeedQuery {
  /** Exclusive lower bound; undefined = from the beginning. */
  after?: string;
  limit: number;
  types?: string[];
  streamPrefix?: string;
}

type RawQuery = Record<string, unknown>;

/** Query values arrive as a string, an array (repeated key) or nothing; only one string is accepted. */
function single(query: RawQuery, field: string, errors: FieldError[]): string | undefined {
  const value = query[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    errors.push({ field, message: 'must be given once' });
    return undefined;
  }
  return value;
}

function position(field: string, value: string | undefined, errors: FieldError[]): string | undefined {
  if (value === undefined || value === '') return undefined;
  try {
    parsePosition(value);
    return value;
  } catch {
    errors.push({ field, message: 'must be a position: a non-negative decimal integer as returned by the feed' });
    return undefined;
  }
}

/**
 * Validates the filter and resume point shared by `GET /v1/events` and `GET /v1/events/stream`.
 * `lastEventId` (the SSE `Last-Event-ID` header) wins over `after`: a reconnecting EventSource
 * repeats the URL it was opened with, so the header is the fresher resume point.
 */
export function parseFeedQuery(query: RawQuery, options: { paged: boolean; lastEventId?: string | string[] }): FeedQuery {
  const errors: FieldError[] = [];
  let after = position('after', single(query, 'after', errors), errors);
  const header = options.lastEventId;
  if (header !== undefined) {
    const value = Array.isArray(header) ? header[0] : header;
    const resumed = position('Last-Event-ID', value?.trim(), errors);
    if (resumed !== undefined) after = resumed;
  }

  let limit = FEED_DEFAULT_LIMIT;
  const rawLimit = single(query, 'limit', errors);
  if (rawLimit !== undefined) {
    if (!options.paged) errors.push({ field: 'limit', message: 'is not accepted on the stream' });
    else if (!/^[0-9]{1,5}$/.test(rawLimit) || Number(rawLimit) < 1 || Number(rawLimit) > FEED_MAX_LIMIT) {
      errors.push({ field: 'limit', message: `must be an integer from 1 to ${FEED_MAX_LIMIT}` });
    } else limit = Number(rawLimit);
  }

  let types: string[] | undefined;
  const rawTypes = single(query, 'types', errors);
  if (rawTypes !== undefined && rawTypes.trim() !== '') {
    types = [...new Set(rawTypes.split(',').map((t) => t.trim()).filter(Boolean))];
    const unknown = types.filter((t) => !isDomainEventType(t));
    if (unknown.length > 0) errors.push({ field: 'types', message: `unknown event types: ${unknown.join(', ')} (see GET /v1/events/schemas)` });
    if (types.length === 0) types = undefined;
  }

  let streamPrefix: string | undefined;
  const rawStream = single(query, 'stream', errors);
  if (rawStream !== undefined && rawStream !== '') {
    // A prefix of a valid stream name is itself shaped like one.
    if (!STREAM_NAME_PATTERN.test(rawStream)) errors.push({ field: 'stream', message: 'must be a stream-name prefix, e.g. "subscriber-" or "case-"' });
    else streamPrefix = rawStream;
  }

  if (errors.length > 0) invalidInput(errors);
  return { after, limit, types, streamPrefix };
}
