import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dunningPolicyFromEnv, type DunningPolicy } from '@libs/domain';
import type { EventStoreBackend } from '@libs/event-store';
import { ROLES, type Role } from './auth/roles.decorator.js';

/** One configured API key. `id` is what logs and event metadata show; the key itself never is. */
export interface ApiKey {
  id: string;
  key: string;
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
  /** Graceful shutdown: longest wait for in-flight requests (ms). */
  shutdownDrainMs: number;
  /** Graceful shutdown: longest whole shutdown before exiting 1 (ms). */
  shutdownTimeoutMs: number;
  /** The built web console (`apps/console`, `vite build`), served at `/console/`. */
  consoleDir: string;
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

/** Parses `role:key` pairs; a key listed with several roles gets all of them. */
export function parseApiKeys(raw: string): ApiKey[] {
  const byKey = new Map<string, ApiKey>();
  for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
    const colon = part.indexOf(':');
    const role = part.slice(0, colon).trim();
    const key = part.slice(colon + 1).trim();
    if (colon <= 0 || key === '') throw new ConfigError(`API_KEYS: "${role || '?'}:…" is not a role:key pair`);
    if (!(ROLES as readonly string[]).includes(role)) throw new ConfigError(`API_KEYS: unknown role "${role}" (roles: ${ROLES.join(', ')})`);
    if (key.length < 8) throw new ConfigError(`API_KEYS: the key for role ${role} is shorter than 8 characters`);
    const entry = byKey.get(key) ?? { id: keyId(key), key, roles: [] };
    if (!entry.roles.includes(role as Role)) entry.roles.push(role as Role);
    byKey.set(key, entry);
  }
  return [...byKey.values()];
}

function choice<T extends string>(name: string, raw: string | undefined, allowed: readonly T[], fallback: T): T {
  const value = (raw ?? '').trim() || fallback;
  if (!(allowed as readonly string[]).includes(value)) throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

function integer(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.trim());
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  return n;
}

/** Reads and validates the configuration; throws {@link ConfigError} with a message naming the variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): ServiceConfig {
  const nodeEnv = choice('NODE_ENV', env['NODE_ENV'], ['production', 'development', 'test'], 'development');
  const eventStore = choice('EVENT_STORE', env['EVENT_STORE'], ['pglite', 'postgres', 'eventstoredb'], 'pglite');
  const databaseUrl = env['DATABASE_URL']?.trim() || undefined;
  if (eventStore === 'postgres' && !databaseUrl) throw new ConfigError('EVENT_STORE=postgres needs DATABASE_URL');
  const eventstoreConnectionString = env['EVENTSTORE_CONNECTION_STRING']?.trim() || undefined;
  if (eventStore === 'eventstoredb' && !eventstoreConnectionString) {
    throw new ConfigError('EVENT_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING (e.g. esdb://localhost:2113?tls=false)');
  }
  let policy: DunningPolicy;
  try {
    policy = dunningPolicyFromEnv(env);
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
  let apiKeys = parseApiKeys(env['API_KEYS'] ?? '');
  let generatedAdminKey: string | undefined;
  if (apiKeys.length === 0) {
    if (nodeEnv === 'production') throw new ConfigError('API_KEYS is required in production (NODE_ENV=production), e.g. API_KEYS=operator:<key>,admin:<key>');
    generatedAdminKey = `dev-${randomBytes(18).toString('base64url')}`;
    apiKeys = [{ id: keyId(generatedAdminKey), key: generatedAdminKey, roles: ['admin'] }];
  }
  return {
    port: integer('PORT', env['PORT'], 3000, 0, 65535),
    nodeEnv,
    eventStore,
    dataDir: env['DATA_DIR']?.trim() || './data',
    databaseUrl,
    eventstoreConnectionString,
    policy,
    scheduler: choice('SCHEDULER', env['SCHEDULER'], ['clock', 'manual'], 'clock'),
    schedulerIntervalMs: integer('SCHEDULER_INTERVAL_MS', env['SCHEDULER_INTERVAL_MS'], 60_000, 100, 86_400_000),
    apiKeys,
    generatedAdminKey,
    projector: choice('PROJECTOR', env['PROJECTOR'], ['inline', 'external'], 'inline'),
    rateLimitPerMinute: integer('RATE_LIMIT_PER_MINUTE', env['RATE_LIMIT_PER_MINUTE'], 60_000, 1, 10_000_000),
    logLevel: env['LOG_LEVEL']?.trim() || (nodeEnv === 'test' ? 'silent' : 'info'),
    demo: ['1', 'true', 'yes'].includes((env['DEMO'] ?? '').trim().toLowerCase()),
    shutdownDrainMs: integer('SHUTDOWN_DRAIN_MS', env['SHUTDOWN_DRAIN_MS'], 10_000, 0, 600_000),
    shutdownTimeoutMs: integer('SHUTDOWN_TIMEOUT_MS', env['SHUTDOWN_TIMEOUT_MS'], 25_000, 100, 600_000),
    consoleDir: env['CONSOLE_DIR']?.trim() || 'dist/console',
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
