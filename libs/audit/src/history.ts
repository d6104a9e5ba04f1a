import { domainEventStore, storedOf } from '@libs/codec';
import type { EventStore, StoredEvent } from '@libs/event-store';
import { asStored, upcastToCurrent, type EventUpcaster } from './upcast.js';

export interface HistoryOptions {
  /** Default: {@link upcastToCurrent}. Pass `asStored` for the events exactly as hashed. */
  upcast?: EventUpcaster;
  /** Events read per query; memory holds one page at a time. Default 500. */
  pageSize?: number;
  /** First version to read (inclusive). */
  fromVersion?: number;
}

/**
 * A stream's history in version order (domain.md §7), page by page: memory does not grow with
 * the stream's length, and a reader that stops early stops the reads.
 */
export async function* streamHistory(store: EventStore, streamId: string, options: HistoryOptions = {}): AsyncGenerator<StoredEvent> {
  const upcast = options.upcast ?? upcastToCurrent;
  // As stored means under the codec; anything else reads through it (then `upcast` is a no-op).
  const source = upcast === asStored ? storedOf(store) : domainEventStore(store);
  for await (const event of source.iterateStream(streamId, { pageSize: options.pageSize ?? 500, fromVersion: options.fromVersion })) {
    yield upcast(event);
  }
}

/**
 * Takes the first element of an async iterable and gives back an iterable of all of them, so a
 * caller can decide (404, headers) before it commits to streaming.
 */
export async function peek<T>(source: AsyncIterable<T>): Promise<{ first: T | undefined; all: AsyncIterable<T> }> {
  const iterator = source[Symbol.asyncIterator]();
  const head = await iterator.next();
  if (head.done) return { first: undefined, all: (async function* () {})() };
  return {
    first: head.value,
    all: (async function* () {
      try {
        yield head.value;
        for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value;
      } finally {
        // A consumer that stops early (client gone) releases the source too.
        await iterator.return?.();
      }
    })(),
  };
}
