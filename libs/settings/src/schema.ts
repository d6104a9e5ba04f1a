import { Type, type TSchema } from '@sinclair/typebox';

/**
 * Every environment setting of the service, the projector and the CLIs, in one TypeBox schema
 * (issue 12): the type, the accepted values, the default and what it means. `readSettings`
 * validates against it at start, so a bad value of any of them stops the process with a message
 * naming the variable and what it accepts instead of silently falling back to a default.
 */

/** Who reads a setting (docs/operations.md lists them by process). */
export type SettingUser = 'service' | 'projector' | 'audit' | 'simulator';

// Settings with a default are always present once read; the others are Optional (may be unset).
const integer = (minimum: number, maximum: number, fallback: number, description: string) => Type.Integer({ minimum, maximum, default: fallback, description });
// Unsafe<T> keeps the literal union type that mapping over `values` would widen to string.
const oneOf = <const T extends string>(values: readonly T[], fallback: T, description: string) =>
  Type.Unsafe<T>(Type.Union(values.map((v) => Type.Literal(v)), { default: fallback, description }));
const optionalOneOf = <const T extends string>(values: readonly T[], description: string) =>
  Type.Optional(Type.Unsafe<T>(Type.Union(values.map((v) => Type.Literal(v)), { description })));
const text = (description: string, fallback: string, pattern?: string) => Type.String({ minLength: 1, default: fallback, ...(pattern ? { pattern } : {}), description });
const optionalText = (description: string, pattern?: string) => Type.Optional(Type.String({ minLength: 1, ...(pattern ? { pattern } : {}), description }));
/** Spelled the ways people write booleans in environments. */
const FLAG_VALUES = ['1', '0', 'true', 'false', 'yes', 'no'] as const;
const flag = (fallback: (typeof FLAG_VALUES)[number], description: string) => oneOf(FLAG_VALUES, fallback, description);

const SERVICE: SettingUser[] = ['service'];
const STORE_USERS: SettingUser[] = ['service', 'projector', 'audit'];

export const SETTINGS = Type.Object({
  NODE_ENV: oneOf(['production', 'development', 'test'], 'development', 'production refuses to start without API keys'),
  PORT: integer(0, 65535, 3000, 'HTTP port of the service'),
  EVENT_STORE: oneOf(['pglite', 'postgres', 'eventstoredb'], 'pglite', 'event-store backend'),
  DATA_DIR: text('directory of the embedded store (and the development key)', './data'),
  DATABASE_URL: optionalText('PostgreSQL URL, e.g. postgres://user@host:5432/db', '^postgres(ql)?://'),
  EVENTSTORE_CONNECTION_STRING: optionalText('EventStoreDB / KurrentDB connection string, e.g. kurrentdb://localhost:2113?tls=false', '^(esdb|esdb\\+discover|kurrentdb|kurrentdb\\+discover|kurrent|kurrent\\+discover|kdb|kdb\\+discover)://'),
  DATABASE_POOL_SIZE: integer(1, 1000, 10, 'connections of the PostgreSQL pool'),
  DATABASE_CONNECT_TIMEOUT_MS: integer(100, 600_000, 5_000, 'longest wait for a PostgreSQL connection before answering 503'),
  DATABASE_QUERY_TIMEOUT_MS: integer(100, 3_600_000, 30_000, 'longest a PostgreSQL query may take before answering 503'),
  EVENT_STORE_GROUP_COMMIT: oneOf(['on', 'off'], 'on', 'PostgreSQL and PGlite: appends arriving while one is in flight go together in the next statement and commit, each with its own check and result'),
  DUNNING_GRACE_DAYS: integer(0, 3650, 0, 'dunning policy: days of grace after a due date'),
  DUNNING_SUSPEND_AFTER_DAYS: integer(0, 3650, 15, 'dunning policy: days overdue before suspension'),
  DUNNING_WRITE_OFF_ON_SUSPENSION: oneOf(['true', 'false'], 'true', 'dunning policy: write the debt off when suspending'),
  SCHEDULER: oneOf(['clock', 'manual'], 'clock', 'clock: a scheduler pass every SCHEDULER_INTERVAL_MS; manual: only POST /v1/admin/tick'),
  SCHEDULER_INTERVAL_MS: integer(100, 86_400_000, 60_000, 'period of the clock scheduler'),
  API_KEYS: optionalText('comma-separated role:key or role:sha256:<64 hex> entries'),
  API_KEYS_FILE: optionalText('file holding the API_KEYS entries (commas or one per line, # comments), instead of API_KEYS'),
  PROJECTOR: oneOf(['inline', 'external'], 'inline', 'inline: projections run in the service; external: an apps/projector process runs them'),
  RATE_LIMIT_PER_MINUTE: integer(1, 10_000_000, 60_000, 'requests per minute per key'),
  LOG_LEVEL: optionalOneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], 'pino log level (default info; silent with NODE_ENV=test)'),
  DEMO: flag('0', 'load the demo company into an empty store at start'),
  FEED_HEARTBEAT_MS: integer(10, 3_600_000, 15_000, 'SSE heartbeat comment interval'),
  HEALTH_STORE_TIMEOUT_MS: integer(1, 600_000, 2_000, 'readiness: the store must answer within this'),
  HEALTH_MAX_PROJECTION_LAG_EVENTS: integer(1, 1_000_000_000, 10_000, 'readiness: largest tolerated projection lag'),
  SHUTDOWN_DRAIN_MS: integer(0, 600_000, 10_000, 'graceful shutdown: longest wait for in-flight requests'),
  SHUTDOWN_TIMEOUT_MS: integer(100, 600_000, 25_000, 'graceful shutdown: longest whole shutdown, then exit 1'),
  IDEMPOTENCY_TTL_HOURS: integer(1, 87_600, 48, 'Idempotency-Keys older than this are pruned by the scheduler pass'),
  PROJECTOR_PORT: integer(0, 65535, 3001, 'projector: port of its /health and /metrics listener (0: no listener)'),
  BUILD_VERSION: optionalText('version client_lifecycle_build_info reports (set by the image build; default package.json)'),
  BUILD_COMMIT: optionalText('commit client_lifecycle_build_info reports (set by the image build)'),
  CONSOLE_DIR: text('directory of the built web console served at /console/', 'dist/console'),
  PROJECTOR_BATCH_SIZE: integer(1, 10_000, 1_000, 'projector: events per transaction of a live projection'),
  PROJECTIONS: optionalText('projector: comma-separated projections this process may run (default all; none: only the push relays)', '^[a-z-]+(\\s*,\\s*[a-z-]+)*$'),
  RELAYS: oneOf(['auto', 'on', 'off'], 'auto', 'push delivery (webhooks, brokers) in this process: auto = in the service with PROJECTOR=inline, always in the projector; on; off'),
  RELAY_RETRY_BASE_MS: integer(1, 3_600_000, 500, 'relays: delay before the first retry of a failed delivery (doubles per failure, with jitter)'),
  RELAY_RETRY_MAX_MS: integer(1, 86_400_000, 60_000, 'relays: longest delay between two attempts of one delivery'),
  WEBHOOK_TIMEOUT_MS: integer(100, 600_000, 10_000, 'webhooks: per-attempt timeout (connect, send, answer)'),
  WEBHOOK_FAILING_AFTER: text('webhooks: continuous failure for this long marks a subscription failing (e.g. 24h, 30m, 90s, 500ms)', '24h', '^[0-9]{1,9}(ms|s|m|h|d)$'),
  WEBHOOK_ATTEMPTS_RETENTION_HOURS: integer(1, 87_600, 168, 'webhooks: delivery attempts older than this are pruned'),
  WEBHOOK_ALLOW_PRIVATE: flag('false', 'webhooks: allow loopback, link-local and private-range targets in production (always allowed outside production)'),
  AUDIT_SIGNING_KEY_FILE: optionalText('PEM (PKCS#8) Ed25519 private key that signs audit checkpoints and export manifests; never stored in the database (without it: a development key in DATA_DIR, none in production)'),
  AUDIT_PUBLIC_KEYS_DIR: optionalText('directory of the *.pem public keys of earlier signing keys, so checkpoints they signed keep verifying after a rotation'),
  AUDIT_CHECKPOINT_INTERVAL: text('period of signed checkpoints: a number and a unit (s, m, h, d), or off', '1h', '^(off|[1-9][0-9]{0,6}(s|m|h|d))$'),
  AUDIT_ACCESS_LOG_RETENTION_DAYS: integer(1, 36_500, 400, 'access-log entries older than this many days are pruned by the checkpoint scheduler'),
  AUDIT_ACTOR: optionalText('audit CLI: who runs it, for the access log (default cli:<OS user>)'),
  AUDIT_API_KEY: optionalText('audit CLI: the auditor key sent (Authorization: Bearer) with --checkpoint-url and to read /v1/audit/public-key'),
  SIMULATOR_URL: text('simulator: base URL of the service', 'http://localhost:3000', '^https?://'),
  API_KEY: optionalText('simulator: an admin API key'),
  RELAY_AMQP_URL: optionalText('relays: RabbitMQ to publish every event to, e.g. amqp://guest:guest@127.0.0.1:5672 (unset: no AMQP relay)', '^amqps?://'),
  RELAY_AMQP_EXCHANGE: text('relays: the durable topic exchange of the AMQP relay (declared if absent)', 'client-lifecycle.events', '^[A-Za-z0-9_.:-]{1,255}$'),
  RELAY_NATS_URL: optionalText('relays: NATS server(s) to publish every event to, e.g. nats://127.0.0.1:4222, comma-separated (unset: no NATS relay)', '^(nats|tls|wss?)://'),
  RELAY_NATS_STREAM: text('relays: the JetStream stream of the NATS relay (created if absent)', 'CLIENT_LIFECYCLE', '^[A-Za-z0-9_-]{1,255}$'),
  RELAY_NATS_SUBJECT_PREFIX: text('relays: NATS subjects are <prefix>.<category>.<EventType>', 'client-lifecycle', '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$'),
});

export type SettingName = keyof typeof SETTINGS.properties;

/** Which processes read each setting. */
const SETTING_USERS: Record<SettingName, readonly SettingUser[]> = {
  NODE_ENV: ['service', 'projector'],
  PORT: SERVICE,
  EVENT_STORE: STORE_USERS,
  DATA_DIR: STORE_USERS,
  DATABASE_URL: STORE_USERS,
  EVENTSTORE_CONNECTION_STRING: STORE_USERS,
  DATABASE_POOL_SIZE: STORE_USERS,
  DATABASE_CONNECT_TIMEOUT_MS: STORE_USERS,
  DATABASE_QUERY_TIMEOUT_MS: STORE_USERS,
  EVENT_STORE_GROUP_COMMIT: STORE_USERS,
  DUNNING_GRACE_DAYS: SERVICE,
  DUNNING_SUSPEND_AFTER_DAYS: SERVICE,
  DUNNING_WRITE_OFF_ON_SUSPENSION: SERVICE,
  SCHEDULER: SERVICE,
  SCHEDULER_INTERVAL_MS: SERVICE,
  API_KEYS: SERVICE,
  API_KEYS_FILE: SERVICE,
  PROJECTOR: SERVICE,
  RATE_LIMIT_PER_MINUTE: SERVICE,
  LOG_LEVEL: SERVICE,
  DEMO: SERVICE,
  FEED_HEARTBEAT_MS: SERVICE,
  HEALTH_STORE_TIMEOUT_MS: ['service', 'projector'],
  HEALTH_MAX_PROJECTION_LAG_EVENTS: ['service', 'projector'],
  SHUTDOWN_DRAIN_MS: SERVICE,
  SHUTDOWN_TIMEOUT_MS: SERVICE,
  CONSOLE_DIR: SERVICE,
  BUILD_VERSION: SERVICE,
  BUILD_COMMIT: SERVICE,
  IDEMPOTENCY_TTL_HOURS: SERVICE,
  PROJECTOR_PORT: ['projector'],
  PROJECTOR_BATCH_SIZE: ['projector'],
  PROJECTIONS: ['projector'],
  RELAYS: ['service', 'projector'],
  RELAY_RETRY_BASE_MS: ['service', 'projector'],
  RELAY_RETRY_MAX_MS: ['service', 'projector'],
  WEBHOOK_TIMEOUT_MS: ['service', 'projector'],
  WEBHOOK_FAILING_AFTER: ['service', 'projector'],
  WEBHOOK_ATTEMPTS_RETENTION_HOURS: ['service', 'projector'],
  WEBHOOK_ALLOW_PRIVATE: ['service', 'projector'],
  AUDIT_SIGNING_KEY_FILE: ['service', 'audit'],
  AUDIT_PUBLIC_KEYS_DIR: ['service', 'audit'],
  AUDIT_CHECKPOINT_INTERVAL: SERVICE,
  AUDIT_ACCESS_LOG_RETENTION_DAYS: SERVICE,
  AUDIT_ACTOR: ['audit'],
  AUDIT_API_KEY: ['audit'],
  SIMULATOR_URL: ['simulator'],
  API_KEY: ['simulator'],
  RELAY_AMQP_URL: ['service', 'projector'],
  RELAY_AMQP_EXCHANGE: ['service', 'projector'],
  RELAY_NATS_URL: ['service', 'projector'],
  RELAY_NATS_STREAM: ['service', 'projector'],
  RELAY_NATS_SUBJECT_PREFIX: ['service', 'projector'],
};

/** `AUDIT_CHECKPOINT_INTERVAL` in milliseconds; 0 for `off`. */
export function durationMs(value: string): number {
  if (value === 'off') return 0;
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[value.slice(-1)];
  if (!unit || !/^[1-9][0-9]*$/.test(value.slice(0, -1))) throw new RangeError(`not a duration: ${value}`);
  return Number(value.slice(0, -1)) * unit;
}

/** The names a process reads. */
export function settingsOf(user: SettingUser): SettingName[] {
  return (Object.keys(SETTING_USERS) as SettingName[]).filter((name) => SETTING_USERS[name].includes(user));
}

/** What a schema accepts, in words, for error messages and the docs. */
export function describeSetting(schema: TSchema): string {
  if (schema.type === 'integer') return `an integer from ${schema.minimum} to ${schema.maximum}`;
  if (Array.isArray(schema.anyOf)) return `one of ${(schema.anyOf as TSchema[]).map((s) => String(s.const)).join(', ')}`;
  if (schema.type === 'string') return schema.pattern ? `${schema.description} (matching ${schema.pattern})` : `a non-empty string (${schema.description})`;
  return schema.description ?? 'a valid value';
}
