/**
 * `npm run audit -- <command>`: opens the event store the service uses (same environment:
 * EVENT_STORE, DATABASE_URL, DATA_DIR, EVENTSTORE_CONNECTION_STRING) and runs the audit CLI.
 */
import { openDomainEventStore } from '@libs/codec';
import { type EventStoreBackend } from '@libs/event-store';
import { EXIT_USAGE, runAuditCli } from './cli.js';

const BACKENDS: readonly EventStoreBackend[] = ['pglite', 'postgres', 'eventstoredb'];

async function main(): Promise<number> {
  const backend = (process.env['EVENT_STORE']?.trim() || 'pglite') as EventStoreBackend;
  if (!BACKENDS.includes(backend)) {
    process.stderr.write(`audit: EVENT_STORE must be one of ${BACKENDS.join(', ')}, got "${backend}"\n`);
    return EXIT_USAGE;
  }
  const opened = await openDomainEventStore({
    backend,
    databaseUrl: process.env['DATABASE_URL']?.trim() || undefined,
    // The service's default, so the CLI reads the same embedded database without configuration.
    dataDir: process.env['DATA_DIR']?.trim() || './data',
    eventstoreConnectionString: process.env['EVENTSTORE_CONNECTION_STRING']?.trim() || undefined,
    poolSize: 4,
  });
  try {
    return await runAuditCli(process.argv.slice(2), { store: opened.store, stdout: process.stdout, stderr: process.stderr });
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
