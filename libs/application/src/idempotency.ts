import type { SqlExecutor } from '@libs/event-store';
import type { CommandResult } from './types.js';

/** Default retention of Idempotency-Keys (`IDEMPOTENCY_TTL_HOURS`): a client retries within hours, not days. */
export const DEFAULT_IDEMPOTENCY_TTL_HOURS = 48;
/** Rows deleted per statement, so a long-neglected table is pruned in short transactions. */
const PRUNE_BATCH = 10_000;

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

/**
 * Deletes idempotency keys older than `ttlHours` (done or abandoned), in batches; returns how many.
 * Run by the scheduler pass, so the table stays the size of the retention window. A repeat after
 * that is executed again — which the deterministic event ids still catch for the same stream.
 */
export async function pruneIdempotencyKeys(db: SqlExecutor, ttlHours: number): Promise<number> {
  let total = 0;
  for (;;) {
    const { rowCount } = await db.query(
      `DELETE FROM app_idempotency WHERE (actor, key) IN (
         SELECT actor, key FROM app_idempotency WHERE created_at < now() - $1::int * interval '1 hour' LIMIT ${PRUNE_BATCH})`,
      [ttlHours],
    );
    total += rowCount;
    if (rowCount < PRUNE_BATCH) return total;
  }
}
