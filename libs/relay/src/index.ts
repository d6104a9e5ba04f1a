/**
 * @libs/relay — push delivery (domain.md §8): the one relay mechanism that hands the log, in
 * order and from a checkpoint of its own, to every sink — webhook subscriptions, the AMQP and
 * NATS relays — and the webhooks themselves.
 */
export * from './envelope.js';
export * from './sink.js';
export * from './backoff.js';
export * from './engine.js';
export * from './status.js';
export * from './webhooks/signing.js';
export * from './webhooks/address-guard.js';
export * from './webhooks/store.js';
export * from './webhooks/sink.js';
export * from './webhooks/manager.js';
export * from './config.js';
export * from './configured.js';
export * from './host.js';
export * from './brokers/index.js';
