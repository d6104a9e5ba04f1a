import { jest } from '@jest/globals';
import { LifecycleApplication, type Actor } from '@libs/application';
import { stateAsOf, streamHistory, verifyStream, asStored } from '@libs/audit';
import { domainEventStore, storedOf } from '@libs/codec';
import { defaultDunningPolicy, subscriberDecider } from '@libs/domain';
import { openEventStore, type EventStore, type NewEvent, type StoredEvent } from '@libs/event-store';
import { checkpointMigrations, PgliteDatabase, READ_SIDE_MIGRATIONS_TABLE, runMigrations, type SqlDatabase } from '@libs/sql';
import { toProjected } from '@libs/projections';
import { EventStoreDbEventStore, InMemoryEsdbConnection } from '../../libs/event-store/src/eventstoredb/index.js';
import { createTestDatabase } from '../support/postgres.js';

jest.setTimeout(60_000);

/**
 * Issue 13 §1: an event written under an old contract (a v1 `PaymentReminderSent`, before `tone`
 * existed) reads as the current contract on every path — write path, aggregate queries (now and
 * as of), audit history and state, the log page the feed serves, subscriptions (projections and
 * policies) — and exactly as stored only where the hash chain needs it. On every backend.
 */
interface Subject {
  store: EventStore;
  db: SqlDatabase;
  close(): Promise<void>;
}

const backends: Array<[string, () => Promise<Subject>]> = [
  ['PGlite', async () => openEventStore({ backend: 'pglite' })],
  [
    'PostgreSQL',
    async () => {
      const database = await createTestDatabase('codec');
      const opened = await openEventStore({ backend: 'postgres', databaseUrl: database.url });
      return { ...opened, close: async () => (await opened.close(), await database.drop()) };
    },
  ],
  [
    'EventStoreDB adapter (in-memory client double)',
    async () => {
      const db = await PgliteDatabase.open();
      await runMigrations(db, READ_SIDE_MIGRATIONS_TABLE, checkpointMigrations);
      const store = new EventStoreDbEventStore(new InMemoryEsdbConnection(), { connectionString: 'esdb://in-memory', checkpointDb: db });
      await store.init();
      return { store, db, close: async () => (await store.close(), await db.close()) };
    },
  ],
];

const operator: Actor = { id: 'key-operator', role: 'operator', roles: ['operator'] };
const s = 'codec-1';
const stream = `subscriber-${s}`;
const remindedAt = '2026-02-02T10:00:00.000Z';

const event = (type: string, occurredAt: string, data: Record<string, unknown>, schemaVersion = 1): NewEvent => ({
  type,
  data: { subscriberId: s, occurredAt, ...data },
  occurredAt,
  metadata: { actor: 'test', role: 'operator', schemaVersion },
});

/** A subscriber with one invoice and a reminder recorded before `tone` existed (contract v1). */
const history: NewEvent[] = [
  event('SubscriberEnrolled', '2026-01-01T00:00:00.000Z', {
    name: 'Alarmas Pérez',
    segment: 'b2c',
    plan: { code: 'alarm-basic', monthlyFee: 30000, currency: 'EUR' },
    salesRepId: 'rep-1',
    qualification: { needsService: true, valuesService: true, canPay: true },
    noticeDays: 15,
  }),
  event('InvoiceIssued', '2026-02-01T00:00:00.000Z', { invoiceId: 'inv-1', period: '2026-02', amount: 30000, dueDate: '2026-02-15' }),
  event('PaymentReminderSent', remindedAt, { invoiceId: 'inv-1' }, 1),
];

describe.each(backends)('one read boundary: a v1 event reads as current on every path (%s)', (_name, open) => {
  let subject: Subject;
  let app: LifecycleApplication;
  beforeEach(async () => {
    subject = await open();
    // Written under the codec, as an older release of the service wrote it.
    await storedOf(subject.store).append(stream, history);
    app = new LifecycleApplication(subject.store, subject.db, { policy: defaultDunningPolicy, clock: () => new Date('2026-02-03T00:00:00Z') });
    await app.init();
  });
  afterEach(async () => subject.close());

  const friendly = { tone: 'friendly', at: remindedAt };

  it('the write path folds the upcast event: a new reminder is decided on a state that has the old one with its tone', async () => {
    await app.execute({ type: 'SendPaymentReminder', data: { subscriberId: s, invoiceId: 'inv-1', tone: 'firm', at: '2026-02-03T00:00:00.000Z' } }, { actor: operator, correlationId: 'c-1' });
    const details = await app.getSubscriber(s);
    expect(details.invoices[0]?.reminders).toEqual([friendly, { tone: 'firm', at: '2026-02-03T00:00:00.000Z' }]);
  });

  it('aggregate queries, now and as of an instant or a version, show the tone', async () => {
    expect((await app.getSubscriber(s)).invoices[0]?.reminders).toEqual([friendly]);
    expect((await app.getSubscriber(s, { asOf: remindedAt })).invoices[0]?.reminders).toEqual([friendly]);
    expect((await app.getSubscriber(s, { version: 2 })).invoices[0]?.reminders).toEqual([friendly]);
  });

  it('audit: history and state as of are upcast; verification and the as-stored history read what was hashed', async () => {
    const upcast: StoredEvent[] = [];
    for await (const e of streamHistory(subject.store, stream)) upcast.push(e);
    expect(upcast[2]?.data).toEqual({ subscriberId: s, occurredAt: remindedAt, invoiceId: 'inv-1', tone: 'friendly' });
    expect(upcast[2]?.metadata).toMatchObject({ schemaVersion: 2, upcastFrom: 1 });

    const state = await stateAsOf(subject.store, stream, subscriberDecider);
    expect(state.state).toMatchObject({ invoices: { 'inv-1': { reminders: [friendly] } } });

    // Through the codec-wrapped store too: "as stored" still means as recorded.
    const asRecorded: StoredEvent[] = [];
    for await (const e of streamHistory(domainEventStore(subject.store), stream, { upcast: asStored })) asRecorded.push(e);
    expect(asRecorded[2]?.data).toEqual({ subscriberId: s, occurredAt: remindedAt, invoiceId: 'inv-1' });
    expect((await verifyStream(domainEventStore(subject.store), stream)).valid).toBe(true);
  });

  it('the log (feed pages) and subscriptions (projections, policies) deliver the current contract', async () => {
    const reader = domainEventStore(subject.store);
    const page = await reader.readAll({ after: '0', limit: 10 });
    expect(page.events[2]?.data).toMatchObject({ tone: 'friendly' });
    expect(toProjected((await storedOf(subject.store).readAll({ after: '0', limit: 10 })).events[2]!)?.data).toMatchObject({ tone: 'friendly' });

    const seen: StoredEvent[] = [];
    const subscription = reader.subscribe({ name: 'codec-test', handler: async (events) => void seen.push(...events) });
    try {
      expect(await subscription.waitFor(page.last, 10_000)).toBe(true);
    } finally {
      await subscription.stop();
    }
    expect(seen.find((e) => e.type === 'PaymentReminderSent')?.data).toMatchObject({ tone: 'friendly' });
    // The wrapper is idempotent and keeps the store underneath reachable for integrity checks.
    expect(domainEventStore(reader)).toBe(reader);
    expect(storedOf(reader)).toBe(subject.store);
  });
});
