import type { EventFilter } from '../types.js';
import type { EsdbRecordedEvent, EsdbServerFilter } from './connection.js';

/**
 * Filters on $all. Reads of $all are filtered here, in the adapter: db-client 6 sends its reads
 * with "no filter" (only subscriptions take one), and a filtered read would not say how far it
 * scanned, which `ReadAllResult.last` must. Live subscriptions filter on the server.
 */

/** System records (`$`-prefixed streams or types: $metadata, $stats, projections, scavenges, links). */
export function isSystemEvent(event: Pick<EsdbRecordedEvent, 'streamId' | 'type'>): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

/**
 * Whether a record of $all is one the port exposes under `filter`: never a system record, never
 * a non-JSON event (another writer's binary payload cannot become an envelope).
 */
export function matchesFilter(event: EsdbRecordedEvent, filter: EventFilter = {}): boolean {
  if (isSystemEvent(event) || !event.isJson) return false;
  if (filter.types && filter.types.length > 0 && !filter.types.includes(event.type)) return false;
  if (filter.streamPrefix && !event.streamId.startsWith(filter.streamPrefix)) return false;
  return true;
}

/** Escapes a literal for the server's .NET regular expressions (the same metacharacters as JS). */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
}

/**
 * The server-side filter for a live subscription. The server takes one criterion: the stream
 * prefix when there is one (the narrower in this service: one aggregate kind), else the exact
 * types as an anchored alternation, else "no system events". The adapter still applies the whole
 * filter to what arrives.
 */
export function serverFilterFor(filter: EventFilter = {}): EsdbServerFilter {
  if (filter.streamPrefix) return { filterOn: 'streamName', prefixes: [filter.streamPrefix] };
  if (filter.types && filter.types.length > 0) {
    return { filterOn: 'eventType', regex: `^(?:${[...new Set(filter.types)].sort().map(escapeRegex).join('|')})$` };
  }
  return { filterOn: 'eventType', regex: '^[^$]' };
}

/** A stable key for a server filter, so subscriptions with equal filters share one feed. */
export function serverFilterKey(filter: EsdbServerFilter): string {
  return 'prefixes' in filter ? `${filter.filterOn}:p:${JSON.stringify(filter.prefixes)}` : `${filter.filterOn}:r:${filter.regex}`;
}

/** Evaluates a server filter locally (the in-memory connection, and tests of the mapping). */
export function serverFilterMatches(filter: EsdbServerFilter, event: Pick<EsdbRecordedEvent, 'streamId' | 'type'>): boolean {
  const subject = filter.filterOn === 'streamName' ? event.streamId : event.type;
  return 'prefixes' in filter ? filter.prefixes.some((p) => subject.startsWith(p)) : new RegExp(filter.regex).test(subject);
}
