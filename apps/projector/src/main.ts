/**
 * The projector: runs the read-model projections, and the push relays (webhooks, brokers), as
 * their own process.
 *
 *   node dist/apps/projector/src/main.js             run (default): catch up, then follow the log
 *   node dist/apps/projector/src/main.js rebuild all rebuild every read model (or one by name)
 *   node dist/apps/projector/src/main.js status      print each projection's checkpoint and lag
 *
 * Several projectors (and services running projections) may run at once: each projection and
 * each relay sink runs in exactly one of them at a time, and another takes over within seconds
 * when it dies.
 */
import { Logger } from '@nestjs/common';
import { Command } from 'commander';
import cliProgress from 'cli-progress';
import { openDomainEventStore } from '@libs/codec';
import { type OpenedEventStore } from '@libs/event-store';
import { PROJECTION_NAMES, ProjectionEngine, projectionByName, type RebuildProgress } from '@libs/projections';
import { RelayHost } from '@libs/relay';
import { SettingsError } from '@libs/settings';
import { projectorConfigFromEnv, type ProjectorConfig } from './config.js';
import { ProjectorMetrics, startHealthServer } from './health-server.js';

/** The settings, or exit 2 naming every bad variable (issue 12: no silent fall-back to defaults). */
function configOrExit(): ProjectorConfig {
  try {
    return projectorConfigFromEnv();
  } catch (error) {
    if (!(error instanceof SettingsError)) throw error;
    process.stderr.write(`projector: configuration error: ${error.message}\n`);
    process.exit(2);
  }
}

function engineFor(opened: OpenedEventStore, config: ProjectorConfig, logger: Logger): ProjectionEngine {
  return new ProjectionEngine({
    store: opened.store,
    db: opened.db,
    batchSize: config.batchSize,
    logger: { log: (m) => logger.log(m), warn: (m) => logger.warn(m), error: (m) => logger.error(m) },
  });
}

async function run(): Promise<void> {
  const logger = new Logger('Projector');
  const config = configOrExit();
  const opened = await openDomainEventStore(config.store);
  const engine = engineFor(opened, config, logger);
  await engine.start(config.only);
  const running = config.only ?? engine.names();
  logger.log(running.length > 0 ? `running projections ${running.join(', ')} on ${config.store.backend}` : `running no projection (PROJECTIONS=none) on ${config.store.backend}`);
  const metrics = new ProjectorMetrics();
  const relayLogger = new Logger('Relays');
  const relay = new RelayHost({
    store: opened.store,
    db: opened.db,
    config: config.relay,
    logger: { log: (m) => relayLogger.log(m), warn: (m) => relayLogger.warn(m), error: (m) => relayLogger.error(m) },
    observer: metrics.relayObserver,
  });
  // RELAYS=auto or on: the projector always delivers (the service does only with PROJECTOR=inline);
  // with several processes the relays' advisory locks pick one per sink.
  await relay.start(config.relay.mode !== 'off');
  if (relay.running) logger.log('running the push relays (webhook subscriptions, configured brokers)');
  const health = config.health.port > 0 ? await startHealthServer(engine, opened.store, config.health, metrics, relay) : undefined;
  if (health) logger.log(`health and metrics on :${config.health.port} (/health/live, /health/ready, /metrics)`);
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.log(`${signal}: stopping after the batches in flight`);
    health?.close();
    await relay.stop();
    await engine.stop();
    await opened.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

/** Events a rebuild will read, for the progress bar; undefined when the store cannot say cheaply. */
async function countEvents(opened: OpenedEventStore, types?: readonly string[]): Promise<number | undefined> {
  if (opened.store.backend === 'eventstoredb') return undefined;
  try {
    const { rows } = await opened.db.query<{ n: number }>(
      types ? 'SELECT count(*)::int AS n FROM cl_events WHERE type = ANY($1::text[])' : 'SELECT count(*)::int AS n FROM cl_events',
      types ? [types] : [],
    );
    return rows[0]?.n;
  } catch {
    return undefined;
  }
}

async function rebuild(target: string): Promise<void> {
  const names = target === 'all' ? PROJECTION_NAMES : [target];
  const unknown = names.filter((n) => !PROJECTION_NAMES.includes(n));
  if (unknown.length > 0) {
    process.stderr.write(`unknown projection ${unknown.join(', ')}; known: ${PROJECTION_NAMES.join(', ')}, all\n`);
    process.exit(2);
  }
  const config = configOrExit();
  const opened = await openDomainEventStore(config.store);
  const logger = new Logger('Projector');
  const engine = engineFor(opened, config, logger);
  let failed = false;
  try {
    const busy = await engine.acquire(names);
    for (const name of busy) {
      await engine.rebuild(name);
      process.stdout.write(`${name}: held by a running projector; rebuild requested there (see its log or GET /v1/projections)\n`);
    }
    const free = names.filter((n) => !busy.includes(n));
    if (free.length > 0) {
      const bars = new cliProgress.MultiBar(
        { format: '{name} [{bar}] {percentage}% | {value}/{total} events | {rate} ev/s', hideCursor: true },
        cliProgress.Presets.shades_classic,
      );
      const totals = new Map<string, number | undefined>();
      const byName = new Map<string, cliProgress.SingleBar>();
      for (const name of free) {
        const total = await countEvents(opened, projectionByName(name)!.eventTypes);
        totals.set(name, total);
        byName.set(name, bars.create(total ?? 0, 0, { name: name.padEnd(22), rate: 0 }));
      }
      const started = Date.now();
      try {
        // All at once: one shared reader hands every page of the log to each projection.
        await engine.rebuildMany(free, (p: RebuildProgress) => {
          const bar = byName.get(p.name)!;
          if (totals.get(p.name) === undefined) bar.setTotal(p.processed);
          bar.update(p.processed, { rate: Math.round(p.processed / Math.max(0.001, (Date.now() - started) / 1000)) });
        });
        for (const [name, total] of totals) if (total !== undefined) byName.get(name)!.update(total);
      } finally {
        bars.stop();
      }
    }
  } catch (error) {
    failed = true;
    process.stderr.write(`rebuild failed: ${(error as Error).message}\n`);
  } finally {
    await engine.stop();
    await opened.close();
  }
  process.exit(failed ? 1 : 0);
}

async function status(): Promise<void> {
  const config = configOrExit();
  const opened = await openDomainEventStore(config.store);
  const engine = engineFor(opened, config, new Logger('Projector'));
  try {
    for (const s of await engine.status()) {
      process.stdout.write(`${s.name.padEnd(22)} checkpoint ${s.checkpoint.padEnd(20)} lag ${s.lagCapped ? '≥' : ''}${s.lagEvents} events, ${s.lagSeconds.toFixed(1)} s\n`);
    }
    // The relays' checkpoints and lag, whichever process delivers them (this one delivers nothing).
    const relay = new RelayHost({ store: opened.store, db: opened.db, config: config.relay });
    await relay.start(false);
    for (const s of await relay.status()) {
      const state = s.subscription && s.subscription !== 'active' ? ` (${s.subscription})` : '';
      process.stdout.write(`${s.name.padEnd(22)} checkpoint ${s.checkpoint.padEnd(20)} lag ${s.lagCapped ? '≥' : ''}${s.lagEvents} events, ${s.lagSeconds.toFixed(1)} s${state}\n`);
    }
  } finally {
    await engine.stop();
    await opened.close();
  }
}

const program = new Command('projector').description('Runs and rebuilds the client-lifecycle read models');
program.command('run', { isDefault: true }).description('run the projections (catch up, then follow the log)').action(run);
program.command('rebuild <name>').description(`rebuild a read model from the log: ${PROJECTION_NAMES.join(', ')} or all`).action(rebuild);
program.command('status').description("print each projection's and relay sink's checkpoint and lag").action(status);
await program.parseAsync(process.argv);
