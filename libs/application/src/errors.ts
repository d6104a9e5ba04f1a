/** The same Idempotency-Key was sent again with a different command (HTTP 422). */
export class IdempotencyKeyReusedError extends Error {
  readonly code = 'idempotency-key-reused' as const;
  constructor(readonly key: string) {
    super(`Idempotency-Key ${key} was already used for a different request`);
    this.name = 'IdempotencyKeyReusedError';
  }
}

/** A request with this Idempotency-Key is still being processed (HTTP 409; retry later). */
export class IdempotencyKeyInUseError extends Error {
  readonly code = 'idempotency-key-in-use' as const;
  constructor(readonly key: string) {
    super(`a request with Idempotency-Key ${key} is still in progress`);
    this.name = 'IdempotencyKeyInUseError';
  }
}

/** `asOf`/`version` before the aggregate existed, or an aggregate that does not exist (HTTP 404). */
export class AggregateNotFoundError extends Error {
  readonly code: 'unknown-subscriber' | 'unknown-case';
  constructor(readonly aggregate: 'subscriber' | 'case', readonly id: string, detail?: string) {
    super(detail ?? `${aggregate} ${id} does not exist`);
    this.name = 'AggregateNotFoundError';
    this.code = aggregate === 'subscriber' ? 'unknown-subscriber' : 'unknown-case';
  }
}
