/**
 * The one write path over the in-memory adapters (no database: milliseconds per test): given a
 * history, when a command runs, then what is written and answered. The same handler runs on the
 * SQL adapters in test/application/application.test.ts.
 */
import { ConcurrencyError, MemoryEventStore, type AppendOptions, type NewEvent } from '@libs/event-store';
import { defaultDunningPolicy } from '@libs/domain';
import { IdempotencyKeyReusedError } from './errors.js';
import { isReplayedResult } from './idempotency.js';
import { LifecycleApplication } from './lifecycle-application.js';
import { memoryPorts } from './memory-ports.js';
import type { Actor, ApplicationObserver } from './types.js';

const operator: Actor = { id: 'key-operator', role: 'operator', roles: ['operator'] };

const enroll = (subscriberId: string, at = '2026-01-01T09:00:00Z') => ({
  type: 'EnrollSubscriber' as const,
  data: {
    subscriberId,
    name: 'Alarmas Pérez',
    segment: 'b2c' as const,
    plan: { code: 'alarm-basic', monthlyFee: 30000, currency: 'EUR' },
    salesRepId: 'rep-1',
    qualification: { needsService: true, valuesService: true, canPay: true },
    at,
  },
});
const complaint = (subscriberId: string, n: number) => ({
  type: 'LogComplaint' as const,
  data: { subscriberId, category: 'noise', description: `siren ${n}`, at: '2026-01-02T00:00:00Z' },
});

/** A store where "another process" appends to a stream once, right before our next append to it. */
class RacingStore extends MemoryEventStore {
  private pending = new Map<string, NewEvent>();
  raceOnce(streamId: string, event: NewEvent): void {
    this.pending.set(streamId, event);
  }
  override async append(streamId: string, events: readonly NewEvent[], options?: AppendOptions) {
    const other = this.pending.get(streamId);
    if (other) {
      this.pending.delete(streamId);
      await super.append(streamId, [other]);
    }
    return super.append(streamId, events, options);
  }
}

function given(observer: ApplicationObserver = {}) {
  const store = new RacingStore();
  const app = new LifecycleApplication(store, memoryPorts(), { policy: defaultDunningPolicy, clock: () => new Date('2026-01-01T00:00:00Z'), observer });
  return { store, app };
}

describe('command handler: conflicts', () => {
  it('decides again on the other writer\'s result when an append conflicts, without If-Match', async () => {
    const conflicts: Array<[string, boolean]> = [];
    const { store, app } = given({ conflict: (type, retried) => void conflicts.push([type, retried]) });
    await app.execute(enroll('s1'), { actor: operator });
    store.raceOnce('subscriber-s1', { type: 'ComplaintLogged', data: { subscriberId: 's1', category: 'x', description: 'other process', occurredAt: '2026-01-01T12:00:00.000Z' }, occurredAt: '2026-01-01T12:00:00.000Z' });
    const r = await app.execute(complaint('s1', 1), { actor: operator });
    expect(r).toMatchObject({ id: 's1', version: 2, events: ['ComplaintLogged'] });
    expect(conflicts).toEqual([['LogComplaint', true]]);
    expect((await store.readStream('subscriber-s1')).map((e) => e.version)).toEqual([0, 1, 2]);
  });

  it('answers a conflict with If-Match instead of retrying, and writes nothing', async () => {
    const conflicts: Array<[string, boolean]> = [];
    const { store, app } = given({ conflict: (type, retried) => void conflicts.push([type, retried]) });
    await app.execute(enroll('s1'), { actor: operator });
    await expect(app.execute(complaint('s1', 1), { actor: operator, expectedVersion: 3 })).rejects.toBeInstanceOf(ConcurrencyError);
    expect(conflicts).toEqual([['LogComplaint', false]]);
    expect(await store.streamVersion('subscriber-s1')).toBe(0);
  });

  it('serialises concurrent commands on one stream into distinct versions', async () => {
    const { app } = given();
    await app.execute(enroll('s1'), { actor: operator });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => app.execute(complaint('s1', i), { actor: operator })));
    expect(new Set(results.map((r) => r.version)).size).toBe(20);
  });
});

describe('command handler: idempotency keys', () => {
  it('replays the first answer for the same key and body, refuses the key with another body', async () => {
    const { store, app } = given();
    const first = await app.execute(enroll('s1'), { actor: operator, idempotencyKey: 'k1' });
    const head = await store.headPosition();
    const again = await app.execute(enroll('s1'), { actor: operator, idempotencyKey: 'k1' });
    expect(again).toEqual(first);
    expect(isReplayedResult(again)).toBe(true);
    expect(await store.headPosition()).toBe(head);
    await expect(app.execute(enroll('s9'), { actor: operator, idempotencyKey: 'k1' })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
  });

  it('releases the key of a refused command, so the corrected retry may use it', async () => {
    const { app } = given();
    await app.execute(enroll('s1'), { actor: operator });
    const overpaid = { type: 'RecordPayment' as const, data: { subscriberId: 's1', invoiceId: 'nope', amount: 1, at: '2026-01-02T00:00:00Z' } };
    await expect(app.execute(overpaid, { actor: operator, idempotencyKey: 'k2' })).rejects.toMatchObject({ code: expect.any(String) });
    const r = await app.execute(complaint('s1', 1), { actor: operator, idempotencyKey: 'k2' });
    expect(r.events).toEqual(['ComplaintLogged']);
  });
});

describe('command handler: policies and the scheduler through the same path', () => {
  it('a cancellation request opens one retention case (a policy reaction), visible in openCases', async () => {
    const { app } = given();
    await app.execute(enroll('s1'), { actor: operator });
    const r = await app.execute({ type: 'RequestCancellation', data: { subscriberId: 's1', reason: 'too expensive', at: '2026-02-01T00:00:00Z' } }, { actor: operator });
    expect(r.events).toEqual(['CancellationRequested', 'CaseOpened']);
    expect((await app.getSubscriber('s1')).openCases).toEqual([{ caseId: expect.any(String), kind: 'retention' }]);
  });

  it('two applications on one store and one set of ports open one case of a kind', async () => {
    const store = new MemoryEventStore();
    const ports = memoryPorts();
    const a = new LifecycleApplication(store, ports, { policy: defaultDunningPolicy });
    const b = new LifecycleApplication(store, ports, { policy: defaultDunningPolicy });
    await a.execute(enroll('s1'), { actor: operator });
    const open = (app: LifecycleApplication, caseId: string) =>
      app.execute({ type: 'OpenCase', data: { caseId, subscriberId: 's1', kind: 'complaints', summary: 'many', openedBy: 'ana', at: '2026-01-02T00:00:00Z' } }, { actor: operator });
    const outcomes = await Promise.allSettled([open(a, 'c-a'), open(b, 'c-b')]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    expect(outcomes.find((o) => o.status === 'rejected')).toMatchObject({ reason: { code: 'case-already-open' } });
  });

  it('a scheduler pass is idempotent per instant and suspends after the grace period', async () => {
    const { app } = given();
    await app.execute(enroll('s1'), { actor: operator });
    await app.execute({ type: 'IssueInvoice', data: { subscriberId: 's1', invoiceId: 'i1', period: '2026-01', amount: 30000, dueDate: '2026-01-05', at: '2026-01-01T10:00:00Z' } }, { actor: operator });
    expect((await app.tick('2026-01-06T00:00:00Z')).events).toEqual(['PaymentMissed', 'PaymentReminderSent']);
    expect((await app.tick('2026-01-06T00:00:00Z')).events).toEqual([]);
    expect((await app.tick('2026-01-21T00:00:00Z'))).toMatchObject({ subscribersExamined: 1, commands: 1, events: ['ServiceSuspended', 'DebtWrittenOff'] });
    expect((await app.getSubscriber('s1')).status).toBe('suspended');
  });

  it('the same pass written by two applications at once lands once (ids derive from subscriber, instant, version)', async () => {
    const store = new MemoryEventStore();
    const ports = memoryPorts();
    const a = new LifecycleApplication(store, ports, { policy: defaultDunningPolicy });
    const b = new LifecycleApplication(store, ports, { policy: defaultDunningPolicy });
    await a.execute(enroll('s1'), { actor: operator });
    await a.execute({ type: 'IssueInvoice', data: { subscriberId: 's1', invoiceId: 'i1', period: '2026-01', amount: 30000, dueDate: '2026-01-05', at: '2026-01-01T10:00:00Z' } }, { actor: operator });
    await Promise.all([a.tick('2026-01-06T00:00:00Z'), b.tick('2026-01-06T00:00:00Z')]);
    expect((await store.readStream('subscriber-s1')).map((e) => e.type)).toEqual(['SubscriberEnrolled', 'InvoiceIssued', 'PaymentMissed', 'PaymentReminderSent']);
  });
});
