import { Inject, Injectable } from '@nestjs/common';
import type { ServiceConfig } from '../config.js';
import { SERVICE_CONFIG } from '../infrastructure/tokens.js';

/** Outcome of counting one request against a key's budget. */
export interface RateDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the budget has room again (0 when allowed). */
  retryAfterSeconds: number;
  /** Seconds until the current window ends and its count stops weighing fully (the `t` of `RateLimit`). */
  resetSeconds: number;
}

/** Name of the one policy in `RateLimit-Policy` / `RateLimit` (IETF draft-ietf-httpapi-ratelimit-headers). */
const RATE_LIMIT_POLICY = 'per-key';

/**
 * The IETF RateLimit header fields for a decision: `RateLimit-Policy: "per-key";q=<limit>;w=60` and
 * `RateLimit: "per-key";r=<remaining>;t=<seconds>`. They replace the older `RateLimit-Limit` /
 * `RateLimit-Remaining` pair; `Retry-After` still comes with a 429.
 */
export function rateLimitHeaders(decision: RateDecision): Record<string, string> {
  const windowSeconds = KeyRateLimiter.WINDOW_MS / 1000;
  return {
    'RateLimit-Policy': `"${RATE_LIMIT_POLICY}";q=${decision.limit};w=${windowSeconds}`,
    RateLimit: `"${RATE_LIMIT_POLICY}";r=${decision.remaining};t=${decision.allowed ? decision.resetSeconds : decision.retryAfterSeconds}`,
  };
}

interface Window {
  start: number;
  count: number;
  previous: number;
}

/**
 * Per-key rate limit over a sliding minute, approximated with two fixed windows (the previous
 * window's count weighted by how much of it still overlaps): O(1) memory per key, no burst of 2×
 * at window edges. Only authenticated keys are tracked, so the map is bounded by the configured keys.
 *
 * Written here rather than with @nestjs/throttler 6: that package is CommonJS and `require`s the
 * ESM-only @nestjs/common 12, which Node 20 loads but Jest's module runtime cannot, so the guard
 * could not be exercised by the test suite.
 */
@Injectable()
export class KeyRateLimiter {
  static readonly WINDOW_MS = 60_000;
  private readonly limit: number;
  private readonly windows = new Map<string, Window>();

  constructor(@Inject(SERVICE_CONFIG) config: Pick<ServiceConfig, 'rateLimitPerMinute'>) {
    this.limit = config.rateLimitPerMinute;
  }

  /** Counts one request of `key` at `now` (ms) unless it would exceed the limit. */
  consume(key: string, now = Date.now()): RateDecision {
    const size = KeyRateLimiter.WINDOW_MS;
    const start = now - (now % size);
    let w = this.windows.get(key);
    if (!w) {
      w = { start, count: 0, previous: 0 };
      this.windows.set(key, w);
    } else if (w.start !== start) {
      w.previous = start - w.start === size ? w.count : 0;
      w.start = start;
      w.count = 0;
    }
    const overlap = (size - (now - start)) / size;
    const resetSeconds = Math.max(1, Math.ceil((start + size - now) / 1000));
    const used = w.previous * overlap + w.count;
    if (used + 1 > this.limit) {
      // Room appears when the previous window's weight has decayed enough, or at the next window.
      const needed = used + 1 - this.limit;
      const wait = w.previous > 0 && needed <= w.previous * overlap ? (needed / w.previous) * size : start + size - now;
      return { allowed: false, limit: this.limit, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(wait / 1000)), resetSeconds };
    }
    w.count++;
    return { allowed: true, limit: this.limit, remaining: Math.max(0, Math.floor(this.limit - used - 1)), retryAfterSeconds: 0, resetSeconds };
  }
}
