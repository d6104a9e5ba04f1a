import type { StoredEvent } from '@libs/event-store';
import { retryDelay, type RetryPolicy } from './backoff.js';
import { toEnvelope } from './envelope.js';
import { SinkPausedError, type RelaySink } from './sink.js';

export interface RelayLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Metrics hooks (the service's and the projector's `client_lifecycle_relay_*`). */
export interface RelayObserver {
  delivered?(sink: string, seconds: number): void;
  failed?(sink: string, seconds: number): void;
}

/** Thrown into a subscription's handler to end a run that was stopped, paused or superseded. */
export class Aborted extends Error {}

/** What the delivery of one chunk reads and updates of a sink's runtime in the engine. */
export interface DeliveryState {
  sink: RelaySink;
  /** Bumped at every (re)start and stop: a handler of an older generation does nothing more. */
  generation: number;
  abort?: AbortController;
  failures: number;
  lastError?: string;
  paused?: string;
}

export interface DeliveryOptions<S extends DeliveryState = DeliveryState> {
  retry: RetryPolicy;
  /** Jitter source, [0, 1). */
  random: () => number;
  logger: RelayLogger;
  observer?: RelayObserver;
  /** The sink refused further events (SinkPausedError): the engine stops its runner. */
  onPaused(rt: S): void;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

/**
 * Delivers consecutive events, retrying them — the same events, with capped exponential back-off
 * and jitter — until acknowledged; false when stopped or paused. The events after them wait: the
 * engine moves the checkpoint only past what this acknowledged.
 */
export async function deliverUntilAcknowledged<S extends DeliveryState>(options: DeliveryOptions<S>, rt: S, generation: number, events: StoredEvent[]): Promise<boolean> {
  const { logger, observer } = options;
  const envelopes = events.map(toEnvelope);
  const event = events[0]!;
  const signal = rt.abort!.signal;
  for (;;) {
    if (generation !== rt.generation || signal.aborted) return false;
    const started = performance.now();
    try {
      if (envelopes.length > 1 && rt.sink.deliverBatch) await rt.sink.deliverBatch(envelopes);
      else await rt.sink.deliver(envelopes[0]!);
      const seconds = (performance.now() - started) / 1000 / envelopes.length;
      for (let k = 0; k < envelopes.length; k++) observer?.delivered?.(rt.sink.name, seconds);
      if (rt.failures > 0) logger.log(`relay ${rt.sink.name}: delivering again after ${rt.failures} failed attempt(s)`);
      rt.failures = 0;
      rt.lastError = undefined;
      return true;
    } catch (error) {
      if (error instanceof SinkPausedError) {
        rt.paused = error.message;
        rt.lastError = error.message;
        logger.warn(`relay ${rt.sink.name}: paused: ${error.message}`);
        // Stop reading; the checkpoint stays before this event. The runner is restarted only
        // when the sink is registered again (re-enabled).
        options.onPaused(rt);
        return false;
      }
      rt.failures++;
      rt.lastError = (error as Error).message ?? String(error);
      observer?.failed?.(rt.sink.name, (performance.now() - started) / 1000);
      const delay = retryDelay(rt.failures, options.retry, options.random);
      if (rt.failures === 1 || rt.failures % 10 === 0) {
        logger.warn(`relay ${rt.sink.name}: delivery of ${event.position} failed (${rt.failures} in a row): ${rt.lastError}; retrying in ${delay} ms`);
      }
      await sleep(delay, signal);
    }
  }
}
