import type { StoredEvent } from '@libs/event-store';

/**
 * The one envelope of every event that leaves the service (api.md): history, feed, stream,
 * webhooks and brokers. `id` is the event's UUID: the `webhook-id` and the brokers' message id, so
 * a receiver de-duplicates a redelivery by it.
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
