/**
 * The only module that talks to `@eventstore/db-client` (v6). It implements {@link EsdbConnection}
 * and nothing else: moving to `@kurrent/kurrentdb-client` (where `expectedRevision` is called
 * `streamState` and reads return async iterators) means rewriting this file only.
 */
import esdb from '@eventstore/db-client';
import type { AllStreamRecordedEvent, RecordedEvent } from '@eventstore/db-client';
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
const { EventStoreDBClient, jsonEvent, eventTypeFilter, streamNameFilter, END } = esdb;
type DbClient = InstanceType<typeof EventStoreDBClient>;

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

/** Streams a read, cancelling the gRPC call when the consumer stops early. */
async function* drainRead(read: AsyncIterable<{ event?: RecordedEvent | AllStreamRecordedEvent }> & { cancel(): Promise<void> }): AsyncGenerator<EsdbRecordedEvent> {
  let finished = false;
  try {
    for await (const resolved of read) {
      if (resolved.event) yield toRecord(resolved.event);
    }
    finished = true;
  } catch (error) {
    finished = true;
    if (isStreamNotFound(error)) return;
    throw error;
  } finally {
    if (!finished) await read.cancel().catch(() => undefined);
  }
}

/** {@link EsdbConnection} over `@eventstore/db-client`. */
export class DbClientConnection implements EsdbConnection {
  private constructor(private readonly client: DbClient) {}

  /** Parses the connection string (throws on a malformed one); connects lazily on first use. */
  static fromConnectionString(connectionString: string): DbClientConnection {
    return new DbClientConnection(EventStoreDBClient.connectionString(normalizeConnectionString(connectionString)));
  }

  async append(streamId: string, events: EsdbEventData[], expectedRevision: EsdbExpectedRevision): Promise<EsdbAppendResult> {
    const result = await this.client.appendToStream(
      streamId,
      events.map((e) => jsonEvent({ id: e.id, type: e.type, data: e.data, metadata: e.metadata })),
      { expectedRevision },
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
    subscription.on('data', (resolved) => {
      if (resolved.event) handlers.onEvent(toRecord(resolved.event));
    });
    subscription.on('confirmation', () => handlers.onReady?.());
    subscription.on('error', (error) => drop(error));
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
      await read.cancel().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}
