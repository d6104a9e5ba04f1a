import type { EventStoreConfig } from '@libs/event-store';

/** The projector's settings, from the same environment variables as the service (api.md "Running"). */
export interface ProjectorConfig {
  store: EventStoreConfig;
  /** Events per transaction of a live projection. */
  batchSize: number;
  /** Projections this process may run (PROJECTIONS=a,b); default all. */
  only?: string[];
}

export function projectorConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  const backend = (env.EVENT_STORE ?? 'pglite') as EventStoreConfig['backend'];
  if (!['pglite', 'postgres', 'eventstoredb'].includes(backend)) throw new Error(`EVENT_STORE must be pglite, postgres or eventstoredb, not ${backend}`);
  const batchSize = Number(env.PROJECTOR_BATCH_SIZE ?? 1000);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 10_000) throw new Error('PROJECTOR_BATCH_SIZE must be an integer from 1 to 10000');
  return {
    store: {
      backend,
      dataDir: env.DATA_DIR ?? './data',
      databaseUrl: env.DATABASE_URL,
      eventstoreConnectionString: env.EVENTSTORE_CONNECTION_STRING,
    },
    batchSize,
    only: env.PROJECTIONS ? env.PROJECTIONS.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
  };
}
