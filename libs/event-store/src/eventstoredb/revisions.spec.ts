import kurrent, { type AppendStreamState, type CurrentStreamState } from '@kurrent/kurrentdb-client';
import { InvalidAppendError } from '../errors.js';
import type { ExpectedVersion } from '../types.js';
import {
  currentRevisionToVersion,
  exactRevision,
  fromExpectedRevision,
  revisionToVersion,
  satisfiesExpectation,
  toExpectedRevision,
} from './revisions.js';

const { ANY, NO_STREAM, STREAM_EXISTS } = kurrent;

describe('expected version ↔ expected revision', () => {
  it.each<[ExpectedVersion, AppendStreamState]>([
    ['any', ANY],
    ['no_stream', NO_STREAM],
    ['stream_exists', STREAM_EXISTS],
    [0, 0n],
    [41, 41n],
    [Number.MAX_SAFE_INTEGER, BigInt(Number.MAX_SAFE_INTEGER)],
  ])('maps %p to the client value %p and back', (expected, revision) => {
    const mapped: AppendStreamState = toExpectedRevision(expected);
    expect(mapped).toBe(revision);
    expect(fromExpectedRevision(mapped)).toBe(expected);
  });

  it.each([-1, -3, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1, 'latest'])('refuses %p with invalid-expected-version', (bad) => {
    let error: unknown;
    try {
      toExpectedRevision(bad as ExpectedVersion);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidAppendError);
    expect((error as InvalidAppendError).reason).toBe('invalid-expected-version');
  });

  it('builds the exact revision an append is chained on', () => {
    expect(exactRevision(-1)).toBe(NO_STREAM);
    expect(exactRevision(0)).toBe(0n);
    expect(exactRevision(7)).toBe(7n);
  });

  it("reads the client's current revision as a version", () => {
    const missing: CurrentStreamState = NO_STREAM;
    expect(currentRevisionToVersion(missing)).toBe(-1);
    expect(currentRevisionToVersion(undefined)).toBe(-1);
    expect(currentRevisionToVersion(12n)).toBe(12);
    expect(() => revisionToVersion(2n ** 60n)).toThrow(RangeError);
  });

  it.each<[ExpectedVersion, number, boolean]>([
    ['any', -1, true],
    ['any', 4, true],
    ['no_stream', -1, true],
    ['no_stream', 0, false],
    ['stream_exists', -1, false],
    ['stream_exists', 0, true],
    [3, 3, true],
    [3, 4, false],
    [0, -1, false],
  ])('expectation %p against a stream at %p: %p', (expected, actual, ok) => {
    expect(satisfiesExpectation(expected, actual)).toBe(ok);
  });
});
