/**
 * `npm run audit -- <command>`: opens the event store the service uses (same environment:
 * EVENT_STORE, DATABASE_URL, DATA_DIR, EVENTSTORE_CONNECTION_STRING) and runs the audit CLI.
 */
import { userInfo } from 'node:os';
import { AccessLog, openKeyring } from '@libs/audit';
import { openDomainEventStore } from '@libs/codec';
import type { EventStore } from '@libs/event-store';
import { readSettings, settingsOf, SettingsError } from '@libs/settings';
import { EXIT_USAGE, runAuditCli } from './cli.js';

async function main(): Promise<number> {
  let s;
  try {
    s = readSettings(process.env, settingsOf('audit'));
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`audit: configuration error: ${error.message}\n`);
    return EXIT_USAGE;
  }
  const argv = process.argv.slice(2);
  // Never generated here: the CLI signs export manifests with the service's key or not at all.
  const keyring = await openKeyring({
    nodeEnv: 'development',
    signingKeyFile: s.AUDIT_SIGNING_KEY_FILE,
    publicKeysDir: s.AUDIT_PUBLIC_KEYS_DIR,
    dataDir: s.DATA_DIR,
    generate: false,
  });
  if (isOffline(argv)) return runAuditCli(argv, { store: noStore(), stdout: process.stdout, stderr: process.stderr, keyring });
  const opened = await openDomainEventStore({
    backend: s.EVENT_STORE,
    databaseUrl: s.DATABASE_URL,
    // The service's default, so the CLI reads the same embedded database without configuration.
    dataDir: s.DATA_DIR,
    eventstoreConnectionString: s.EVENTSTORE_CONNECTION_STRING,
    poolSize: 4,
    connectTimeoutMs: s.DATABASE_CONNECT_TIMEOUT_MS,
    queryTimeoutMs: s.DATABASE_QUERY_TIMEOUT_MS,
    groupCommit: s.EVENT_STORE_GROUP_COMMIT === 'on',
  });
  try {
    const accessLog = new AccessLog(opened.db);
    await accessLog.init();
    const actor = s.AUDIT_ACTOR ?? `cli:${osUser()}`;
    return await runAuditCli(argv, {
      store: opened.store,
      db: opened.db,
      stdout: process.stdout,
      stderr: process.stderr,
      keyring,
      accessLog,
      actor,
      env: { AUDIT_PUBLIC_KEYS_DIR: s.AUDIT_PUBLIC_KEYS_DIR, AUDIT_SIGNING_KEY_FILE: s.AUDIT_SIGNING_KEY_FILE, AUDIT_API_KEY: s.AUDIT_API_KEY },
    });
  } finally {
    await opened.close();
  }
}

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

/** `verify --export` checks files only: it must run where no database is reachable. */
function isOffline(argv: readonly string[]): boolean {
  return argv[0] === 'verify' && argv.some((a) => a === '--export' || a.startsWith('--export='));
}

function noStore(): EventStore {
  return new Proxy({} as EventStore, {
    get() {
      throw new Error('this command reads no event store');
    },
  });
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`audit: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = EXIT_USAGE;
  },
);
