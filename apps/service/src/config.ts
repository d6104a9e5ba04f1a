import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeDunningPolicy, type DunningPolicy } from '@libs/domain';
import { durationMs, isOn, readSettings, settingsOf, SettingsError, type SettingName, type Settings } from '@libs/settings';
import type { EventStoreBackend } from '@libs/event-store';
import { relayConfigFrom, type RelayConfig } from '@libs/relay';
import { ROLES, type Role } from './auth/roles.decorator.js';

/** One configured API key. `id` is what logs and event metadata show; the key itself never is. */
export interface ApiKey {
  id: string;
  /** The plain key, when it was given so (absent for `role:sha256:<hex>` entries). */
  key?: string;
  /** Hex SHA-256 of the key: what requests are compared with (from `key` when not given). */
  sha256?: string;
  roles: Role[];
}

/** Everything the service reads from its environment (api.md "Running"), validated once at start. */
export interface ServiceConfig {
  port: number;
  nodeEnv: 'production' | 'development' | 'test';
  eventStore: EventStoreBackend;
  /** PGlite files; undefined = in memory (tests only). */
  dataDir?: string;
  databaseUrl?: string;
  eventstoreConnectionString?: string;
  /** PostgreSQL pool size and bounds (`DATABASE_POOL_SIZE`, `DATABASE_CONNECT_TIMEOUT_MS`, `DATABASE_QUERY_TIMEOUT_MS`). */
  database?: { poolSize: number; connectTimeoutMs: number; queryTimeoutMs: number; groupCommit?: boolean };
  policy: DunningPolicy;
  scheduler: 'clock' | 'manual';
  /** Scheduler period for `clock` (ms). */
  schedulerIntervalMs: number;
  apiKeys: ApiKey[];
  /** Set when no API_KEYS were given outside production: printed once at start. */
  generatedAdminKey?: string;
  /** `inline`: projections run inside the service; `external`: an apps/projector process runs them. */
  projector: 'inline' | 'external';
  /** Requests per minute per key. */
  rateLimitPerMinute: number;
  logLevel: string;
  /** Load the demo company at start (once, into an empty store). */
  demo: boolean;
  /** Idempotency-Keys older than this are pruned by the scheduler pass (hours). */
  idempotencyTtlHours: number;
  /** Graceful shutdown: longest wait for in-flight requests (ms). */
  shutdownDrainMs: number;
  /** Graceful shutdown: longest whole shutdown before exiting 1 (ms). */
  shutdownTimeoutMs: number;
  /** The built web console (`apps/console`, `vite build`), served at `/console/`. */
  consoleDir: string;
  /** Push delivery: where it runs, retries, webhook delivery settings. */
  relay: RelayConfig;
  /** Audit evidence (domain.md §7): the checkpoint key, earlier public keys, the schedule, the access log's retention. */
  audit: AuditConfig;
}

export interface AuditConfig {
  /** `AUDIT_SIGNING_KEY_FILE`: without it a development key in DATA_DIR (in memory without one), nothing in production. */
  signingKeyFile?: string;
  publicKeysDir?: string;
  /** Period of the checkpoint scheduler (ms); 0: only on demand. */
  checkpointIntervalMs: number;
  accessLogRetentionDays: number;
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Stable, non-secret id of a key: what appears as `actor` in event metadata. */
export function keyId(key: string): string {
  return `key-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
}

const SHA256_KEY = /^sha256:([0-9a-f]{64})$/i;

/**
 * Parses `role:key` (or `role:sha256:<64 hex>`, the key's digest, so the plain key need not sit in
 * the environment) entries separated by commas or new lines; `#` starts a comment. A key listed
 * with several roles gets all of them. `source` names the variable in messages.
 */
export function parseApiKeys(raw: string, source = 'API_KEYS'): ApiKey[] {
  const byDigest = new Map<string, ApiKey>();
  const entries = raw
    .split(/\r?\n/)
    .map((line) => line.replace(/#.*$/, ''))
    .flatMap((line) => line.split(','))
    .map((p) => p.trim())
    .filter(Boolean);
  for (const part of entries) {
    const colon = part.indexOf(':');
    const role = part.slice(0, colon).trim();
    const key = part.slice(colon + 1).trim();
    if (colon <= 0 || key === '') throw new ConfigError(`${source}: "${role || '?'}:…" is not a role:key pair (or role:sha256:<64 hex>)`);
    if (!(ROLES as readonly string[]).includes(role)) throw new ConfigError(`${source}: unknown role "${role}" (roles: ${ROLES.join(', ')})`);
    const hashed = SHA256_KEY.exec(key);
    if (!hashed && /^sha256:/i.test(key)) throw new ConfigError(`${source}: the sha256 digest for role ${role} must be 64 hexadecimal digits`);
    if (!hashed && key.length < 8) throw new ConfigError(`${source}: the key for role ${role} is shorter than 8 characters`);
    const digest = hashed ? hashed[1]!.toLowerCase() : sha256Hex(key);
    const entry = byDigest.get(digest) ?? { id: `key-${digest.slice(0, 12)}`, ...(hashed ? {} : { key }), sha256: digest, roles: [] };
    if (!entry.roles.includes(role as Role)) entry.roles.push(role as Role);
    byDigest.set(digest, entry);
  }
  return [...byDigest.values()];
}

function sha256Hex(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/** The API keys from `API_KEYS` or the file `API_KEYS_FILE` names (not both). */
function readApiKeys(settings: Pick<Settings, 'API_KEYS' | 'API_KEYS_FILE'>): ApiKey[] {
  if (settings.API_KEYS && settings.API_KEYS_FILE) throw new ConfigError('API_KEYS and API_KEYS_FILE are both set: give the keys one way');
  if (!settings.API_KEYS_FILE) return parseApiKeys(settings.API_KEYS ?? '');
  let text: string;
  try {
    text = readFileSync(settings.API_KEYS_FILE, 'utf8');
  } catch (error) {
    throw new ConfigError(`API_KEYS_FILE: cannot read ${settings.API_KEYS_FILE}: ${(error as Error).message}`);
  }
  const keys = parseApiKeys(text, `API_KEYS_FILE (${settings.API_KEYS_FILE})`);
  if (keys.length === 0) throw new ConfigError(`API_KEYS_FILE: ${settings.API_KEYS_FILE} holds no keys`);
  return keys;
}

/** Every variable the service reads, validated against the one schema of libs/settings. */
function serviceSettings(env: Readonly<Record<string, string | undefined>>): Pick<Settings, SettingName> {
  try {
    return readSettings(env, settingsOf('service'));
  } catch (error) {
    if (error instanceof SettingsError) throw new ConfigError(error.message);
    throw error;
  }
}

/** Reads and validates the configuration; throws {@link ConfigError} with a message naming the variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): ServiceConfig {
  const s = serviceSettings(env);
  const nodeEnv = s.NODE_ENV;
  const eventStore = s.EVENT_STORE;
  const databaseUrl = s.DATABASE_URL;
  if (eventStore === 'postgres' && !databaseUrl) throw new ConfigError('EVENT_STORE=postgres needs DATABASE_URL');
  const eventstoreConnectionString = s.EVENTSTORE_CONNECTION_STRING;
  if (eventStore === 'eventstoredb' && !eventstoreConnectionString) {
    throw new ConfigError('EVENT_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING (e.g. esdb://localhost:2113?tls=false)');
  }
  let policy: DunningPolicy;
  try {
    policy = makeDunningPolicy({
      graceDays: s.DUNNING_GRACE_DAYS,
      suspendAfterDays: s.DUNNING_SUSPEND_AFTER_DAYS,
      writeOffOnSuspension: s.DUNNING_WRITE_OFF_ON_SUSPENSION === 'true',
    });
  } catch (error) {
    throw new ConfigError(`DUNNING_*: ${(error as Error).message}`);
  }
  let apiKeys = readApiKeys(s);
  let generatedAdminKey: string | undefined;
  if (apiKeys.length === 0) {
    if (nodeEnv === 'production') throw new ConfigError('API_KEYS (or API_KEYS_FILE) is required in production (NODE_ENV=production), e.g. API_KEYS=operator:<key>,admin:sha256:<hex>');
    generatedAdminKey = `dev-${randomBytes(18).toString('base64url')}`;
    apiKeys = [{ id: keyId(generatedAdminKey), key: generatedAdminKey, sha256: sha256Hex(generatedAdminKey), roles: ['admin'] }];
  }
  return {
    port: s.PORT,
    nodeEnv,
    eventStore,
    dataDir: s.DATA_DIR,
    databaseUrl,
    eventstoreConnectionString,
    database: { poolSize: s.DATABASE_POOL_SIZE, connectTimeoutMs: s.DATABASE_CONNECT_TIMEOUT_MS, queryTimeoutMs: s.DATABASE_QUERY_TIMEOUT_MS, groupCommit: s.EVENT_STORE_GROUP_COMMIT === 'on' },
    policy,
    scheduler: s.SCHEDULER,
    schedulerIntervalMs: s.SCHEDULER_INTERVAL_MS,
    apiKeys,
    generatedAdminKey,
    projector: s.PROJECTOR,
    rateLimitPerMinute: s.RATE_LIMIT_PER_MINUTE,
    logLevel: s.LOG_LEVEL ?? (nodeEnv === 'test' ? 'silent' : 'info'),
    demo: isOn(s.DEMO),
    idempotencyTtlHours: s.IDEMPOTENCY_TTL_HOURS,
    shutdownDrainMs: s.SHUTDOWN_DRAIN_MS,
    shutdownTimeoutMs: s.SHUTDOWN_TIMEOUT_MS,
    consoleDir: s.CONSOLE_DIR,
    relay: relayConfigFrom(s),
    audit: {
      signingKeyFile: s.AUDIT_SIGNING_KEY_FILE,
      publicKeysDir: s.AUDIT_PUBLIC_KEYS_DIR,
      checkpointIntervalMs: durationMs(s.AUDIT_CHECKPOINT_INTERVAL),
      accessLogRetentionDays: s.AUDIT_ACCESS_LOG_RETENTION_DAYS,
    },
  };
}

/**
 * In development without API_KEYS, keeps the generated admin key in `DATA_DIR/dev-admin-key`
 * (mode 600) so it survives restarts with the data it protects. Returns the config to use and
 * whether the key was created just now (then it is printed, once).
 */
export function persistDevelopmentKey(config: ServiceConfig): { config: ServiceConfig; created: boolean } {
  if (!config.generatedAdminKey || !config.dataDir) return { config, created: config.generatedAdminKey !== undefined };
  const file = join(config.dataDir, 'dev-admin-key');
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    if (key.length >= 8) return { config: { ...config, generatedAdminKey: key, apiKeys: [{ id: keyId(key), key, roles: ['admin'] }] }, created: false };
  }
  mkdirSync(config.dataDir, { recursive: true });
  writeFileSync(file, `${config.generatedAdminKey}\n`, { mode: 0o600 });
  return { config, created: true };
}
