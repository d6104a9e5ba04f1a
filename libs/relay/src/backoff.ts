/** Capped exponential back-off of the relays' retries. */
export interface RetryPolicy {
  /** Delay before the first retry, before jitter (ms). */
  baseMs: number;
  /** No delay exceeds this (ms). */
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 500, maxMs: 60_000 };

/**
 * Delay before retry number `failures` (1 = after the first failure): base × 2^(failures−1),
 * capped, then "equal jitter" — uniformly between half and all of it — so that sinks failing
 * together (a receiver that went down for all of them) do not retry in lock-step, while the delay
 * still grows. `random` returns [0, 1).
 */
export function retryDelay(failures: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(failures - 1, 0), 40));
  return Math.round(exp / 2 + (exp / 2) * random());
}
