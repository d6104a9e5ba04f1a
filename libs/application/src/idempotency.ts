import type { CommandResult } from './types.js';

/** Default retention of Idempotency-Keys (`IDEMPOTENCY_TTL_HOURS`): a client retries within hours, not days. */
export const DEFAULT_IDEMPOTENCY_TTL_HOURS = 48;

/** Answers that were replayed from a stored Idempotency-Key rather than executed now. */
const replayed = new WeakSet<CommandResult>();

/** Marks an answer as a replay (the HTTP layer then says `Idempotent-Replayed: true`). */
export function markReplayed(result: CommandResult): CommandResult {
  replayed.add(result);
  return result;
}

/** True when `result` is the stored first answer of a repeated Idempotency-Key. */
export function isReplayedResult(result: unknown): boolean {
  return typeof result === 'object' && result !== null && replayed.has(result as CommandResult);
}
