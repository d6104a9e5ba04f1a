/**
 * @libs/codec — the read boundary between the event store and everything else: every stored
 * event becomes a domain event (upcast to its current contract) here and nowhere else. The
 * processes open their store through {@link openDomainEventStore}; components that are handed a
 * store wrap it with {@link domainEventStore} (idempotent); integrity checks alone read
 * {@link storedOf}. "State as of" ({@link stateAsOf}) lives here too: one fold over the decoded stream.
 */
export { decodeEvent, toDomainEvent } from './decode.js';
export { domainEventStore, storedOf } from './domain-event-store.js';
export { openDomainEventStore } from './open.js';
export { foldAsOf, stateAsOf, type AsOf, type FoldedState, type Folder } from './fold.js';
