import { InvalidAppendError } from '../errors.js';
import type { ExpectedVersion } from '../types.js';
import type { EsdbCurrentRevision, EsdbExpectedRevision } from './connection.js';

/**
 * Expected versions of the port ↔ expected revisions of the client. The port's versions are the
 * server's revisions (both count from 0, -1 / no_stream for a missing stream); only the number
 * type differs: revisions are bigint, versions safe integers.
 */

/** Refuses what no backend accepts, with the SQL backends' error. */
export function assertExpectedVersion(expected: ExpectedVersion): void {
  if (expected === 'any' || expected === 'no_stream' || expected === 'stream_exists') return;
  if (typeof expected !== 'number' || !Number.isSafeInteger(expected) || expected < 0) {
    throw new InvalidAppendError('invalid-expected-version', `expected version must be a non-negative integer, no_stream, stream_exists or any`);
  }
}

/** The client's value for a port expectation (`expectedRevision` / `streamState`). */
export function toExpectedRevision(expected: ExpectedVersion): EsdbExpectedRevision {
  assertExpectedVersion(expected);
  return typeof expected === 'number' ? BigInt(expected) : expected;
}

/** The port's expectation for a client value. */
export function fromExpectedRevision(revision: EsdbExpectedRevision): ExpectedVersion {
  return typeof revision === 'bigint' ? revisionToVersion(revision) : revision;
}

/**
 * The exact revision an append builds on, from the stream's version (-1 = missing). The adapter
 * always appends with an exact revision because the hash chain is computed on that event.
 */
export function exactRevision(version: number): EsdbExpectedRevision {
  return version < 0 ? 'no_stream' : BigInt(version);
}

/** A stream revision as a port version; revisions beyond 2^53 cannot occur in practice but are refused loudly. */
export function revisionToVersion(revision: bigint): number {
  if (revision > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`stream revision ${revision} exceeds the port's safe integer versions`);
  return Number(revision);
}

/** The client's current revision as a port version (-1 for a missing stream). */
export function currentRevisionToVersion(current: EsdbCurrentRevision | undefined): number {
  return current === undefined || current === 'no_stream' ? -1 : revisionToVersion(BigInt(current));
}

/** Whether a stream at `actual` (-1 = missing) satisfies the caller's expectation. */
export function satisfiesExpectation(expected: ExpectedVersion, actual: number): boolean {
  switch (expected) {
    case 'any':
      return true;
    case 'no_stream':
      return actual < 0;
    case 'stream_exists':
      return actual >= 0;
    default:
      return actual === expected;
  }
}
