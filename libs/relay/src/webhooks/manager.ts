import type { EventStore } from '@libs/event-store';
import type { SqlDatabase } from '@libs/sql';
import type { RelayEngine, RelayLogger } from '../engine.js';
import { relayLag } from '../status.js';
import { WebhookSink, type WebhookDeliverySettings } from './sink.js';
import { webhookSinkName, WebhookStore, type WebhookRecord } from './store.js';

export interface WebhookSettings extends WebhookDeliverySettings {
  /** Attempts older than this are pruned (hours). */
  attemptsRetentionHours: number;
  /** How often the subscriptions are read again (changes made by another process); default 2 s. */
  syncIntervalMs?: number;
}

/** The answer's view of a subscription: never its secrets. */
export interface WebhookView {
  id: string;
  url: string;
  types: string[] | null;
  stream: string | null;
  description: string | null;
  status: WebhookRecord['status'];
  failingSince: string | null;
  createdAt: string;
  updatedAt: string;
  /** Until when the previous secret still signs (after a rotation), or null. */
  previousSecretExpiresAt: string | null;
  checkpoint: string;
  lagEvents: number;
  lagCapped: boolean;
  lagSeconds: number;
  lastAttempt: { eventId: string; position: string; attempt: number; statusCode: number | null; error: string | null; latencyMs: number; at: string } | null;
}

const PRUNE_EVERY_MS = 10 * 60_000;

/**
 * Keeps the relay engine's webhook sinks equal to the `active` subscriptions of the table —
 * whichever process changed it — and prunes the attempt log.
 */
export class WebhookManager {
  readonly store: WebhookStore;
  private readonly revisions = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  private lastPrune = 0;
  private running = false;

  constructor(
    private readonly engine: RelayEngine,
    private readonly eventStore: EventStore,
    private readonly db: SqlDatabase,
    readonly settings: WebhookSettings,
    private readonly logger?: RelayLogger,
  ) {
    this.store = new WebhookStore(db);
  }

  async start(): Promise<void> {
    await this.store.init();
    this.running = true;
    await this.sync();
    this.schedule();
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.syncing;
  }

  private schedule(): void {
    if (!this.running) return;
    this.timer = setTimeout(() => void this.sync().finally(() => this.schedule()), this.settings.syncIntervalMs ?? 2_000);
    this.timer.unref?.();
  }

  /** Reads the table and adds, replaces or removes sinks to match; prunes now and then. */
  sync(): Promise<void> {
    if (this.syncing) return this.syncing.then(() => this.sync());
    this.syncing = (async () => {
      try {
        const records = await this.store.list();
        const wanted = new Set<string>();
        for (const r of records) {
          if (r.status !== 'active') continue;
          wanted.add(r.id);
          if (this.revisions.get(r.id) === r.revision && this.engine.has(webhookSinkName(r.id))) continue;
          this.revisions.set(r.id, r.revision);
          await this.engine.add(new WebhookSink(r, this.store, this.settings, this.logger), { types: r.types ?? undefined, streamPrefix: r.stream ?? undefined });
        }
        for (const id of [...this.revisions.keys()]) {
          if (wanted.has(id)) continue;
          this.revisions.delete(id);
          await this.engine.remove(webhookSinkName(id));
        }
        if (Date.now() - this.lastPrune >= PRUNE_EVERY_MS) {
          this.lastPrune = Date.now();
          await this.store.prune(this.settings.attemptsRetentionHours);
        }
      } catch (error) {
        this.logger?.warn(`webhooks: reading the subscriptions failed: ${(error as Error).message}`);
      } finally {
        this.syncing = undefined;
      }
    })();
    return this.syncing;
  }

  /** A subscription with its checkpoint, lag and last attempt. */
  async view(record: WebhookRecord): Promise<WebhookView> {
    const lag = await relayLag(this.eventStore, this.db, webhookSinkName(record.id), { types: record.types ?? undefined, streamPrefix: record.stream ?? undefined });
    const [last] = await this.store.attempts(record.id, { limit: 1 });
    const overlap = record.previousSecretUntil && Date.parse(record.previousSecretUntil) > Date.now() ? record.previousSecretUntil : null;
    return {
      id: record.id,
      url: record.url,
      types: record.types,
      stream: record.stream,
      description: record.description,
      status: record.status,
      failingSince: record.failingSince,
      createdAt: record.createdAt,
      updatedAt: record.updatedAt,
      previousSecretExpiresAt: overlap,
      ...lag,
      lastAttempt: last
        ? { eventId: last.eventId, position: last.position, attempt: last.attempt, statusCode: last.statusCode, error: last.error, latencyMs: last.latencyMs, at: last.at }
        : null,
    };
  }
}
