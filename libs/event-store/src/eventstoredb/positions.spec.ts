import type { Position } from '@kurrent/kurrentdb-client';
import fc from 'fast-check';
import { InvalidPositionError } from '../errors.js';
import { comparePositions, maxPosition } from '../position.js';
import { compareEsdbPositions, decodeEsdbPosition, encodeEsdbPosition, PREPARE_FACTOR } from './positions.js';

const MAX = (1n << 63n) - 1n;
const logPosition = fc.bigInt({ min: 0n, max: MAX });
const position = fc.record({ commit: logPosition, prepare: logPosition });

describe('EventStoreDB positions', () => {
  it('round-trips any (commit, prepare) pair of the client losslessly', () => {
    fc.assert(
      fc.property(position, (p: Position) => {
        const encoded = encodeEsdbPosition(p);
        expect(encoded).toMatch(/^(0|[1-9][0-9]*)$/);
        const decoded = encodeEsdbPosition(p) === '0' ? { commit: 0n, prepare: 0n } : decodeEsdbPosition(encoded);
        expect(decoded).toEqual(p);
      }),
    );
  });

  it('orders encoded strings exactly as the server orders log positions (commit, then prepare)', () => {
    fc.assert(
      fc.property(position, position, (a, b) => {
        expect(Math.sign(comparePositions(encodeEsdbPosition(a), encodeEsdbPosition(b)))).toBe(Math.sign(compareEsdbPositions(a, b)));
      }),
    );
  });

  it('keeps events of one append apart and in order beyond 2^53', () => {
    const commit = 2n ** 53n + 1n;
    const first = encodeEsdbPosition({ commit, prepare: commit });
    const second = encodeEsdbPosition({ commit, prepare: commit + 1n });
    const nextAppend = encodeEsdbPosition({ commit: commit + 2n, prepare: commit + 2n });
    expect(Number(first)).toBe(Number(second)); // what a float would have lost
    expect(comparePositions(first, second)).toBe(-1);
    expect(comparePositions(second, nextAppend)).toBe(-1);
    expect(maxPosition(nextAppend, first)).toBe(nextAppend);
    expect(BigInt(first)).toBe(commit * PREPARE_FACTOR + commit);
  });

  it('uses the largest positions the server can produce within the port\'s 39 digits', () => {
    const encoded = encodeEsdbPosition({ commit: MAX, prepare: MAX });
    expect(encoded.length).toBeLessThanOrEqual(39);
    expect(decodeEsdbPosition(encoded)).toEqual({ commit: MAX, prepare: MAX });
  });

  it('maps "0" to the start of the log', () => {
    expect(decodeEsdbPosition('0')).toBeUndefined();
  });

  it.each(['abc', '-1', '01', '1.5', '', ' 1'])('refuses the malformed position %j', (bad) => {
    expect(() => decodeEsdbPosition(bad)).toThrow(InvalidPositionError);
  });

  it('refuses numbers whose halves are outside int64 (not produced by this backend)', () => {
    expect(() => decodeEsdbPosition(((1n << 63n) * PREPARE_FACTOR).toString())).toThrow(InvalidPositionError);
    expect(() => decodeEsdbPosition((PREPARE_FACTOR - 1n).toString())).toThrow(InvalidPositionError);
    expect(() => encodeEsdbPosition({ commit: -1n, prepare: 0n })).toThrow(InvalidPositionError);
    expect(() => encodeEsdbPosition({ commit: 0n, prepare: 1n << 63n })).toThrow(InvalidPositionError);
  });
});
