import type { StoredEvent } from '@libs/event-store';
import { RequestValidationError } from '../http/problem.js';

/**
 * The one envelope of every event that leaves the service (api.md): history, feed and stream.
 * `id` is an addition to api.md's list: the event's UUID, a second idempotency key for consumers.
 */
export interface EventEnvelope {
  id: string;
  /** Global position, a decimal string (EventStoreDB's exceed 2^53). */
  position: string;
  streamId: string;
  version: number;
  type: string;
  data: Record<string, unknown>;
  occurredAt: string;
  metadata: Record<string, unknown>;
}

/** Maps a stored event to the envelope, with the keys in api.md's order. */
export function toEnvelope(event: StoredEvent): EventEnvelope {
  return {
    id: event.id,
    position: event.position,
    streamId: event.streamId,
    version: event.version,
    type: event.type,
    data: event.data,
    occurredAt: event.occurredAt,
    metadata: event.metadata,
  };
}

/** One `{field, message}` of a 400 answer (api.md conventions). */
export interface FieldError {
  field: string;
  message: string;
}

/** Throws the 400 the global problem+json filter answers with `errors: [{field, message}]`. */
export function invalidInput(errors: FieldError[]): never {
  throw new RequestValidationError(errors);
}
