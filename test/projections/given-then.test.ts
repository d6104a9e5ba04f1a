import { jest } from '@jest/globals';
import { applyProjectionBatch, cases, churn, clients, cohorts, CLIENT_SORTS, defaultRate, defaultRateProjection, revenuePerClient, salesReps, subscribers, forecast } from '@libs/projections';
import { History } from './history.js';
import { dumpReadModels, projected } from './support.js';

jest.setTimeout(60_000);

describe('projections, given events then rows', () => {
  it('churn: customers and MRR at a month start, new, churn by kind, MRR movement; a termination at 00:00Z of the 1st belongs to that month', async () => {
    const h = new History()
      .enroll('a', '2024-01-05T10:00:00.000Z', { fee: 3000 })
      .enroll('b', '2024-01-20T10:00:00.000Z', { fee: 5000, segment: 'b2b' })
      .enroll('c', '2024-02-03T10:00:00.000Z', { fee: 2000 })
      .changePlan('a', '2024-02-10T10:00:00.000Z', 3000, 4000)
      .changePlan('c', '2024-02-11T10:00:00.000Z', 2000, 1500)
      .notice('b', '2024-02-12T10:00:00.000Z', '2024-03-01')
      .terminate('b', '2024-03-01T00:00:00.000Z', { fee: 5000 })
      .suspend('a', '2024-03-05T00:00:00.000Z')
      .terminate('a', '2024-03-20T00:00:00.000Z', { kind: 'involuntary', fee: 4000 })
      .reactivate('a', '2024-04-02T00:00:00.000Z', 3500);
    const { db, close } = await projected(h.events, 3);
    try {
      const body = await churn(db, { from: '2024-01', to: '2024-05', segment: 'all' });
      expect(body.months.map((m) => [m.month, m.customersAtStart, m.new, m.reactivated, m.churned.total, m.customersAtEnd, m.mrrAtStart, m.mrrLost])).toEqual([
        ['2024-01', 0, 2, 0, 0, 2, 0, 0],
        ['2024-02', 2, 1, 0, 0, 3, 8000, 0],
        ['2024-03', 3, 0, 0, 2, 1, 8000 + 2000 + 1000 - 500, 9000],
        ['2024-04', 1, 0, 1, 0, 2, 1500, 0],
        ['2024-05', 2, 0, 0, 0, 2, 5000, 0],
      ]);
      const feb = body.months[1];
      expect([feb.mrrNew, feb.mrrExpansion, feb.mrrContraction]).toEqual([2000, 1000, 500]);
      const mar = body.months[2];
      expect(mar.churned).toEqual({ voluntary: 1, involuntary: 1, migrated: 0, total: 2, fromStart: 2 });
      expect([mar.mrrSuspended, mar.grossMrrChurnRate, mar.startingCustomerChurnRate]).toEqual([4000, 9000 / 10500, 2 / 3]);
      expect([body.months[3].mrrReactivation, body.months[3].netMrrChurnRate]).toEqual([3500, -3500 / 1500]);
      expect(mar.customerChurnRate).toBe(2 / 3);
      expect(mar.revenueChurnRate).toBe(9000 / 10500);
      expect(body.months[0].customerChurnRate).toBeNull();
      const b2b = await churn(db, { from: '2024-03', to: '2024-03', segment: 'b2b' });
      expect(b2b.months[0]).toMatchObject({ customersAtStart: 1, churned: { total: 1 }, mrrAtStart: 5000 });
    } finally {
      await close();
    }
  });

  it('default rate: cohorts by due month, recovery, write-off, and aging as it was at each month end', async () => {
    const h = new History()
      .enroll('a', '2024-01-01T09:00:00.000Z', { fee: 10000 })
      .invoice('a', 'i1', '2024-01-01T09:00:00.000Z', { amount: 10000, due: '2024-01-10' })
      .invoice('a', 'i2', '2024-02-01T09:00:00.000Z', { amount: 10000, due: '2024-02-10' })
      .miss('a', 'i1', '2024-01-11T00:00:00.000Z', { amount: 10000, due: '2024-01-10' })
      // Half paid in February: January's aging still shows all of it.
      .pay('a', 'i1', '2024-02-05T12:00:00.000Z', 5000)
      .pay('a', 'i2', '2024-02-09T12:00:00.000Z', 10000)
      // Paid after March closed: March's aging keeps the 5,000.
      .pay('a', 'i1', '2024-04-15T12:00:00.000Z', 5000)
      .enroll('b', '2024-01-02T09:00:00.000Z', { fee: 7000, segment: 'b2b' })
      .invoice('b', 'j1', '2024-01-02T09:00:00.000Z', { amount: 7000, due: '2024-01-31' })
      .miss('b', 'j1', '2024-02-01T00:00:00.000Z', { amount: 7000, due: '2024-01-31' })
      .suspend('b', '2024-02-16T00:00:00.000Z', 7000)
      .writeOff('b', ['j1'], '2024-03-01T00:00:00.000Z', 7000);
    const { db, close, log } = await projected(h.events, 2);
    try {
      const body = await defaultRate(db, { from: '2024-01', to: '2024-05', segment: 'all' });
      const jan = body.months[0];
      expect(jan).toMatchObject({ invoicesDue: 2, amountDue: 17000, invoicesDefaulted: 2, amountDefaulted: 17000, invoicesRecovered: 1, amountRecovered: 10000, amountWrittenOff: 7000 });
      expect(jan.defaultRate).toBe(1);
      // End of January (first instant of Feb 1): i1 22 days past due; j1 not yet missed.
      expect(jan.aging).toEqual({ '1-30': 10000, '31-60': 0, '61-90': 0, '90+': 0 });
      // End of February (Mar 1 00:00Z): i1 owes 5,000 at 51 days; j1 7,000 at 30 days (write-off at exactly Mar 1 belongs to March).
      expect(body.months[1].aging).toEqual({ '1-30': 7000, '31-60': 5000, '61-90': 0, '90+': 0 });
      expect(body.months[1]).toMatchObject({ invoicesDue: 1, invoicesDefaulted: 0, defaultRate: 0 });
      // End of March (Apr 1): i1 82 days past due; j1 written off.
      expect(body.months[2].aging).toEqual({ '1-30': 0, '31-60': 0, '61-90': 5000, '90+': 0 });
      expect(body.months[3].aging).toEqual({ '1-30': 0, '31-60': 0, '61-90': 0, '90+': 0 });
      expect(body.months[4]).toMatchObject({ invoicesDue: 0, defaultRate: null, amountDefaultRate: null });
      const b2c = await defaultRate(db, { from: '2024-02', to: '2024-02', segment: 'b2c' });
      expect(b2c.months[0].aging).toEqual({ '1-30': 0, '31-60': 5000, '61-90': 0, '90+': 0 });

      // Idempotent replay: the same batch applied again changes nothing.
      const before = await dumpReadModels(db);
      await db.transaction((tx) => applyProjectionBatch(defaultRateProjection, log, tx));
      await db.transaction((tx) => applyProjectionBatch(defaultRateProjection, log.slice(3, 9), tx));
      expect(await dumpReadModels(db)).toEqual(before);
    } finally {
      await close();
    }
  });

  it('revenue per client, profitability flags, sales per rep, subscribers and cases', async () => {
    const h = new History()
      .enroll('a', '2024-01-01T09:00:00.000Z', { fee: 3000, rep: 'r1' })
      .enroll('b', '2024-01-03T09:00:00.000Z', { fee: 6000, rep: 'r1', segment: 'b2b' })
      .enroll('c', '2024-01-04T09:00:00.000Z', { fee: 4000, rep: 'r2' })
      .invoice('a', 'a1', '2024-01-01T10:00:00.000Z', { amount: 3000, due: '2024-01-10' })
      .invoice('b', 'b1', '2024-01-03T10:00:00.000Z', { amount: 6000, due: '2024-01-10' })
      .pay('a', 'a1', '2024-01-09T10:00:00.000Z', 3000)
      .cost('a', '2024-01-15T10:00:00.000Z', 5000)
      .miss('b', 'b1', '2024-01-11T00:00:00.000Z', { amount: 6000, due: '2024-01-10' })
      .openCase('k1', 'a', '2024-01-16T10:00:00.000Z')
      .openCase('k2', 'c', '2024-01-17T10:00:00.000Z', 'complaints')
      .closeCase('k2', 'c', '2024-01-18T10:00:00.000Z', 'resolved')
      .notice('c', '2024-01-19T10:00:00.000Z', '2024-02-05')
      .terminate('c', '2024-02-05T00:00:00.000Z', { fee: 4000 })
      .invoice('a', 'a2', '2024-02-01T10:00:00.000Z', { amount: 3000, due: '2024-02-10' });
    const { db, close } = await projected(h.events, 4);
    try {
      const rev = await revenuePerClient(db, { from: '2024-01', to: '2024-02', segment: 'all' });
      expect(rev.months[0]).toEqual({ month: '2024-01', clientsBilled: 2, billed: 9000, collected: 3000, costToServe: 5000, arpu: 4500, collectedPerClient: 1500, costPerClient: 2500, marginPerClient: -1000 });
      expect(rev.months[1]).toMatchObject({ clientsBilled: 1, billed: 3000, collected: 0 });

      const cl = await clients(db, { sort: 'margin', order: 'asc', segment: 'all' });
      expect(cl.clients.map((c) => [c.subscriberId, c.lifetime.margin, c.flags])).toEqual([
        // 'a' costs more than it paid, but has been a customer for 35 days only: not judged yet (domain.md §5).
        ['a', -2000, ['open_case']],
        ['b', 0, ['in_default']],
        ['c', 0, []],
      ]);
      expect(cl.clients[0].lifetime).toEqual({ billed: 6000, collected: 3000, costToServe: 5000, margin: -2000, marginRatio: -2000 / 3000 });
      expect((await clients(db, { flag: 'in_default' })).clients.map((c) => c.subscriberId)).toEqual(['b']);
      // One row per page, every sort and order: ties (b and c at margin 0) and nulls (no collections) page exactly once.
      for (const sort of CLIENT_SORTS) {
        for (const order of ['asc', 'desc'] as const) {
          const whole = (await clients(db, { sort, order })).clients.map((c) => c.subscriberId);
          const paged: string[] = [];
          let cursor: string | undefined;
          do {
            const page = await clients(db, { sort, order, limit: 1, cursor });
            paged.push(...page.clients.map((c) => c.subscriberId));
            cursor = page.nextCursor;
          } while (cursor);
          expect([sort, order, paged]).toEqual([sort, order, whole]);
        }
      }

      const reps = await salesReps(db, { from: '2024-01', to: '2024-02' });
      expect(reps.months[0].reps).toEqual([
        { salesRepId: 'r1', newSubscribers: 2, newMrr: 9000, churnedWithin90Days: 0, invoicesDue: 3, invoicesDefaulted: 1, defaultRate: 1 / 3 },
        { salesRepId: 'r2', newSubscribers: 1, newMrr: 4000, churnedWithin90Days: 1, invoicesDue: 0, invoicesDefaulted: 0, defaultRate: null },
      ]);
      expect(reps.months[1]).toEqual({ month: '2024-02', reps: [] });

      const page1 = await subscribers(db, { limit: 2 });
      expect(page1.subscribers.map((s) => [s.subscriberId, s.status, s.balance, s.mrr])).toEqual([
        ['a', 'active', 3000, 3000],
        ['b', 'active', 6000, 6000],
      ]);
      const page2 = await subscribers(db, { limit: 2, cursor: page1.nextCursor! });
      expect(page2).toMatchObject({ subscribers: [{ subscriberId: 'c', status: 'terminated', mrr: 0 }] });
      expect(page2).not.toHaveProperty('nextCursor');
      expect((await subscribers(db, { flag: 'open_case' })).subscribers.map((s) => s.subscriberId)).toEqual(['a']);
      expect((await subscribers(db, { segment: 'b2b' })).subscribers.map((s) => s.subscriberId)).toEqual(['b']);

      expect((await cases(db, { status: 'open' })).cases).toEqual([
        expect.objectContaining({ caseId: 'k1', subscriberId: 'a', kind: 'unprofitable', status: 'open', closedAt: null, outcome: null }),
      ]);
      const casePage1 = await cases(db, { limit: 1 });
      expect(casePage1.cases.map((c) => c.caseId)).toEqual(['k1']);
      const casePage2 = await cases(db, { limit: 1, cursor: casePage1.nextCursor });
      expect([casePage2.cases.map((c) => c.caseId), casePage2.nextCursor]).toEqual([['k2'], undefined]);
      expect((await cases(db, { subscriberId: 'c' })).cases[0]).toMatchObject({ status: 'closed', outcome: 'resolved', closedAt: '2024-01-18T10:00:00.000Z' });

      const f = await forecast(db, { months: 2 });
      expect(f.inputs).toMatchObject({ baseMonth: '2024-02', trailingMonths: ['2023-11', '2023-12', '2024-01'], mrr: 9000, newMrr: 13000 / 3, revenueChurnRate: 0 });
      expect(f.months.map((m) => m.month)).toEqual(['2024-03', '2024-04']);
    } finally {
      await close();
    }
  });

  it('unprofitable flag: only a customer of the whole trailing 90 days (since enrolment or reactivation), active or suspended', async () => {
    // asOf is 2024-06-30 (the last event): the window is (2024-04-01, 2024-06-30].
    const h = new History()
      // Old client, costs more than it pays in the window: flagged.
      .enroll('old', '2024-01-01T09:00:00.000Z', { fee: 1000 })
      .cost('old', '2024-05-01T10:00:00.000Z', 5000)
      // Brand-new b2b client whose first visit comes before its first invoice: not flagged.
      .enroll('new', '2024-06-01T09:00:00.000Z', { fee: 9000, segment: 'b2b' })
      .cost('new', '2024-06-02T10:00:00.000Z', 15000)
      // Old client, costly, now under notice: not flagged.
      .enroll('leaving', '2024-01-02T09:00:00.000Z', { fee: 1000 })
      .cost('leaving', '2024-05-02T10:00:00.000Z', 5000)
      .notice('leaving', '2024-06-01T10:00:00.000Z', '2024-08-01')
      // Old client, suspended, costly: flagged.
      .enroll('suspended', '2024-01-03T09:00:00.000Z', { fee: 1000 })
      .suspend('suspended', '2024-04-10T00:00:00.000Z')
      .cost('suspended', '2024-05-03T10:00:00.000Z', 5000)
      // Won back in May: judged from the reactivation, not the first enrolment.
      .enroll('back', '2023-01-01T09:00:00.000Z', { fee: 1000 })
      .notice('back', '2023-02-01T09:00:00.000Z', '2023-04-01')
      .terminate('back', '2023-04-01T00:00:00.000Z', { fee: 1000 })
      .reactivate('back', '2024-05-01T00:00:00.000Z', 1000)
      .cost('back', '2024-05-04T10:00:00.000Z', 5000)
      .cost('old', '2024-06-30T10:00:00.000Z', 1);
    const { db, close } = await projected(h.events, 5);
    try {
      const flagged = await clients(db, { flag: 'unprofitable' });
      expect(flagged.clients.map((c) => c.subscriberId)).toEqual(['old', 'suspended']);
      const all = await clients(db, { sort: 'margin', order: 'asc' });
      expect(all.clients.find((c) => c.subscriberId === 'new')!.trailing90Days.margin).toBe(-15000);
      expect(all.clients.find((c) => c.subscriberId === 'new')!.flags).toEqual([]);
      expect((await subscribers(db, { flag: 'unprofitable' })).subscribers.map((s) => s.subscriberId)).toEqual(['old', 'suspended']);
    } finally {
      await close();
    }
  });

  it('signup cohorts: size, enrolment MRR, and customers and MRR retained at each month end; a reactivated client is retained again', async () => {
    const h = new History()
      .enroll('a', '2024-01-05T10:00:00.000Z', { fee: 1000 })
      .enroll('b', '2024-01-20T10:00:00.000Z', { fee: 3000 })
      .enroll('c', '2024-02-03T10:00:00.000Z', { fee: 2000 })
      // b leaves in February, comes back in April on a dearer plan.
      .notice('b', '2024-01-25T10:00:00.000Z', '2024-02-10')
      .terminate('b', '2024-02-10T00:00:00.000Z', { fee: 3000 })
      .reactivate('b', '2024-04-02T00:00:00.000Z', 4000)
      // a is suspended in March (still a customer, no MRR), expands in April once reinstated.
      .suspend('a', '2024-03-05T00:00:00.000Z')
      .reinstate('a', '2024-04-01T00:00:00.000Z')
      .changePlan('a', '2024-04-10T10:00:00.000Z', 1000, 1500)
      .complaint('c', '2024-05-02T10:00:00.000Z');
    const { db, close } = await projected(h.events, 3);
    try {
      const body = await cohorts(db, { from: '2024-01', to: '2024-02', segment: 'all' });
      expect(body).toMatchObject({ segment: 'all', currency: 'EUR', lastMonth: '2024-05' });
      const [jan, feb] = body.cohorts;
      expect([jan.cohort, jan.customers, jan.mrr]).toEqual(['2024-01', 2, 4000]);
      expect(jan.months.map((m) => [m.offset, m.month, m.customersRetained, m.mrrRetained])).toEqual([
        [0, '2024-01', 2, 4000],
        [1, '2024-02', 1, 1000],
        [2, '2024-03', 1, 0],
        [3, '2024-04', 2, 5500],
        [4, '2024-05', 2, 5500],
      ]);
      expect([jan.months[1].customerRetention, jan.months[3].netMrrRetention]).toEqual([0.5, 5500 / 4000]);
      expect(feb).toMatchObject({ cohort: '2024-02', customers: 1, mrr: 2000 });
      expect(feb.months.map((m) => m.offset)).toEqual([0, 1, 2, 3]);
      expect((await cohorts(db, { from: '2024-03', to: '2024-03', segment: 'all' })).cohorts[0]).toMatchObject({ customers: 0, mrr: 0 });
      expect((await cohorts(db, { from: '2024-01', to: '2024-01', segment: 'b2b' })).cohorts[0].months[0]).toMatchObject({ customersRetained: 0, customerRetention: null });
    } finally {
      await close();
    }
  });
});
