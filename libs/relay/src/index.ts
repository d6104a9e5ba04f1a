export * from './envelope.js';
export * from './sink.js';
