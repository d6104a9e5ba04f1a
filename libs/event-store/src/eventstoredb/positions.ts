import { InvalidPositionError } from '../errors.js';
import { parsePosition, START_POSITION } from '../position.js';
import type { EsdbPosition, EsdbRecordedEvent } from './connection.js';

/**
 * Global positions of the EventStoreDB backend.
 *
 * A log position is a pair (commit, prepare) of int64 offsets in the transaction file, ordered by
 * commit then prepare. Events of one transaction can share its commit position and differ only in
 * prepare position, and legacy explicit transactions have commit > prepare: neither half alone is
 * a safe identity, whatever the current server's write path happens to produce. The pair is therefore packed losslessly into
 * one decimal: commit × 2^64 + prepare. Both halves are below 2^63, so the number stays below
 * 2^127 (39 digits, what `parsePosition` accepts), and integer order equals log order: clients
 * compare positions with `comparePositions` exactly as for the SQL backends.
 *
 * "0" is the start of the log, as everywhere in the port; (0, 0) is the first record of every
 * log, an internal system record, so it never names an event the adapter returns.
 */
export const PREPARE_FACTOR = 1n << 64n;
const MAX_LOG_POSITION = (1n << 63n) - 1n;

/** Packs a log position into the port's decimal string. */
export function encodeEsdbPosition(position: EsdbPosition): string {
  const { commit, prepare } = position;
  if (typeof commit !== 'bigint' || typeof prepare !== 'bigint' || commit < 0n || prepare < 0n || commit > MAX_LOG_POSITION || prepare > MAX_LOG_POSITION) {
    throw new InvalidPositionError(`${String(commit)}/${String(prepare)}`);
  }
  return (commit * PREPARE_FACTOR + prepare).toString();
}

/**
 * Unpacks a position string; "0" (the start) gives undefined. Throws {@link InvalidPositionError}
 * on anything that is not a position this backend produced.
 */
export function decodeEsdbPosition(position: string): EsdbPosition | undefined {
  if (position === START_POSITION) return undefined;
  const value = parsePosition(position);
  const commit = value / PREPARE_FACTOR;
  const prepare = value % PREPARE_FACTOR;
  if (commit > MAX_LOG_POSITION || prepare > MAX_LOG_POSITION) throw new InvalidPositionError(position);
  return { commit, prepare };
}

/** Orders two log positions as the server does (commit, then prepare). */
export function compareEsdbPositions(a: EsdbPosition, b: EsdbPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/** A record of $all always has its position; one without it is a server (or client) fault. */
export function requirePosition(record: EsdbRecordedEvent): EsdbPosition {
  if (!record.position) throw new Error(`EventStoreDB returned a record of $all without its position (${record.streamId})`);
  return record.position;
}
