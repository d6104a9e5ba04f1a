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
