/**
 * The only module that talks to `@kurrent/kurrentdb-client`, the maintained successor of
 * `@eventstore/db-client` (it speaks to EventStoreDB 22.6+ and KurrentDB alike). It implements
 * {@link EsdbConnection} and nothing else, so a client upgrade means rewriting this file only.
 */
import kurrent from '@kurrent/kurrentdb-client';
import type { AllStreamRecordedEvent, AllStreamResolvedEvent, RecordedEvent } from '@kurrent/kurrentdb-client';
import type {
  EsdbAppendResult,
  EsdbConnection,
  EsdbEventData,
  EsdbExpectedRevision,
  EsdbLiveFeed,
  EsdbReadAllOptions,
  EsdbReadStreamOptions,
  EsdbRecordedEvent,
  EsdbServerFilter,
  EsdbWatchHandlers,
} from './connection.js';
import { normalizeConnectionString } from './connection-string.js';
import { isStreamNotFound } from './errors.js';

// A CommonJS package: its named exports are reached through the default import under ESM.
const { KurrentDBClient, jsonEvent, eventTypeFilter, streamNameFilter, END } = kurrent;
type DbClient = ReturnType<typeof KurrentDBClient.connectionString>;

function toRecord(event: RecordedEvent | AllStreamRecordedEvent): EsdbRecordedEvent {
  return {
    streamId: event.streamId,
    id: event.id,
    revision: event.revision,
    type: event.type,
    isJson: event.isJson,
    data: event.data,
    metadata: event.metadata,
    position: event.position,
  };
}

/**
 * Streams a read. A consumer that stops early closes this generator, which leaves the `for await`
 * and so calls the read's `return()`: that is what cancels the gRPC call in this client.
 */
async function* drainRead(read: AsyncIterableIterator<{ event?: RecordedEvent | AllStreamRecordedEvent }>): AsyncGenerator<EsdbRecordedEvent> {
  try {
    for await (const resolved of read) {
      if (resolved.event) yield toRecord(resolved.event);
    }
  } catch (error) {
    if (isStreamNotFound(error)) return;
    throw error;
  }
}

/** {@link EsdbConnection} over `@kurrent/kurrentdb-client`. */
export class DbClientConnection implements EsdbConnection {
  private constructor(private readonly client: DbClient) {}

  /** Parses the connection string (throws on a malformed one); connects lazily on first use. */
  static fromConnectionString(connectionString: string): DbClientConnection {
    return new DbClientConnection(KurrentDBClient.connectionString(normalizeConnectionString(connectionString)));
  }

  async append(streamId: string, events: EsdbEventData[], expectedRevision: EsdbExpectedRevision): Promise<EsdbAppendResult> {
    const result = await this.client.appendToStream(
      streamId,
      events.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })),
      // The port keeps db-client's word (expected revision); this client calls it the stream state.
      { streamState: expectedRevision },
    );
    return { nextExpectedRevision: result.nextExpectedRevision, position: result.position };
  }

  readStream(streamId: string, options: EsdbReadStreamOptions): AsyncIterable<EsdbRecordedEvent> {
    return drainRead(this.client.readStream(streamId, { direction: options.direction, fromRevision: options.fromRevision, maxCount: options.maxCount }));
  }

  readAll(options: EsdbReadAllOptions): AsyncIterable<EsdbRecordedEvent> {
    return drainRead(this.client.readAll({ direction: options.direction, fromPosition: options.fromPosition, maxCount: options.maxCount }));
  }

  watch(filter: EsdbServerFilter, handlers: EsdbWatchHandlers): EsdbLiveFeed {
    const make = filter.filterOn === 'streamName' ? streamNameFilter : eventTypeFilter;
    const subscription = this.client.subscribeToAll({
      fromPosition: END,
      filter: 'prefixes' in filter ? make({ prefixes: filter.prefixes }) : make({ regex: filter.regex }),
    });
    let dropped = false;
    const drop = (error?: unknown) => {
      if (dropped) return;
      dropped = true;
      handlers.onDrop(error);
    };
    subscription.on('data', (resolved: AllStreamResolvedEvent) => {
      if (resolved.event) handlers.onEvent(toRecord(resolved.event));
    });
    subscription.on('confirmation', () => handlers.onReady?.());
    subscription.on('error', (error: Error) => drop(error));
    subscription.on('end', () => drop());
    subscription.on('close', () => drop());
    return {
      async close() {
        dropped = true;
        await subscription.unsubscribe().catch(() => undefined);
        subscription.destroy();
      },
    };
  }

  async ping(timeoutMs: number): Promise<void> {
    const read = this.client.readAll({ direction: 'backwards', fromPosition: END, maxCount: 1, deadline: timeoutMs });
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        (async () => {
          for await (const _ of read) void _;
        })(),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      await read.return?.().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
