import type { EventEnvelope } from './envelope.js';

/**
 * Where a relay delivers: one webhook subscription, the AMQP exchange, the NATS stream. The relay
 * engine hands it the log in position order, one event at a time, from the sink's own checkpoint,
 * and moves the checkpoint only after `deliver` resolved: at-least-once, in order, never skipped
 * (a receiver de-duplicates by the envelope's `id`).
 */
export interface RelaySink {
  /** Checkpoint name, unique: 'relay:amqp', 'relay:nats', 'webhook:<id>'. */
  readonly name: string;
  /** Resolves only once the sink acknowledged this event; throws to have it retried (with back-off). */
  deliver(event: EventEnvelope): Promise<void>;
  /**
   * Optional: several consecutive events at once (a broker publishing them in order and waiting
   * for every confirm at the end). Resolves only once all are acknowledged; on a throw the engine
   * retries from the first of them, so a receiver may see some again, never out of order.
   */
  deliverBatch?(events: readonly EventEnvelope[]): Promise<void>;
  close(): Promise<void>;
}

/** Which events a sink gets (default all); passed to the store's filtered read. */
export interface SinkFilter {
  types?: readonly string[];
  /** Only streams whose name starts with this prefix. */
  streamPrefix?: string;
}

/**
 * Thrown by `deliver` when the sink must not be attempted again until someone re-enables it (a
 * webhook that has been failing for `WEBHOOK_FAILING_AFTER`): the engine stops that sink where it
 * is — its checkpoint stays before the event, so nothing is lost — instead of retrying.
 */
export class SinkPausedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SinkPausedError';
  }
}
