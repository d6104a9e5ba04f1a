import { ConcurrencyError, openEventStore, type OpenedEventStore } from '@libs/event-store';
import { defaultDunningPolicy } from '@libs/domain';
import { createTestDatabase } from '../support/postgres.js';
import { IdempotencyKeyReusedError, LifecycleApplication, PolicyRunner, SYSTEM, type Actor } from '@libs/application';
import { settledHead } from '../support/settled-head.js';

const operator: Actor = { id: 'key-operator', role: 'operator', roles: ['operator'] };
const executive: Actor = { id: 'key-exec', role: 'executive', roles: ['executive'] };
const quiet = { warn: () => undefined, error: () => undefined };

interface Opened {
  opened: OpenedEventStore;
  app: LifecycleApplication;
  drop(): Promise<void>;
}

async function withApplication(opened: OpenedEventStore, drop: () => Promise<void> = async () => undefined): Promise<Opened> {
  const app = new LifecycleApplication(opened.store, opened.db, { policy: defaultDunningPolicy, clock: () => new Date('2026-01-01T00:00:00Z') });
  await app.init();
  return { opened, app, drop };
}

/** The same specs on both SQL backends: the policies' subscription included. */
const backends: Array<[string, () => Promise<Opened>]> = [
  ['PGlite', async () => withApplication(await openEventStore({ backend: 'pglite' }))],
  [
    'PostgreSQL',
    async () => {
      const db = await createTestDatabase('app');
      return withApplication(await openEventStore({ backend: 'postgres', databaseUrl: db.url }), db.drop);
    },
  ],
];

const enroll = (subscriberId: string, at = '2026-01-01T09:00:00Z', segment: 'b2b' | 'b2c' = 'b2c') => ({
  type: 'EnrollSubscriber' as const,
  data: {
    subscriberId,
    name: 'Alarmas Pérez',
    segment,
    plan: { code: 'alarm-basic', monthlyFee: 30000, currency: 'EUR' },
    salesRepId: 'rep-1',
    qualification: { needsService: true, valuesService: true, canPay: true },
    at,
  },
});

describe.each(backends)('LifecycleApplication (%s)', (_backend, open) => {
  let opened: OpenedEventStore;
  let app: LifecycleApplication;
  let drop: () => Promise<void>;
  beforeEach(async () => ({ opened, app, drop } = await open()));
  afterEach(async () => {
    await opened.close();
    await drop();
  });

  it('answers id, version, position and the event types, and records actor and correlation in metadata', async () => {
    const r = await app.execute(enroll('s1'), { actor: operator, correlationId: 'req-1' });
    expect(r).toMatchObject({ id: 's1', version: 0, events: ['SubscriberEnrolled'] });
    expect(BigInt(r.position) > 0n).toBe(true);
    const [e] = await opened.store.readStream('subscriber-s1');
    expect(e!.metadata).toMatchObject({ actor: 'key-operator', role: 'operator', correlationId: 'req-1', schemaVersion: 1 });
  });

  it('fills a missing `at` from the clock', async () => {
    const { at: _at, ...data } = enroll('s1').data;
    await app.execute({ type: 'EnrollSubscriber', data }, { actor: operator });
    const [e] = await opened.store.readStream('subscriber-s1');
    expect(e!.occurredAt).toBe('2026-01-01T00:00:00.000Z');
  });

  it('runs the dunning scheduler: missed + friendly reminder, then suspension with write-off, idempotent per instant', async () => {
    await app.execute(enroll('s1'), { actor: operator });
    await app.execute({ type: 'IssueInvoice', data: { subscriberId: 's1', invoiceId: 'i1', period: '2026-01', amount: 30000, dueDate: '2026-01-05', at: '2026-01-01T10:00:00Z' } }, { actor: operator });
    const first = await app.tick('2026-01-06T00:00:00Z');
    expect(first.events).toEqual(['PaymentMissed', 'PaymentReminderSent']);
    expect((await app.tick('2026-01-06T00:00:00Z')).events).toEqual([]);
    const second = await app.tick('2026-01-21T00:00:00Z');
    expect(second.events).toEqual(['ServiceSuspended', 'DebtWrittenOff']);
    expect((await app.getSubscriber('s1')).status).toBe('suspended');
    await expect(
      app.execute({ type: 'IssueInvoice', data: { subscriberId: 's1', invoiceId: 'i2', period: '2026-02', amount: 30000, dueDate: '2026-02-05', at: '2026-01-22T00:00:00Z' } }, { actor: operator }),
    ).rejects.toMatchObject({ code: 'no-billing-while-suspended' });
  });

  it('reinstates automatically when a payment clears a non-payment suspension without write-off', async () => {
    const noWriteOff = new LifecycleApplication(opened.store, opened.db, { policy: { ...defaultDunningPolicy, writeOffOnSuspension: false } });
    await noWriteOff.execute(enroll('s2'), { actor: operator });
    await noWriteOff.execute({ type: 'IssueInvoice', data: { subscriberId: 's2', invoiceId: 'i1', period: '2026-01', amount: 30000, dueDate: '2026-01-05', at: '2026-01-01T10:00:00Z' } }, { actor: operator });
    await noWriteOff.tick('2026-01-21T00:00:00Z');
    expect((await noWriteOff.getSubscriber('s2')).status).toBe('suspended');
    const paid = await noWriteOff.execute({ type: 'RecordPayment', data: { subscriberId: 's2', invoiceId: 'i1', amount: 30000, at: '2026-01-25T00:00:00Z' } }, { actor: operator });
    expect(paid.events).toEqual(['PaymentReceived', 'ServiceReinstated']);
    expect((await noWriteOff.getSubscriber('s2')).status).toBe('active');
  });

  it('opens a retention case on a cancellation request and withdraws it when the plan is agreed', async () => {
    await app.execute(enroll('s1'), { actor: operator });
    const r = await app.execute({ type: 'RequestCancellation', data: { subscriberId: 's1', reason: 'too expensive', at: '2026-02-01T00:00:00Z' } }, { actor: operator });
    expect(r.events).toEqual(['CancellationRequested', 'CaseOpened']);
    const [retention] = (await app.getSubscriber('s1')).openCases;
    expect(retention).toMatchObject({ kind: 'retention' });
    const caseId = retention!.caseId;
    await app.execute({ type: 'AnalyzeUsage', data: { caseId, findings: 'never armed at night', causes: ['unaware_of_features'], at: '2026-02-02T00:00:00Z' } }, { actor: operator });
    await app.execute(
      {
        type: 'ProposeRetentionPlan',
        data: {
          caseId,
          actions: [
            { owner: 'provider', description: 'train the family on the app', dueDate: '2026-02-10' },
            { owner: 'client', description: 'arm the system every night', dueDate: '2026-03-01' },
          ],
          at: '2026-02-03T00:00:00Z',
        },
      },
      { actor: operator },
    );
    const agreed = await app.execute({ type: 'AgreeRetentionPlan', data: { caseId, agreedBy: 'Sr. Pérez', at: '2026-02-04T00:00:00Z' } }, { actor: operator });
    expect(agreed.events).toEqual(['RetentionPlanAgreed', 'CancellationWithdrawn']);
  });

  it('refuses a reused idempotency key with another body and replays the first answer for the same one', async () => {
    const first = await app.execute(enroll('s1'), { actor: operator, idempotencyKey: 'k1' });
    const again = await app.execute(enroll('s1'), { actor: operator, idempotencyKey: 'k1' });
    expect(again).toEqual(first);
    expect(await opened.store.streamVersion('subscriber-s1')).toBe(0);
    await expect(app.execute(enroll('s9'), { actor: operator, idempotencyKey: 'k1' })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('checks If-Match and serialises 20 concurrent commands on one subscriber into distinct versions', async () => {
    await app.execute(enroll('s1'), { actor: operator });
    await expect(
      app.execute({ type: 'LogComplaint', data: { subscriberId: 's1', category: 'noise', description: 'siren', at: '2026-01-02T00:00:00Z' } }, { actor: operator, expectedVersion: 5 }),
    ).rejects.toBeInstanceOf(ConcurrencyError);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        app.execute({ type: 'RecordCostToServe', data: { subscriberId: 's1', kind: 'support_time', amount: 100 + i, minutes: 5, at: '2026-01-02T00:00:00Z' } }, { actor: operator }),
      ),
    );
    expect(new Set(results.map((r) => r.version)).size).toBe(20);
  });

  it('retries conflicts with another writer (a second application on the same store)', async () => {
    await app.execute(enroll('s1'), { actor: operator });
    const other = new LifecycleApplication(opened.store, opened.db, { policy: defaultDunningPolicy });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? app : other).execute({ type: 'LogComplaint', data: { subscriberId: 's1', category: 'noise', description: `siren ${i}`, at: '2026-01-02T00:00:00Z' } }, { actor: operator }),
      ),
    );
    expect(new Set(results.map((r) => r.version)).size).toBe(10);
  });

  it('keeps one open case per kind even when two processes open it at the same instant', async () => {
    await app.execute(enroll('s1'), { actor: operator });
    // A second application on the same store: another service process, with its own locks and cache.
    const other = new LifecycleApplication(opened.store, opened.db, { policy: defaultDunningPolicy });
    const open = (a: LifecycleApplication, caseId: string) =>
      a.execute({ type: 'OpenCase', data: { caseId, subscriberId: 's1', kind: 'complaints', summary: 'many complaints', openedBy: 'ana', at: '2026-01-02T00:00:00Z' } }, { actor: operator });
    const outcomes = await Promise.allSettled([open(app, 'c-a'), open(other, 'c-b')]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const refused = outcomes.find((o) => o.status === 'rejected') as PromiseRejectedResult;
    expect(refused.reason).toMatchObject({ code: 'case-already-open' });
    expect((await app.getSubscriber('s1')).openCases).toHaveLength(1);
    const loser = outcomes[0]!.status === 'rejected' ? 'c-a' : 'c-b';
    expect(await opened.store.streamVersion(`case-${loser}`)).toBe(-1);
  });

  it('runs a termination through approval; only an executive approves', async () => {
    await app.execute(enroll('s1', '2026-01-01T09:00:00Z', 'b2b'), { actor: operator });
    const opened1 = await app.execute({ type: 'OpenCase', data: { caseId: 'c1', subscriberId: 's1', kind: 'abusive', summary: 'insults staff', openedBy: 'ana', at: '2026-01-02T00:00:00Z' } }, { actor: operator });
    expect(opened1.events).toEqual(['CaseOpened']);
    await app.execute({ type: 'RecommendTermination', data: { caseId: 'c1', reasons: ['repeated abuse of staff'], effectiveDate: '2026-04-01', transitionSupport: true, at: '2026-01-03T00:00:00Z' } }, { actor: operator });
    await expect(app.execute({ type: 'ApproveTermination', data: { caseId: 'c1', approvedBy: 'ana', at: '2026-01-04T00:00:00Z' } }, { actor: operator })).rejects.toMatchObject({
      code: 'approval-needs-executive',
    });
    const approved = await app.execute({ type: 'ApproveTermination', data: { caseId: 'c1', approvedBy: 'CEO', at: '2026-01-04T00:00:00Z' } }, { actor: executive });
    expect(approved.events).toEqual(['TerminationApproved', 'TerminationNoticeGiven']);
    const tick = await app.tick('2026-04-01T00:00:00Z');
    expect(tick.events).toEqual(['SubscriberTerminated']);
  });

  it('acts from the checkpointed subscription on events whose follow-ups never ran (crash after append)', async () => {
    await app.execute(enroll('s1'), { actor: operator });
    // As if the process died right after appending: the event is in the log, no follow-up ran.
    await opened.store.append('subscriber-s1', [
      { type: 'CancellationRequested', data: { subscriberId: 's1', reason: 'moving abroad', occurredAt: '2026-02-01T00:00:00.000Z' }, occurredAt: '2026-02-01T00:00:00.000Z', metadata: { actor: 'key-operator', schemaVersion: 1 } },
    ]);
    const runner = new PolicyRunner(app, opened.store, opened.db, quiet);
    await runner.start();
    try {
      expect(await runner.waitFor(await settledHead(opened.store), 5000)).toBe(true);
      await runner.waitFor(await settledHead(opened.store), 5000);
      expect((await app.getSubscriber('s1')).openCases.map((c) => c.kind)).toEqual(['retention']);
    } finally {
      await runner.stop();
    }
    // Replaying from zero acts no second time.
    await opened.db.query(`DELETE FROM cl_checkpoints`);
    const again = new PolicyRunner(app, opened.store, opened.db, quiet);
    const head = await settledHead(opened.store);
    await again.start();
    await again.waitFor(head, 5000);
    await again.stop();
    expect(await opened.store.headPosition()).toBe(head);
    expect(SYSTEM.id).toBe('system');
  });
});
