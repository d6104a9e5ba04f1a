export * from './routing.js';
export * from './amqp-sink.js';
export * from './nats-sink.js';
