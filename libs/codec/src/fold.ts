import type { EventStore, StoredEvent } from '@libs/event-store';
import { domainEventStore } from './domain-event-store.js';

/** The part of a decider that folds events into state (`subscriberDecider`, `caseDecider`). */
export interface Folder<S, E = { type: string; data: unknown }> {
  initialState(): S;
  evolve(state: S, event: E): S;
}

/** Where to stop folding; both may be given, the earlier one wins. */
export interface AsOf {
  /** An instant: events whose business time (`occurredAt`) is at or before it. */
  asOf?: string;
  /** A stream version: events up to and including it. */
  version?: number;
}

export interface FoldedState<S> {
  state: S;
  /** Version of the last event folded; -1 when none was. */
  version: number;
  /** Events folded. */
  events: number;
  /** Business time of the last event folded. */
  lastOccurredAt?: string;
}

/**
 * Folds a stream's events up to an instant or version (domain.md §7 "state as of").
 *
 * Business time never goes backwards within a stream (the domain refuses `time-goes-backwards`),
 * so the events at or before an instant are a prefix of the stream: folding stops at the first
 * event past it, and the rest of the stream is never read.
 */
export async function foldAsOf<S, E = { type: string; data: unknown }>(events: AsyncIterable<StoredEvent>, folder: Folder<S, E>, at: AsOf = {}): Promise<FoldedState<S>> {
  const limitMs = at.asOf === undefined ? Infinity : instantMs(at.asOf);
  const maxVersion = at.version ?? Infinity;
  let state = folder.initialState();
  let version = -1;
  let count = 0;
  let lastOccurredAt: string | undefined;
  for await (const event of events) {
    if (event.version > maxVersion || Date.parse(event.occurredAt) > limitMs) break;
    state = folder.evolve(state, event as unknown as E);
    version = event.version;
    lastOccurredAt = event.occurredAt;
    count++;
  }
  return { state, version, events: count, lastOccurredAt };
}

/**
 * The one "state as of" of the service: a stream of the store read through the codec (upcast to
 * the current contracts) and folded up to an instant or version. Aggregate queries (`?asOf=`,
 * `?version=`), the audit routes and the audit CLI all call this.
 */
export function stateAsOf<S, E = { type: string; data: unknown }>(store: EventStore, streamId: string, folder: Folder<S, E>, at: AsOf = {}): Promise<FoldedState<S>> {
  return foldAsOf(domainEventStore(store).iterateStream(streamId, { pageSize: 500 }), folder, at);
}

function instantMs(instant: string): number {
  const ms = Date.parse(instant);
  if (Number.isNaN(ms)) throw new RangeError(`not an ISO-8601 instant: ${instant}`);
  return ms;
}
