import kurrent from '@kurrent/kurrentdb-client';
import { ConcurrencyError, EventStoreUnavailableError } from '../errors.js';
import { actualVersionOf, isStreamNotFound, isUnavailable, isWrongExpectedVersion, toConcurrencyError, unavailableError } from './errors.js';

const { WrongExpectedVersionError, StreamNotFoundError, UnavailableError, DeadlineExceededError, AccessDeniedError } = kurrent;

describe('client errors → port errors', () => {
  it("maps the client's WrongExpectedVersionError to ConcurrencyError with expected and actual", () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 'subscriber-1', expected: 3n, current: 5n });
    expect(isWrongExpectedVersion(error)).toBe(true);
    const mapped = toConcurrencyError(error, 'subscriber-1', 3);
    expect(mapped).toBeInstanceOf(ConcurrencyError);
    expect(mapped).toMatchObject({ code: 'concurrency-conflict', streamId: 'subscriber-1', expected: 3, actual: 5 });
  });

  it('reads a missing stream as -1 and keeps the caller expectation as given', () => {
    const error = new WrongExpectedVersionError(undefined, { streamName: 's', expected: 'stream_exists', current: 'no_stream' });
    expect(toConcurrencyError(error, 's', 'stream_exists')).toMatchObject({ expected: 'stream_exists', actual: -1 });
  });

  it("also reads kurrentdb-client's actualState", () => {
    expect(actualVersionOf({ type: 'wrong-expected-version', actualState: 9n })).toBe(9);
  });

  it('tells conflicts, missing streams and unreachable servers apart', () => {
    expect(isWrongExpectedVersion(new StreamNotFoundError(undefined, 's'))).toBe(false);
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 's'))).toBe(true);
    expect(isUnavailable(new UnavailableError())).toBe(true);
    expect(isUnavailable(new DeadlineExceededError())).toBe(true);
    expect(isUnavailable(new AccessDeniedError())).toBe(false);
    expect(isUnavailable({ code: 14 })).toBe(true);
    expect(isWrongExpectedVersion(new Error('x'))).toBe(false);
    expect(isWrongExpectedVersion(undefined)).toBe(false);
  });

  it('builds the unavailable error with the connection string masked and the password scrubbed from the cause', () => {
    const connectionString = 'esdb://admin:p4ss@es.internal:2113?tls=false';
    const error = unavailableError(connectionString, new UnavailableError(undefined, 'failed to connect with admin:p4ss'));
    expect(error).toBeInstanceOf(EventStoreUnavailableError);
    expect(error.code).toBe('event-store-unavailable');
    expect(error.message).toBe('EventStoreDB at esdb://admin:***@es.internal:2113?tls=false is unreachable: failed to connect with admin:***');
    expect(error.message).not.toContain('p4ss');
    expect(error.cause).toBeInstanceOf(UnavailableError);
  });
});
