import { AmqpSink, type BrokerLogger } from './brokers/amqp-sink.js';
import { NatsSink } from './brokers/nats-sink.js';
import type { RelayConfig } from './config.js';
import type { RelaySink, SinkFilter } from './sink.js';

/** A sink the configuration asks for, with the events it gets. */
export interface ConfiguredSink {
  sink: RelaySink;
  filter?: SinkFilter;
}

/** Reconnection back-off of the broker clients: the relays' retry policy, so one setting tunes both. */
function reconnectPolicy(config: RelayConfig): { initialMs: number; maxMs: number } {
  return { initialMs: config.retry.baseMs, maxMs: Math.min(config.retry.maxMs, 30_000) };
}

/**
 * The broker relays the configuration asks for (`RELAY_AMQP_URL`, `RELAY_NATS_URL`); both
 * processes that run relays (service, projector) get them. The sinks connect on their first
 * delivery: a process registers them even when another one holds their lock, and a broker that
 * is down at start only delays delivery (the clients reconnect with back-off).
 */
export function brokerSinks(config: RelayConfig, logger?: BrokerLogger): ConfiguredSink[] {
  const out: ConfiguredSink[] = [];
  const reconnect = reconnectPolicy(config);
  const { amqp, nats } = config.brokers;
  if (amqp) out.push({ sink: new AmqpSink({ url: amqp.url, exchange: amqp.exchange, reconnect, logger }) });
  if (nats) out.push({ sink: new NatsSink({ url: nats.url, stream: nats.stream, subjectPrefix: nats.subjectPrefix, reconnect, logger }) });
  return out;
}
