/**
 * The simulator through the real application on fresh in-memory PGlite stores: the same seed twice
 * must write the same event log (ids, types, data, streams, versions, business times), and nothing but
 * domain refusals may come back.
 */
import { defaultDunningPolicy } from '@libs/domain';
import { openEventStore, type OpenedEventStore, type StoredEvent } from '@libs/event-store';
import { LifecycleApplication } from '@libs/application';
import { InProcessTarget, runSimulation, type SimulationSummary } from '@libs/simulator';

const OPTIONS = { subscribers: 50, months: 12, seed: 7, startMonth: '2025-01' };

type LoggedEvent = Pick<StoredEvent, 'id' | 'streamId' | 'version' | 'type' | 'data' | 'occurredAt'>;

async function readLog(opened: OpenedEventStore): Promise<LoggedEvent[]> {
  const out: LoggedEvent[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await opened.store.readAll({ ...(after !== undefined ? { after } : {}), limit: 5000 });
    for (const e of page.events) out.push({ id: e.id, streamId: e.streamId, version: e.version, type: e.type, data: e.data, occurredAt: e.occurredAt });
    if (page.events.length === 0 || page.last === after) break;
    after = page.last;
  }
  return out;
}

async function simulateOnce(): Promise<{ summary: SimulationSummary; log: Awaited<ReturnType<typeof readLog>> }> {
  const opened = await openEventStore({ backend: 'pglite' });
  try {
    // The clock is never consulted: every command carries its business time.
    const app = new LifecycleApplication(opened.store, opened.db, { policy: defaultDunningPolicy, clock: () => new Date('2000-01-01T00:00:00Z') });
    await app.init();
    const summary = await runSimulation(OPTIONS, new InProcessTarget(app));
    return { summary, log: await readLog(opened) };
  } finally {
    await opened.close();
  }
}

describe('simulator in-process (PGlite)', () => {
  it('replays the same event log for the same seed, with only domain refusals', async () => {
    const first = await simulateOnce();
    const second = await simulateOnce();

    expect(first.summary.failureSamples).toEqual([]);
    expect(first.summary.failures).toBe(0);
    expect(second.summary.failures).toBe(0);
    expect(first.log.length).toBeGreaterThan(1000);
    expect(first.summary.events).toBe(first.log.length);

    expect(second.log.length).toBe(first.log.length);
    // Exactly, ids included: the simulator sends an Idempotency-Key with every command, the
    // application derives event ids from it, and the policies derive theirs from those.
    const a = first.log;
    const b = second.log;
    // Compare event by event first, to point at the first divergence when there is one.
    const firstDiff = a.findIndex((e, i) => JSON.stringify(e) !== JSON.stringify(b[i]));
    expect(firstDiff === -1 ? null : { index: firstDiff, first: a[firstDiff], second: b[firstDiff] }).toBeNull();
    expect(b).toEqual(a);
    // Subscriber streams and ids are the simulator's (from the seed), identical without any mapping.
    const subscriberStreams = (log: typeof first.log) => [...new Set(log.filter((e) => e.streamId.startsWith('subscriber-')).map((e) => e.streamId))];
    expect(subscriberStreams(second.log)).toEqual(subscriberStreams(first.log));
    expect(second.summary).toEqual(first.summary);

    // The run exercised the service's own policies, not just the commands.
    for (const type of ['PaymentMissed', 'ServiceSuspended', 'DebtWrittenOff', 'CaseOpened', 'SubscriberTerminated']) {
      expect([type, first.log.some((e) => e.type === type)]).toEqual([type, true]);
    }
  }, 300_000);
});
