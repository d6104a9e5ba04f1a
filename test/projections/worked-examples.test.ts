/**
 * Correctness against outside numbers, not only our own reference: the worked examples that
 * ChartMogul and Baremetrics publish for their definitions, written as event histories through
 * the write path (LifecycleApplication: the domain's rules decide every event), projected by the
 * engine, and our answers asserted.
 */
import { jest } from '@jest/globals';
import { LifecycleApplication, type Actor } from '@libs/application';
import { defaultDunningPolicy, type DomainCommand } from '@libs/domain';
import { churn, ProjectionEngine, revenuePerClient } from '@libs/projections';
import { readLog } from './brute-force.js';
import { openTestStore } from './support.js';

jest.setTimeout(120_000);

const operator: Actor = { id: 'key-operator', role: 'operator', roles: ['operator'] };
const plan = (monthlyFee: number, code = 'standard') => ({ code, monthlyFee, currency: 'EUR' });

/** A fresh store, the application and the engine; `run` writes commands, `settle` waits for every projection. */
async function world() {
  const opened = await openTestStore();
  const app = new LifecycleApplication(opened.store, opened.db, { policy: defaultDunningPolicy, clock: () => new Date('2000-01-01T00:00:00Z') });
  await app.init();
  const engine = new ProjectionEngine({ store: opened.store, db: opened.db, batchSize: 200 });
  await engine.start();
  return {
    db: opened.db,
    async run(...commands: DomainCommand[]) {
      for (const c of commands) await app.execute(c, { actor: operator });
    },
    async settle() {
      const log = await readLog(opened.store);
      expect(await engine.waitFor(log.at(-1)!.position, 60_000)).toBe(true);
    },
    async close() {
      await engine.stop();
      await opened.close();
    },
  };
}

const enroll = (subscriberId: string, at: string, monthlyFee = 1000): DomainCommand => ({
  type: 'EnrollSubscriber',
  data: {
    subscriberId,
    name: `Client ${subscriberId}`,
    segment: 'b2c',
    plan: plan(monthlyFee),
    salesRepId: 'rep-1',
    qualification: { needsService: true, valuesService: true, canPay: true },
    at,
  },
});
/** A client's notice (b2c: 15 days) and, on its effective date at 00:00Z, the termination. */
const leaves = (subscriberId: string, noticeAt: string, effectiveDate: string): DomainCommand[] => [
  { type: 'GiveTerminationNotice', data: { subscriberId, initiatedBy: 'client', reasons: ['moving away'], effectiveDate, at: noticeAt } },
  { type: 'TerminateSubscriber', data: { subscriberId, at: `${effectiveDate}T00:00:00Z` } },
];
const changePlan = (subscriberId: string, monthlyFee: number, at: string): DomainCommand => ({
  type: 'ChangePlan',
  data: { subscriberId, to: { code: `plan-${monthlyFee}`, monthlyFee }, reason: 'renegotiated', at },
});

describe('outside worked examples through the write path', () => {
  it('starting-customer churn (ChartMogul): 100 customers at the start, 11 cancellations of which one joined that month → 10%', async () => {
    const w = await world();
    try {
      const ids = Array.from({ length: 100 }, (_, i) => `c${String(i).padStart(3, '0')}`);
      await w.run(...ids.map((id, i) => enroll(id, `2026-01-${String(1 + (i % 28)).padStart(2, '0')}T09:00:00Z`)));
      // Ten of the hundred leave in February; one client who joined on 1 February leaves too.
      await w.run(...ids.slice(0, 10).flatMap((id) => leaves(id, '2026-02-01T10:00:00Z', '2026-02-20')));
      await w.run(enroll('newcomer', '2026-02-01T09:00:00Z'), ...leaves('newcomer', '2026-02-01T10:00:00Z', '2026-02-16'));
      await w.settle();
      const [feb] = (await churn(w.db, { from: '2026-02', to: '2026-02', segment: 'all' })).months;
      expect(feb).toMatchObject({ customersAtStart: 100, new: 1, churned: { voluntary: 11, involuntary: 0, migrated: 0, total: 11, fromStart: 10 }, customersAtEnd: 90 });
      expect(feb.startingCustomerChurnRate).toBe(0.1);
      // Ours counts the newcomer too.
      expect(feb.customerChurnRate).toBe(0.11);
    } finally {
      await w.close();
    }
  });

  it('gross and net MRR churn (ChartMogul, Baremetrics): MRR 100 at the start, 10 churned, 10 contraction, 10 expansion → 20% and 10%', async () => {
    const w = await world();
    try {
      // MRR 100.00 (minor units: 10,000) at 1 February across four clients.
      await w.run(enroll('churns', '2026-01-05T09:00:00Z', 1000), enroll('shrinks', '2026-01-06T09:00:00Z', 3000));
      await w.run(enroll('grows', '2026-01-07T09:00:00Z', 2000), enroll('stays', '2026-01-08T09:00:00Z', 4000));
      await w.run(...leaves('churns', '2026-01-20T10:00:00Z', '2026-02-10'));
      await w.run(changePlan('shrinks', 2000, '2026-02-12T10:00:00Z'), changePlan('grows', 3000, '2026-02-13T10:00:00Z'));
      await w.settle();
      const [feb] = (await churn(w.db, { from: '2026-02', to: '2026-02', segment: 'all' })).months;
      expect(feb).toMatchObject({ mrrAtStart: 10000, mrrLost: 1000, mrrContraction: 1000, mrrExpansion: 1000, mrrReactivation: 0, mrrNew: 0, mrrAtEnd: 9000 });
      expect(feb.grossMrrChurnRate).toBe(0.2);
      expect(feb.netMrrChurnRate).toBe(0.1);
      expect(feb.netRevenueRetention).toBe(0.9);
      expect(feb.quickRatio).toBe(0.5);
      expect(feb.revenueChurnRate).toBe(0.1);
    } finally {
      await w.close();
    }
  });

  it('ARPA (Baremetrics): five accounts paying 100, 100, 300, 500 and 500 → 300', async () => {
    const w = await world();
    try {
      const fees = [10000, 10000, 30000, 50000, 50000];
      await w.run(...fees.map((fee, i) => enroll(`a${i}`, '2026-03-01T09:00:00Z', fee)));
      await w.run(
        ...fees.map((amount, i): DomainCommand => ({ type: 'IssueInvoice', data: { subscriberId: `a${i}`, invoiceId: '2026-03', period: '2026-03', amount, dueDate: '2026-03-10', at: '2026-03-01T10:00:00Z' } })),
      );
      await w.settle();
      const [mar] = (await revenuePerClient(w.db, { from: '2026-03', to: '2026-03', segment: 'all' })).months;
      expect(mar).toMatchObject({ clientsBilled: 5, billed: 150000, arpu: 30000 });
      const [marChurn] = (await churn(w.db, { from: '2026-03', to: '2026-03', segment: 'all' })).months;
      expect(marChurn.mrrAtEnd / marChurn.customersAtEnd).toBe(30000);
    } finally {
      await w.close();
    }
  });

  it('reactivation, suspension and reinstatement move MRR and are counted', async () => {
    const w = await world();
    try {
      await w.run(enroll('back', '2025-10-01T09:00:00Z', 2000), ...leaves('back', '2025-10-10T10:00:00Z', '2025-11-01'));
      await w.run(enroll('late', '2026-01-01T09:00:00Z', 5000));
      await w.run({ type: 'ReactivateSubscriber', data: { subscriberId: 'back', plan: plan(2500), at: '2026-02-03T09:00:00Z' } });
      await w.run({ type: 'SuspendService', data: { subscriberId: 'late', reason: 'other', at: '2026-02-05T09:00:00Z' } });
      await w.run({ type: 'ReinstateService', data: { subscriberId: 'late', reason: 'back from holidays', at: '2026-02-25T09:00:00Z' } });
      await w.settle();
      const [feb] = (await churn(w.db, { from: '2026-02', to: '2026-02', segment: 'all' })).months;
      expect(feb).toMatchObject({ customersAtStart: 1, reactivated: 1, mrrAtStart: 5000, mrrReactivation: 2500, mrrSuspended: 5000, mrrReinstated: 5000, mrrAtEnd: 7500 });
      // Reactivation is negative churn: (0 + 0 − 0 − 2500) / 5000.
      expect(feb.netMrrChurnRate).toBe(-0.5);
      expect(feb.netRevenueRetention).toBe(1.5);
      expect(feb.quickRatio).toBeNull();
    } finally {
      await w.close();
    }
  });
});
