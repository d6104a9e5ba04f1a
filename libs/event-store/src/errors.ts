import type { ExpectedVersion } from './types.js';

/** Base class of every error the event-store port raises on purpose. */
export class EventStoreError extends Error {
  constructor(
    /** Stable machine-readable code. */
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The stream was not at the expected version; nothing was written. */
export class ConcurrencyError extends EventStoreError {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    /** Actual version, -1 when the stream does not exist. */
    readonly actual: number,
  ) {
    super('concurrency-conflict', `stream ${streamId}: expected version ${String(expected)}, actual ${actual}`);
  }
}

/** Input the store refuses before touching the database; nothing was written. */
export class InvalidAppendError extends EventStoreError {
  constructor(
    /** e.g. `empty-batch`, `invalid-stream-name`, `invalid-event-type`, `payload-too-large`, `non-json-data`, `invalid-event-id`, `duplicate-event-id` */
    readonly reason: string,
    message: string,
  ) {
    super(reason, message);
  }
}

/** A position string that is not one this store produced. */
export class InvalidPositionError extends EventStoreError {
  constructor(position: string) {
    super('invalid-position', `not a valid position: ${JSON.stringify(position)}`);
  }
}

/** The backend could not be reached or initialised. */
export class EventStoreUnavailableError extends EventStoreError {
  constructor(message: string, override readonly cause?: unknown) {
    super('event-store-unavailable', message);
  }
}

/** Error codes of a connection that failed or was refused (Node's socket errors). */
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
/**
 * SQLSTATEs that mean "the server is going or gone, try again": class 08 (connection exception),
 * 57P01–57P03 (admin/crash shutdown, cannot connect now), 53300 (too many connections).
 */
const UNAVAILABLE_SQLSTATES = /^(08...|57P0[123]|53300)$/;
/** Messages of `pg` and PGlite for a connection they lost, could not make in time, or closed. */
const UNAVAILABLE_MESSAGES =
  /Connection terminated|connection error|not queryable|timeout exceeded when trying to connect|Query read timeout|Client was closed|Cannot use a pool after calling end|PGlite is closed/i;

/**
 * True when `error` (or its cause) says the database could not be reached — as opposed to a
 * refused statement. Callers answer 503 and retry later; nothing was (knowingly) written.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (depth > 4 || typeof error !== 'object' || error === null) return false;
  if (error instanceof EventStoreUnavailableError) return true;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
  if (typeof e.code === 'string' && (SOCKET_CODES.has(e.code) || UNAVAILABLE_SQLSTATES.test(e.code))) return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  if (Array.isArray(e.errors) && e.errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}
