import { eventContracts, isDomainEventType, upcastEvent } from '@libs/domain';
import type { StoredEvent } from '@libs/event-store';

/** Turns a stored event into the event a reader is given (same envelope). */
export type EventUpcaster = (event: StoredEvent) => StoredEvent;

/** Leaves events exactly as stored: what the hash chain protects. */
export const asStored: EventUpcaster = (event) => event;

/**
 * Brings an event's data to the current version of its contract (domain.md §8: "an old version
 * is upcast on read"). `metadata.schemaVersion` then names the version the data now matches, and
 * `metadata.upcastFrom` the version that was stored — the hash still covers the stored data, so
 * an auditor who recomputes the chain reads the stream as stored (`asStored`).
 *
 * Events the domain does not know (other producers, tests) and versions newer than this code
 * pass through unchanged: their `schemaVersion` still says honestly what the data is, whereas
 * refusing them would stop every feed reader at that event.
 */
export const upcastToCurrent: EventUpcaster = (event) => {
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
};
