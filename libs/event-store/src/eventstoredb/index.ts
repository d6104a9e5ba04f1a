/**
 * The EventStoreDB / KurrentDB backend of the event-store port. Loaded by `openEventStore` only
 * when `EVENT_STORE=eventstoredb`, so the gRPC client stays out of the other backends.
 */
import type { SqlDatabase } from '@libs/sql';
import type { EventStore } from '../types.js';
import { DbClientConnection } from './client.js';
import { unavailableError } from './errors.js';
import { EventStoreDbEventStore } from './eventstoredb-event-store.js';

export { DbClientConnection } from './client.js';
export type * from './connection.js';
export { maskConnectionString, normalizeConnectionString } from './connection-string.js';
export { EventStoreDbEventStore, type EventStoreDbStoreOptions } from './eventstoredb-event-store.js';
export { InMemoryEsdbConnection } from './in-memory-connection.js';
export { encodeEsdbPosition, decodeEsdbPosition, compareEsdbPositions } from './positions.js';

/**
 * Builds the store over `@kurrent/kurrentdb-client`. Nothing is contacted until `init()`, which fails
 * with `EventStoreUnavailableError` within `connectTimeoutMs` when the server does not answer.
 */
export async function createEventStoreDbStore(options: { connectionString: string; checkpointDb: SqlDatabase; connectTimeoutMs?: number }): Promise<EventStore> {
  let connection: DbClientConnection;
  try {
    connection = DbClientConnection.fromConnectionString(options.connectionString);
  } catch (error) {
    // A malformed string: the parser's message may quote it, password included (scrubbed).
    throw unavailableError(options.connectionString, error);
  }
  return new EventStoreDbEventStore(connection, options);
}
