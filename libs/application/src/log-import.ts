import { isCaseEventType, SUBSCRIBER_STREAM_PREFIX } from '@libs/domain';
import type { EventStore, NewEvent, StoredEvent } from '@libs/event-store';
import { refreshSchedule, subscriberAggregate } from './aggregates.js';
import type { CommandHandler } from './command-handler.js';
import { SYSTEM, type PolicyReactor } from './policy-reactor.js';

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
 * marked handled, as the inline path does, and only the indexes are brought in step (case index
 * per case event, scheduler attention per subscriber). After a crash mid-import the policies'
 * subscription handles everything again, idempotently. Only into an empty store: merged into an
 * existing log the imported decisions would not have seen its events.
 */
export async function importLog(
  deps: { store: EventStore; handler: CommandHandler; reactor: PolicyReactor; yieldEvery?: () => Promise<void> },
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
    for (const run of window) for (const e of run.events) if (isCaseEventType(e.type)) await deps.handler.ports.cases.apply(e);
    await deps.yieldEvery?.();
  }
  const env = deps.handler.env(SYSTEM);
  const subscribers = new Set(events.filter((e) => e.streamId.startsWith(SUBSCRIBER_STREAM_PREFIX)).map((e) => e.streamId.slice(SUBSCRIBER_STREAM_PREFIX.length)));
  for (const id of subscribers) {
    await refreshSchedule(id, await deps.handler.load(subscriberAggregate, id), env);
    await deps.yieldEvery?.();
  }
  return { events: events.length, appends: runs.length, position };
}
