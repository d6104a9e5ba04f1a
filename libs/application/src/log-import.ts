import type { EventStore, NewEvent, StoredEvent } from '@libs/event-store';
import type { PolicyReactor } from './policy-reactor.js';

/** Appends in flight at once: the store's group commit turns them into one statement. */
const WINDOW = 64;

/** What the store sets itself on append, so an imported envelope must not carry it. */
const STORE_SET = new Set(['recordedAt', 'chainVersion', 'prevHash', 'hash']);

function asNewEvent(e: StoredEvent): NewEvent {
  const metadata: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(e.metadata)) if (!STORE_SET.has(k)) metadata[k] = v;
  return { id: e.id, type: e.type, data: e.data, occurredAt: e.occurredAt, metadata };
}

/**
 * Writes a log decided by the real command handler somewhere else (the demo company, run in
 * memory) into this application's store, in the same order, each stream at the version it had:
 * consecutive events of a stream are one append with its expected version, and a window of
 * appends to distinct streams is in flight at once so group commit coalesces them (arrival order
 * is log order). The policies' follow-ups are already in that log, so the imported events are
 * marked handled, as the inline path does, and only the indexes are brought in step by the
 * subscription's own index step ({@link PolicyReactor.index}). After a crash mid-import the
 * policies' subscription handles everything again, idempotently. Only into an empty store: merged into an
 * existing log the imported decisions would not have seen its events.
 */
export async function importLog(
  deps: { store: EventStore; reactor: PolicyReactor; yieldEvery?: () => Promise<void> },
  events: readonly StoredEvent[],
): Promise<{ events: number; appends: number; position: string | null }> {
  const head = await deps.store.headPosition();
  if (head !== '0') throw new Error(`a log is imported only into an empty store; this one's head is at ${head}`);
  const runs: Array<{ streamId: string; expected: number | 'no_stream'; events: StoredEvent[] }> = [];
  for (const e of events) {
    const last = runs[runs.length - 1];
    if (last && last.streamId === e.streamId) last.events.push(e);
    else runs.push({ streamId: e.streamId, expected: e.version === 0 ? 'no_stream' : e.version - 1, events: [e] });
  }
  let position: string | null = null;
  let next = 0;
  while (next < runs.length) {
    const window: typeof runs = [];
    const streams = new Set<string>();
    while (next < runs.length && window.length < WINDOW && !streams.has(runs[next]!.streamId)) {
      streams.add(runs[next]!.streamId);
      window.push(runs[next++]!);
    }
    for (const run of window) for (const e of run.events) deps.reactor.markHandled(e.id);
    const results = await Promise.all(window.map((run) => deps.store.append(run.streamId, run.events.map(asNewEvent), { expectedVersion: run.expected })));
    position = results[results.length - 1]!.position;
    await deps.yieldEvery?.();
  }
  // Once for the whole log, as the policies' subscription would for one batch of it.
  await deps.reactor.index(events, deps.yieldEvery);
  return { events: events.length, appends: runs.length, position };
}
