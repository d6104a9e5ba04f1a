import type { EventStoreConfig } from '@libs/event-store';
import { relayConfigFrom, type RelayConfig } from '@libs/relay';
import { readSettings, settingsOf } from '@libs/settings';

/** The projector's settings, from the same environment variables as the service (api.md "Running"). */
export interface ProjectorConfig {
  store: EventStoreConfig;
  /** Events per transaction of a live projection. */
  batchSize: number;
  /** Projections this process may run (PROJECTIONS=a,b; `none`: only the relays); default all. */
  only?: string[];
  /** The /health and /metrics listener (`PROJECTOR_PORT`; port 0: none). */
  health: { port: number; storeTimeoutMs: number; maxProjectionLagEvents: number };
  /** Push delivery: with RELAYS=auto or on the projector delivers (webhooks, brokers); off: not here. */
  relay: RelayConfig;
}

/** Reads the projector's settings against the one schema (libs/settings); throws {@link SettingsError} naming each bad variable. */
export function projectorConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ProjectorConfig {
  const s = readSettings(env, settingsOf('projector'));
  return {
    store: {
      backend: s.EVENT_STORE,
      dataDir: s.DATA_DIR,
      databaseUrl: s.DATABASE_URL,
      eventstoreConnectionString: s.EVENTSTORE_CONNECTION_STRING,
      poolSize: s.DATABASE_POOL_SIZE,
      connectTimeoutMs: s.DATABASE_CONNECT_TIMEOUT_MS,
      queryTimeoutMs: s.DATABASE_QUERY_TIMEOUT_MS,
      groupCommit: s.EVENT_STORE_GROUP_COMMIT === 'on',
    },
    batchSize: s.PROJECTOR_BATCH_SIZE,
    only: projectionsOf(s.PROJECTIONS),
    health: { port: s.PROJECTOR_PORT, storeTimeoutMs: s.HEALTH_STORE_TIMEOUT_MS, maxProjectionLagEvents: s.HEALTH_MAX_PROJECTION_LAG_EVENTS },
    relay: relayConfigFrom(s),
  };
}

/** `none` runs no projection: a process for the push relays alone, away from the projections' work. */
function projectionsOf(value: string | undefined): string[] | undefined {
  if (!value) return undefined;
  const names = value.split(',').map((p) => p.trim()).filter(Boolean);
  return names.length === 1 && names[0] === 'none' ? [] : names;
}
