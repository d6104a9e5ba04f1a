import { ConcurrencyError, EventStoreUnavailableError } from '../errors.js';
import type { ExpectedVersion } from '../types.js';
import type { EsdbCurrentRevision } from './connection.js';
import { connectionStringPassword, maskConnectionString } from './connection-string.js';
import { currentRevisionToVersion } from './revisions.js';

/**
 * The client's errors → the port's. Recognised by their `type` (the client's ErrorType values),
 * not by class, so the mapping survives a second copy of the client or its KurrentDB successor,
 * whose error carries `actualState` where db-client 6 has `actualVersion`.
 */
interface ClientErrorShape {
  type?: unknown;
  code?: unknown;
  actualVersion?: EsdbCurrentRevision;
  actualState?: EsdbCurrentRevision;
}

const WRONG_EXPECTED_VERSION = 'wrong-expected-version';
const UNAVAILABLE_TYPES = new Set(['unavailable', 'deadline-exceeded', 'timeout', 'cancelled', 'not-leader']);
/** gRPC status codes that mean "could not talk to the server": UNAVAILABLE, DEADLINE_EXCEEDED. */
const UNAVAILABLE_GRPC_CODES = new Set([14, 4]);

function shape(error: unknown): ClientErrorShape {
  return error !== null && typeof error === 'object' ? (error as ClientErrorShape) : {};
}

export function isWrongExpectedVersion(error: unknown): boolean {
  return shape(error).type === WRONG_EXPECTED_VERSION;
}

export function isStreamNotFound(error: unknown): boolean {
  return shape(error).type === 'stream-not-found';
}

/** Whether an error means the server could not be reached (as opposed to refusing a request). */
export function isUnavailable(error: unknown): boolean {
  const { type, code } = shape(error);
  return (typeof type === 'string' && UNAVAILABLE_TYPES.has(type)) || (typeof code === 'number' && UNAVAILABLE_GRPC_CODES.has(code));
}

/** The stream's actual version from a wrong-expected-version error (-1 when it does not exist). */
export function actualVersionOf(error: unknown): number {
  const { actualVersion, actualState } = shape(error);
  return currentRevisionToVersion(actualVersion ?? actualState);
}

/** `WrongExpectedVersionError` → {@link ConcurrencyError} with the caller's expectation and the actual version. */
export function toConcurrencyError(error: unknown, streamId: string, expected: ExpectedVersion): ConcurrencyError {
  return new ConcurrencyError(streamId, expected, actualVersionOf(error));
}

/**
 * The error `init()` and open raise when the server cannot be reached: names EventStoreDB and the
 * connection string with its password masked (also scrubbed from the cause's message).
 */
export function unavailableError(connectionString: string, cause: unknown): EventStoreUnavailableError {
  const password = connectionStringPassword(connectionString);
  let detail = cause instanceof Error ? cause.message : String(cause);
  if (password) detail = detail.split(password).join('***');
  return new EventStoreUnavailableError(`EventStoreDB at ${maskConnectionString(connectionString)} is unreachable: ${detail}`, cause);
}
