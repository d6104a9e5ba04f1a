import type { RelayConfig } from './config.js';
import type { RelaySink, SinkFilter } from './sink.js';

/** A sink the configuration asks for, with the events it gets. */
export interface ConfiguredSink {
  sink: RelaySink;
  filter?: SinkFilter;
}

/**
 * The broker relays the configuration asks for (`RELAY_AMQP_URL`, `RELAY_NATS_URL`): the AMQP
 * and NATS sinks register here, and both processes that run relays (service, projector) get them.
 * Sinks should connect lazily (in `deliver`): a process registers them even when another holds
 * their lock.
 */
export function brokerSinks(_config: RelayConfig): ConfiguredSink[] {
  return [];
}
