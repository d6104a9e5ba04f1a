/**
 * `npm run audit -- <command>`: opens the event store the service uses (same environment:
 * EVENT_STORE, DATABASE_URL, DATA_DIR, EVENTSTORE_CONNECTION_STRING) and runs the audit CLI.
 */
import { openDomainEventStore } from '@libs/codec';
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
  const opened = await openDomainEventStore({
    backend: s.EVENT_STORE,
    databaseUrl: s.DATABASE_URL,
    // The service's default, so the CLI reads the same embedded database without configuration.
    dataDir: s.DATA_DIR,
    eventstoreConnectionString: s.EVENTSTORE_CONNECTION_STRING,
    poolSize: 4,
    connectTimeoutMs: s.DATABASE_CONNECT_TIMEOUT_MS,
    queryTimeoutMs: s.DATABASE_QUERY_TIMEOUT_MS,
  });
  try {
    return await runAuditCli(process.argv.slice(2), {
      store: opened.store,
      db: opened.db,
      stdout: process.stdout,
      stderr: process.stderr,
      env: { AUDIT_PUBLIC_KEYS_DIR: s.AUDIT_PUBLIC_KEYS_DIR, AUDIT_SIGNING_KEY_FILE: s.AUDIT_SIGNING_KEY_FILE, AUDIT_API_KEY: s.AUDIT_API_KEY },
    });
  } finally {
    await opened.close();
  }
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
