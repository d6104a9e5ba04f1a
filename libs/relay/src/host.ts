import { type EventStore } from '@libs/event-store';
import { readCheckpoint, type SqlDatabase } from '@libs/sql';
import { brokerSinks, type ConfiguredSink } from './configured.js';
import type { RelayConfig } from './config.js';
import { RelayEngine, type RelayLogger, type RelayObserver } from './engine.js';
import { relayLag, type RelaySinkStatus } from './status.js';
import { WebhookManager } from './webhooks/manager.js';
import { webhookSinkName } from './webhooks/store.js';

export interface RelayHostOptions {
  store: EventStore;
  db: SqlDatabase;
  config: RelayConfig;
  logger?: RelayLogger;
  observer?: RelayObserver;
  /** Sinks beside the configured brokers' (tests, benchmarks); default none. */
  sinks?: readonly ConfiguredSink[];
  leadershipIntervalMs?: number;
}

/** One sink's line in `GET /v1/projections` (`relays`) and the relay metrics. */
export interface RelayStatus extends Omit<RelaySinkStatus, 'failures'> {
  kind: 'webhook' | 'broker';
  failures: number;
  /** A webhook subscription's own status. */
  subscription?: 'active' | 'failing' | 'disabled';
}

/**
 * Push delivery in one process: the relay engine with the configured broker sinks and the
 * webhook subscriptions. Every process that serves the routes has one (status, webhook changes);
 * only those that `start(true)` deliver.
 */
export class RelayHost {
  readonly engine: RelayEngine;
  readonly webhooks: WebhookManager;
  private delivering = false;

  constructor(private readonly options: RelayHostOptions) {
    this.engine = new RelayEngine({
      store: options.store,
      db: options.db,
      retry: options.config.retry,
      logger: options.logger,
      observer: options.observer,
      leadershipIntervalMs: options.leadershipIntervalMs,
    });
    this.webhooks = new WebhookManager(this.engine, options.store, options.db, { ...options.config.webhooks, syncIntervalMs: options.leadershipIntervalMs }, options.logger);
  }

  get config(): RelayConfig {
    return this.options.config;
  }

  /** Whether this process delivers. */
  get running(): boolean {
    return this.delivering;
  }

  /** Creates the tables; with `deliver`, registers every sink and delivers for those it holds. */
  async start(deliver: boolean): Promise<void> {
    await this.webhooks.store.init();
    if (!deliver) return;
    this.delivering = true;
    for (const { sink, filter } of [...brokerSinks(this.options.config, this.options.logger), ...(this.options.sinks ?? [])]) await this.engine.add(sink, filter);
    await this.webhooks.start();
    await this.engine.start();
  }

  async stop(): Promise<void> {
    this.delivering = false;
    await this.webhooks.stop();
    await this.engine.stop();
  }

  /** The webhook subscription changed here: apply it now instead of at the next sync. */
  async changed(): Promise<void> {
    if (this.delivering) await this.webhooks.sync();
  }

  /** Redeliver after a replay, at once when this process delivers for it. */
  async replayed(id: string): Promise<void> {
    if (this.delivering) await this.engine.restart(webhookSinkName(id));
  }

  /**
   * Every sink: those registered here, every webhook subscription (whoever delivers it), and
   * checkpoints of broker relays run by another process.
   */
  async status(): Promise<RelayStatus[]> {
    const out: RelayStatus[] = [];
    const seen = new Set<string>();
    const records = new Map((await this.webhooks.store.list()).map((r) => [webhookSinkName(r.id), r]));
    for (const s of await this.engine.status()) {
      seen.add(s.name);
      const record = records.get(s.name);
      out.push({ ...s, kind: record || s.name.startsWith('webhook:') ? 'webhook' : 'broker', ...(record ? { subscription: record.status } : {}) });
    }
    for (const [name, r] of records) {
      if (seen.has(name)) continue;
      seen.add(name);
      const lag = await relayLag(this.options.store, this.options.db, name, { types: r.types ?? undefined, streamPrefix: r.stream ?? undefined });
      out.push({ name, kind: 'webhook', status: this.delivering && r.status !== 'active' ? 'paused' : 'stopped', leader: false, ...lag, failures: 0, subscription: r.status });
    }
    const { rows } = await this.options.db.query<{ name: string }>(`SELECT name FROM cl_checkpoints WHERE name LIKE 'relay:%' ORDER BY name`);
    for (const { name } of rows) {
      if (seen.has(name)) continue;
      const lag = await relayLag(this.options.store, this.options.db, name);
      out.push({ name, kind: 'broker', status: 'stopped', leader: false, ...lag, failures: 0 });
    }
    return out;
  }

  checkpoint(name: string): Promise<string> {
    return readCheckpoint(this.options.db, name);
  }
}
