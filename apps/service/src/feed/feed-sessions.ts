import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { readSettings } from '@libs/settings';
import { SseSession, type SseSessionOptions } from './sse.js';

/** Settings of the feed; `FEED_HEARTBEAT_MS` lets tests shorten the 15 s heartbeat. */
export interface FeedOptions {
  heartbeatMs: number;
  /** Events per subscription batch (and so at most per backpressure wait). */
  batchSize: number;
}

export const FEED_OPTIONS = Symbol('FEED_OPTIONS');

/** Reads the feed's settings from the environment. */
export function feedOptionsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): FeedOptions {
  return {
    // Validated at start with every other setting (libs/settings): a bad value never gets here.
    heartbeatMs: readSettings(env, ['FEED_HEARTBEAT_MS']).FEED_HEARTBEAT_MS,
    batchSize: 200,
  };
}

/**
 * The open SSE connections. At shutdown they are ended and their subscriptions stopped before the
 * store closes (module destruction precedes the infrastructure's shutdown hook), and so the HTTP
 * server does not wait on streams that never end.
 */
@Injectable()
export class FeedSessions implements OnModuleDestroy {
  private readonly open_ = new Set<SseSession>();
  private readonly stopping = new Set<Promise<void>>();

  constructor(@Inject(FEED_OPTIONS) private readonly options: FeedOptions) {}

  open(res: ServerResponse, options: Partial<SseSessionOptions> = {}): SseSession {
    const session = new SseSession(res, { heartbeatMs: this.options.heartbeatMs, ...options });
    this.open_.add(session);
    session.onClose(() => this.open_.delete(session));
    return session;
  }

  /** Keeps a subscription's `stop()` so shutdown can wait for it. */
  track(stopping: Promise<void>): void {
    this.stopping.add(stopping);
    void stopping.finally(() => this.stopping.delete(stopping));
  }

  get size(): number {
    return this.open_.size;
  }

  async onModuleDestroy(): Promise<void> {
    for (const session of [...this.open_]) session.end();
    await Promise.allSettled([...this.stopping]);
  }
}
