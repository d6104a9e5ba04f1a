import {
  Global,
  Inject,
  Logger,
  Module,

  type BeforeApplicationShutdown,
  type DynamicModule,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { ClockScheduler, LifecycleApplication, PolicyRunner, type ApplicationObserver } from '@libs/application';
import { AccessLog, CheckpointLedger, EvidenceScheduler, openKeyring, type EvidenceTask } from '@libs/audit';
import { openDomainEventStore } from '@libs/codec';
import { type OpenedEventStore } from '@libs/event-store';
import { ProjectionEngine } from '@libs/projections';
import { RelayHost, type RelayObserver } from '@libs/relay';
import type { ServiceConfig } from '../config.js';
import { loadDemoCompany } from './demo.js';
import { ACCESS_LOG, AUDIT_LEDGER, EVENT_STORE, LIFECYCLE_SERVICE, PROJECTIONS, RELAY, SERVICE_CONFIG, SQL_DATABASE } from './tokens.js';

const OPENED_STORE = Symbol('OPENED_STORE');
/** Optional metrics hooks for the application, provided by the operations module. */
export const APPLICATION_OBSERVER = Symbol('APPLICATION_OBSERVER');
/** Optional metrics hooks for the relays, provided by the operations module. */
export const RELAY_OBSERVER = Symbol('RELAY_OBSERVER');

/**
 * Owns the process's infrastructure: opens the configured event store (and the SQL database of
 * read models, checkpoints and idempotency keys), builds the application, runs the policies'
 * subscription and the clock scheduler, and closes everything in order at shutdown.
 */
@Global()
@Module({})
export class InfrastructureModule implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Infrastructure');
  private policies?: PolicyRunner;
  private scheduler?: ClockScheduler;
  private evidence?: EvidenceScheduler;
  private demo?: Promise<void>;
  private stopping = false;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: ServiceConfig,
    @Inject(OPENED_STORE) private readonly opened: OpenedEventStore,
    @Inject(LIFECYCLE_SERVICE) private readonly app: LifecycleApplication,
    @Inject(PROJECTIONS) private readonly projections: ProjectionEngine,
    @Inject(RELAY) private readonly relay: RelayHost,
    @Inject(AUDIT_LEDGER) private readonly ledger: CheckpointLedger,
    @Inject(ACCESS_LOG) private readonly accessLog: AccessLog,
  ) {}

  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: SERVICE_CONFIG, useValue: config },
        {
          provide: OPENED_STORE,
          useFactory: () =>
            openDomainEventStore({
              backend: config.eventStore,
              dataDir: config.dataDir,
              databaseUrl: config.databaseUrl,
              eventstoreConnectionString: config.eventstoreConnectionString,
              ...config.database,
            }),
        },
        { provide: EVENT_STORE, useFactory: (o: OpenedEventStore) => o.store, inject: [OPENED_STORE] },
        { provide: SQL_DATABASE, useFactory: (o: OpenedEventStore) => o.db, inject: [OPENED_STORE] },
        {
          provide: LIFECYCLE_SERVICE,
          useFactory: async (o: OpenedEventStore, observer?: ApplicationObserver) => {
            const app = new LifecycleApplication(o.store, o.db, { policy: config.policy, observer, idempotencyTtlHours: config.idempotencyTtlHours });
            await app.init();
            return app;
          },
          inject: [OPENED_STORE, { token: APPLICATION_OBSERVER, optional: true }],
        },
        {
          // Always provided (status, minPosition, rebuild requests); it runs the projections only
          // with PROJECTOR=inline — otherwise an apps/projector process holds them.
          provide: PROJECTIONS,
          useFactory: async (o: OpenedEventStore) => {
            const engine = new ProjectionEngine({ store: o.store, db: o.db, logger: new Logger('Projections') });
            await engine.init();
            return engine;
          },
          inject: [OPENED_STORE],
        },
        {
          // Always provided (webhook routes, status); it delivers only where config.relay says.
          provide: RELAY,
          useFactory: async (o: OpenedEventStore, observer?: RelayObserver) => {
            const host = new RelayHost({ store: o.store, db: o.db, config: config.relay, logger: new Logger('Relays'), observer });
            await host.start(false);
            return host;
          },
          inject: [OPENED_STORE, { token: RELAY_OBSERVER, optional: true }],
        },
        {
          provide: AUDIT_LEDGER,
          useFactory: async (o: OpenedEventStore) => {
            const logger = new Logger('Audit');
            const keyring = await openKeyring({
              nodeEnv: config.nodeEnv,
              signingKeyFile: config.audit.signingKeyFile,
              publicKeysDir: config.audit.publicKeysDir,
              dataDir: config.dataDir,
              generate: true,
              onGenerated: (key, file) =>
                logger.warn(
                  `development audit signing key ${key.keyId} ${file ? `created in ${file}` : 'generated in memory (no DATA_DIR)'}; set AUDIT_SIGNING_KEY_FILE in production. Its public key:\n${key.publicKeyPem}`,
                ),
            });
            if (keyring.signing) logger.log(`audit checkpoints are signed with key ${keyring.signing.keyId}`);
            else logger.warn(`audit checkpoints are not signed: ${keyring.unavailableReason}`);
            const ledger = new CheckpointLedger(o.store, o.db, keyring, logger);
            await ledger.init();
            return ledger;
          },
          inject: [OPENED_STORE],
        },
        {
          // After the ledger, whose init ran the audit migrations (the access log's table among them).
          provide: ACCESS_LOG,
          useFactory: async (o: OpenedEventStore) => {
            const log = new AccessLog(o.db);
            await log.init();
            return log;
          },
          inject: [OPENED_STORE, AUDIT_LEDGER],
        },
      ],
      exports: [SERVICE_CONFIG, EVENT_STORE, SQL_DATABASE, LIFECYCLE_SERVICE, PROJECTIONS, RELAY, AUDIT_LEDGER, ACCESS_LOG],
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    // One live reader for the policies and the inline projections: each new page is read once.
    this.policies = new PolicyRunner(this.app, this.opened.store, this.opened.db, this.logger, this.projections.liveReader);
    await this.policies.start();
    if (this.config.demo && (await this.opened.store.headPosition()) === '0') {
      // In the background, so the service answers while the demo company loads; the clock
      // scheduler waits for it, or its real-time passes would overtake the simulated months; the
      // projections too, because catching up in big batches afterwards costs a fraction of
      // following ~21,000 imported events live on the single embedded connection.
      this.demo = loadDemoCompany(this.app, this.logger).then(
        () => this.startBackground(),
        (error: unknown) => this.logger.error('loading the demo company failed', error),
      );
    } else {
      if (this.config.demo) this.logger.log('DEMO: the store already holds events; the demo company is loaded only into an empty store');
      await this.startBackground();
    }
  }

  private async startBackground(): Promise<void> {
    if (this.stopping) return;
    if (this.config.projector === 'inline') await this.projections.start();
    const relays = this.config.relay.mode === 'auto' ? this.config.projector === 'inline' : this.config.relay.mode === 'on';
    if (relays && !this.stopping) await this.relay.start(true);
    this.startScheduler();
    this.startEvidence();
  }

  /**
   * Signed checkpoints every AUDIT_CHECKPOINT_INTERVAL (with a key; none is signed without one),
   * and the access log's retention on the same timer (daily when checkpoints are off).
   */
  private startEvidence(): void {
    if (this.stopping) return;
    const ledger = this.ledger;
    const accessLog = this.accessLog;
    const retentionDays = this.config.audit.accessLogRetentionDays;
    const tasks: EvidenceTask[] = [];
    if (this.config.audit.checkpointIntervalMs > 0) {
      tasks.push({
        name: 'audit checkpoint',
        async run(now: Date) {
          if (!ledger.canSign) return undefined;
          const { checkpoint, created } = await ledger.create({ now, ifChanged: true });
          return created ? `signed checkpoint at position ${checkpoint.position} over ${checkpoint.streams} streams (key ${checkpoint.keyId})` : undefined;
        },
      });
    }
    tasks.push({
      name: 'access log retention',
      async run(now: Date) {
        const pruned = await accessLog.prune(now, retentionDays);
        return pruned > 0 ? `pruned ${pruned} access-log entries older than ${retentionDays} days` : undefined;
      },
    });
    const interval = this.config.audit.checkpointIntervalMs > 0 ? this.config.audit.checkpointIntervalMs : 86_400_000;
    this.evidence = new EvidenceScheduler(tasks, interval, new Logger('Audit'));
    this.evidence.start();
  }

  private startScheduler(): void {
    if (this.config.scheduler !== 'clock' || this.stopping) return;
    this.scheduler = new ClockScheduler(this.app, this.config.schedulerIntervalMs, this.logger);
    this.scheduler.start();
  }

  /** Stops the background work first, then closes the store and its pools. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.demo?.catch(() => undefined);
    await this.scheduler?.stop();
    await this.relay.stop();
    await this.evidence?.stop();
    await this.policies?.stop();
    await this.projections.stop();
    await this.opened.close();
  }
}

