import { InvalidPositionError } from './errors.js';

/**
 * Global positions of the SQL backends.
 *
 * Events are read in (transaction_id, global_position) order, where transaction_id is the
 * writing transaction's xid8 and global_position an identity column. The pair is exposed as one
 * decimal: transaction_id × 10^12 + global_position. That number grows strictly in read order, so
 * clients compare positions as integers and resume with `after=<position>`. global_position must
 * stay below 10^12 (a trillion events), which the schema enforces with a CHECK constraint.
 */
export const POSITION_FACTOR = 1_000_000_000_000n;

export interface SqlCursor {
  /** xid8 as a decimal string. */
  transactionId: string;
  globalPosition: string;
}

export const START_POSITION = '0';

export function encodePosition(transactionId: string | number | bigint, globalPosition: string | number | bigint): string {
  return (BigInt(transactionId) * POSITION_FACTOR + BigInt(globalPosition)).toString();
}

/** Parses a position string; throws {@link InvalidPositionError} on anything but a non-negative integer. */
export function parsePosition(position: string): bigint {
  if (typeof position !== 'string' || !/^(0|[1-9][0-9]{0,38})$/.test(position)) throw new InvalidPositionError(String(position));
  return BigInt(position);
}

export function decodePosition(position: string): SqlCursor {
  const value = parsePosition(position);
  return { transactionId: (value / POSITION_FACTOR).toString(), globalPosition: (value % POSITION_FACTOR).toString() };
}

/** Compares two positions numerically. */
export function comparePositions(a: string, b: string): number {
  const x = parsePosition(a);
  const y = parsePosition(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function maxPosition(a: string, b: string): string {
  return comparePositions(a, b) >= 0 ? a : b;
}
