import type { EventEnvelope } from '../envelope.js';

/**
 * The category of an event: its stream's name up to the first dash (`subscriber-perez` →
 * `subscriber`, `case-…` → `case`), the same word the contracts' `stream` field gives.
 */
function eventCategory(event: Pick<EventEnvelope, 'streamId'>): string {
  const dash = event.streamId.indexOf('-');
  return dash > 0 ? event.streamId.slice(0, dash) : event.streamId;
}

/**
 * AMQP routing key `<category>.<EventType>` (domain.md §8): a consumer binds `subscriber.*`,
 * `*.ServiceSuspended` or `#` on the topic exchange.
 */
export function amqpRoutingKey(event: Pick<EventEnvelope, 'streamId' | 'type'>): string {
  return `${eventCategory(event)}.${event.type}`;
}

/** NATS subject `<prefix>.<category>.<EventType>` (default prefix `client-lifecycle`). */
export function natsSubject(prefix: string, event: Pick<EventEnvelope, 'streamId' | 'type'>): string {
  return `${prefix}.${eventCategory(event)}.${event.type}`;
}

/** A NATS subject token may not hold spaces, dots or the wildcards. */
export function isSubjectPrefix(prefix: string): boolean {
  return /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix);
}

/** Serialised once per event: the body on every broker is the feed's envelope. */
export function envelopeBody(event: EventEnvelope): Buffer {
  return Buffer.from(JSON.stringify(event));
}
