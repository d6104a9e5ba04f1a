import type { EsdbConnection, EsdbLiveFeed, EsdbServerFilter } from './connection.js';
import { serverFilterKey } from './filters.js';

const MAX_FEED_BACKOFF_MS = 5_000;

interface Feed {
  filter: EsdbServerFilter;
  listeners: Set<() => void>;
  live?: EsdbLiveFeed;
  failures: number;
  retry?: NodeJS.Timeout;
}

/**
 * Wake-ups for subscriptions: in-process appends wake them directly; everyone else's appends
 * arrive through one live, server-side filtered subscription to $all per distinct filter. The
 * wake-up only says "read again": subscriptions read $all from their own position, so a feed
 * that drops loses nothing, and it is re-established with back-off.
 */
export class WakeFeeds {
  private readonly feeds = new Map<string, Feed>();
  private readonly local = new Set<() => void>();
  private closed = false;

  constructor(private readonly connection: EsdbConnection) {}

  /** Live feeds open (or waiting to reopen). */
  get open(): number {
    return this.feeds.size;
  }

  /** Calls `listener` whenever events matching `filter` may have been appended; returns the unregister function. */
  on(filter: EsdbServerFilter, listener: () => void): () => void {
    const key = serverFilterKey(filter);
    let feed = this.feeds.get(key);
    if (!feed) {
      feed = { filter, listeners: new Set(), failures: 0 };
      this.feeds.set(key, feed);
    }
    feed.listeners.add(listener);
    this.local.add(listener);
    if (!feed.live && !feed.retry) this.startFeed(key, feed);
    return () => {
      this.local.delete(listener);
      feed.listeners.delete(listener);
      if (feed.listeners.size === 0) this.stopFeed(key, feed);
    };
  }

  /** An append of this process: every listener reads again now, without waiting for the server's feed. */
  wakeLocal(): void {
    for (const listener of this.local) listener();
  }

  /** Closes every feed; none is opened again. */
  close(): void {
    this.closed = true;
    for (const [key, feed] of [...this.feeds]) this.stopFeed(key, feed);
  }

  private startFeed(key: string, feed: Feed): void {
    if (this.closed) return;
    feed.retry = undefined;
    const wakeAll = () => {
      for (const listener of feed.listeners) listener();
    };
    feed.live = this.connection.watch(feed.filter, {
      onEvent: () => {
        feed.failures = 0;
        wakeAll();
      },
      // Confirmed: anything appended before the feed existed is picked up by reading again.
      onReady: () => {
        feed.failures = 0;
        wakeAll();
      },
      onDrop: () => {
        feed.live = undefined;
        if (this.closed || feed.listeners.size === 0 || this.feeds.get(key) !== feed) return;
        feed.failures++;
        feed.retry = setTimeout(() => {
          this.startFeed(key, feed);
          // Whatever was appended while the feed was down is picked up by reading again.
          wakeAll();
        }, Math.min(MAX_FEED_BACKOFF_MS, 100 * 2 ** Math.min(feed.failures, 6)));
      },
    });
  }

  private stopFeed(key: string, feed: Feed): void {
    if (feed.retry) clearTimeout(feed.retry);
    feed.retry = undefined;
    const live = feed.live;
    feed.live = undefined;
    this.feeds.delete(key);
    void live?.close().catch(() => undefined);
  }
}
