import type { EventStore } from '@libs/event-store';

interface HoldsBack {
  heldBack(after: string): Promise<boolean>;
}

/**
 * The gap-free head once it covers every write committed so far. On a shared PostgreSQL server any
 * open transaction — in any database: the horizon is the cluster's `pg_snapshot_xmin` — can hold
 * `headPosition()` below an acknowledged write for a moment. A test that compares heads before and
 * after ("nothing was written") or waits for "everything" must start from this, not from a head
 * that may still move with no write of its own.
 */
export async function settledHead(store: EventStore, timeoutMs = 30_000): Promise<string> {
  const source = store as unknown as Partial<HoldsBack>;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const head = await store.headPosition();
    if (typeof source.heldBack !== 'function' || !(await source.heldBack(head))) return head;
    if (Date.now() > deadline) throw new Error(`the gap-free head stayed held back at ${head} for ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
