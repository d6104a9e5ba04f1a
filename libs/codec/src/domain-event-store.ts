import type {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadAllResult,
  ReadStreamOptions,
  StoredEvent,
  SubscribeOptions,
  Subscription,
} from '@libs/event-store';
import { decodeEvent } from './decode.js';

const STORED = Symbol('stored');

/**
 * The event store as the rest of the service reads it: the same port, with every event it hands
 * out — a stream read, a page of the log, a subscription batch — passed through
 * {@link decodeEvent}. Wrapping is idempotent, so a component can insist on it without knowing
 * whether its caller already did.
 */
class DomainEventStore implements EventStore {
  readonly [STORED]: EventStore;

  constructor(private readonly inner: EventStore) {
    this[STORED] = inner;
  }

  get backend(): EventStore['backend'] {
    return this.inner.backend;
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  append(streamId: string, events: readonly NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    return this.inner.append(streamId, events, options);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]> {
    return (await this.inner.readStream(streamId, options)).map(decodeEvent);
  }

  async *iterateStream(streamId: string, options?: ReadStreamOptions & { pageSize?: number }): AsyncIterable<StoredEvent> {
    for await (const event of this.inner.iterateStream(streamId, options)) yield decodeEvent(event);
  }

  streamVersion(streamId: string): Promise<number> {
    return this.inner.streamVersion(streamId);
  }

  async readAll(options?: ReadAllOptions): Promise<ReadAllResult> {
    const page = await this.inner.readAll(options);
    return { ...page, events: page.events.map(decodeEvent) };
  }

  headPosition(): Promise<string> {
    return this.inner.headPosition();
  }

  subscribe(options: SubscribeOptions): Subscription {
    return this.inner.subscribe({ ...options, handler: (events, tx) => options.handler(events.map(decodeEvent), tx) });
  }

  listStreams(options?: { prefix?: string; after?: string; limit?: number }): Promise<string[]> {
    return this.inner.listStreams(options);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** The one event reader: `store` with every event it reads decoded to the current contracts. */
export function domainEventStore(store: EventStore): EventStore {
  return STORED in store ? store : new DomainEventStore(store);
}

/**
 * The store under the codec, events exactly as recorded and hashed. Only integrity checks and
 * "as stored" exports have a reason to read it.
 */
export function storedOf(store: EventStore): EventStore {
  return STORED in store ? (store as DomainEventStore)[STORED] : store;
}
