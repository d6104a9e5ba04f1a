import { defaultDunningPolicy } from '@libs/domain';
import { MemoryEventStore, openEventStore, type EventStore, type OpenedEventStore, type StoredEvent } from '@libs/event-store';
import { LifecycleApplication, SYSTEM } from '@libs/application';
import { InProcessTarget, runSimulation } from '@libs/simulator';
import { createTestDatabase } from '../support/postgres.js';
import { settledHead } from '../support/settled-head.js';

/**
 * The demo's fast load (`DEMO=1`): a company decided by the real handler in memory, then its log
 * imported into the service's store. What it must give is what executing the same commands
 * against that store gives: the same log, the same indexes, and nothing left for the policies.
 */

async function readLog(store: EventStore): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await store.readAll({ ...(after === undefined ? {} : { after }), limit: 1000 });
    all.push(...page.events);
    if (page.events.length === 0) return all;
    after = page.last;
  }
}

/** What the handler decided, without what the store sets on append (positions, time, hashes). */
const decided = (e: StoredEvent) => ({
  id: e.id,
  streamId: e.streamId,
  version: e.version,
  type: e.type,
  data: e.data,
  occurredAt: e.occurredAt,
  actor: e.metadata.actor,
  role: e.metadata.role,
  correlationId: e.metadata.correlationId,
  causationId: e.metadata.causationId,
  schemaVersion: e.metadata.schemaVersion,
});

const FAR_FUTURE = '2100-01-01T00:00:00.000Z';
const options = { policy: defaultDunningPolicy, clock: () => new Date('2026-01-01T00:00:00Z') };

const backends: Array<[string, () => Promise<{ opened: OpenedEventStore; drop: () => Promise<void> }>]> = [
  ['PGlite', async () => ({ opened: await openEventStore({ backend: 'pglite' }), drop: async () => undefined })],
  [
    'PostgreSQL',
    async () => {
      const db = await createTestDatabase('import');
      return { opened: await openEventStore({ backend: 'postgres', databaseUrl: db.url }), drop: db.drop };
    },
  ],
];

/** A company of 40 subscribers over 8 months, decided by the real application in memory. */
async function decideCompany(): Promise<{ decidedBy: LifecycleApplication; log: StoredEvent[]; subscriberIds: string[] }> {
  const source = new MemoryEventStore();
  const decidedBy = LifecycleApplication.inMemory(options, source);
  await runSimulation({ seed: 11, subscribers: 40, months: 8, startMonth: '2025-01' }, new InProcessTarget(decidedBy));
  const log = [...source.events()];
  const subscriberIds = [...new Set(log.filter((e) => e.type === 'SubscriberEnrolled').map((e) => (e.data as { subscriberId: string }).subscriberId))];
  return { decidedBy, log, subscriberIds };
}

describe('a company decided in memory, imported into a store', () => {
  let decidedBy: LifecycleApplication;
  let log: StoredEvent[];
  let subscriberIds: string[];
  beforeEach(async () => ({ decidedBy, log, subscriberIds } = await decideCompany()), 60_000);

  it('is a company worth importing: cases opened and closed, several streams interleaved', () => {
    expect([...new Set(log.map((e) => e.type))]).toEqual(expect.arrayContaining(['SubscriberEnrolled', 'PaymentMissed', 'CaseOpened', 'CaseClosed']));
    expect(new Set(log.map((e) => e.streamId)).size).toBeGreaterThan(subscriberIds.length);
  });

  describe.each(backends)('%s', (_name, open) => {
    let opened: OpenedEventStore;
    let drop: () => Promise<void>;
    let app: LifecycleApplication;
    beforeEach(async () => {
      ({ opened, drop } = await open());
      app = new LifecycleApplication(opened.store, opened.db, options);
      await app.init();
    });
    afterEach(async () => {
      await opened.close();
      await drop();
    });

    it('given an empty store, when the log is imported, then the store holds the same events in the same order at the same versions', async () => {
      const result = await app.importLog(log);
      expect(result.events).toBe(log.length);
      expect(result.appends).toBeLessThan(log.length);
      const written = await readLog(opened.store);
      expect(written.map(decided)).toEqual(log.map(decided));
      expect(written[written.length - 1]!.position).toBe(result.position);
    }, 60_000);

    it('then every subscriber has the open cases and the scheduler attention the deciding application had', async () => {
      await app.importLog(log);
      let open = 0;
      for (const id of subscriberIds) {
        const expected = await decidedBy.openCases(id);
        open += expected.length;
        expect(await app.openCases(id)).toEqual(expected);
      }
      expect(open).toBeGreaterThan(0);
      expect(await app.ports.schedule.due(FAR_FUTURE, '', 10_000)).toEqual(await decidedBy.ports.schedule.due(FAR_FUTURE, '', 10_000));
      const month = '2025-09-05T00:00:00.000Z';
      const due = await decidedBy.ports.schedule.due(month, '', 10_000);
      expect(due.length).toBeGreaterThan(0);
      expect(await app.ports.schedule.due(month, '', 10_000)).toEqual(due);
    }, 60_000);

    it('then the policies find nothing left to do, even after a restart that forgot what ran inline', async () => {
      await app.importLog(log);
      const head = await settledHead(opened.store);
      await app.catchUp(await readLog(opened.store));
      // A new application on the same store: the crash-mid-import case, every event handled again.
      const restarted = new LifecycleApplication(opened.store, opened.db, options);
      await restarted.catchUp(await readLog(opened.store));
      expect(await settledHead(opened.store)).toBe(head);
      // And the scheduler, three weeks after the company's last month, decides what the original would.
      const next = '2025-09-20T08:00:00.000Z';
      const [here, there] = [await restarted.tick(next, SYSTEM), await decidedBy.tick(next, SYSTEM)];
      expect(here).toEqual(there);
      expect(here.commands).toBeGreaterThan(0);
    }, 120_000);

    it('given a store that already holds events, when a log is imported, then it is refused and nothing is written', async () => {
      await opened.store.append('subscriber-other', [{ type: 'Note', data: {}, occurredAt: '2025-01-01T00:00:00Z' }]);
      const head = await settledHead(opened.store);
      await expect(app.importLog(log)).rejects.toThrow(/only into an empty store/);
      expect(await settledHead(opened.store)).toBe(head);
    });
  });
});
