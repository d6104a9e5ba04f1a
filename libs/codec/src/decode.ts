import { eventContracts, isDomainEventType, upcastEvent, type DomainEvent } from '@libs/domain';
import type { StoredEvent } from '@libs/event-store';

/**
 * The codec at the store boundary: brings a stored event's data to the current version of its
 * contract (domain.md §8: "an old version is upcast on read"). This is the only place that does
 * it; a future codec change (a new version, a renamed field) happens here and every reader —
 * write path, aggregate queries, audit, feed, projections, policies — sees it at once.
 *
 * `metadata.schemaVersion` then names the version the data now matches and `metadata.upcastFrom`
 * the version that was stored; the hash still covers the stored data, so integrity checks read
 * the stream as stored ({@link storedOf}).
 *
 * Events the domain does not know (other producers, tests) and versions newer than this code
 * pass through unchanged: their `schemaVersion` still says honestly what the data is, whereas
 * refusing them would stop every reader at that event. Decoding is idempotent.
 */
export function decodeEvent(event: StoredEvent): StoredEvent {
  if (!isDomainEventType(event.type)) return event;
  const stored = typeof event.metadata.schemaVersion === 'number' ? event.metadata.schemaVersion : 1;
  if (stored >= eventContracts[event.type].schemaVersion) return event;
  let upcast: ReturnType<typeof upcastEvent>;
  try {
    upcast = upcastEvent({ type: event.type, data: event.data, schemaVersion: stored });
  } catch {
    return event;
  }
  return {
    ...event,
    data: upcast.data as unknown as Record<string, unknown>,
    metadata: { ...event.metadata, schemaVersion: upcast.schemaVersion, upcastFrom: stored },
  };
}

/** A decoded event of a type this code knows, typed as the domain's union; undefined otherwise. */
export function toDomainEvent(event: StoredEvent): (StoredEvent & DomainEvent) | undefined {
  if (!isDomainEventType(event.type)) return undefined;
  return decodeEvent(event) as StoredEvent & DomainEvent;
}
