/**
 * The work queues on PostgreSQL: the queries over the `work-queues` projection's rows (ties paged
 * by id, the trailing window and its pruning, the dunning policy's deadline), and read-model
 * schema v2 arriving on a database that already ran v3 and v4.
 */
import { runMigrations } from '@libs/sql';
import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations, workQueue, workQueueCounts, workQueuesProjection } from '@libs/projections';
import { readLog } from './brute-force.js';
import { appendHistory, History } from './history.js';
import { applyAll, openTestStore, projected } from './support.js';

const POLICY = { suspendAfterDays: 15 };

async function pageAll(db: Parameters<typeof workQueue>[0], queue: Parameters<typeof workQueue>[1], limit: number, settings = POLICY) {
  const rows: Array<Record<string, unknown>> = [];
  let cursor: string | undefined;
  do {
    const page = await workQueue<Record<string, unknown>>(db, queue, settings, { limit, cursor });
    rows.push(...page.rows);
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

describe('work queues on PostgreSQL', () => {
  it('in default and suspensions due: ties on the due date page by id; the deadline follows the policy', async () => {
    const h = new History();
    for (const id of ['e', 'b', 'd', 'a', 'c']) {
      h.enroll(id, '2025-01-01T09:00:00.000Z').invoice(id, 'i1', '2025-01-01T10:00:00.000Z', { amount: 3000, due: '2025-01-10' });
    }
    for (const id of ['e', 'b', 'd', 'a', 'c']) h.miss(id, 'i1', '2025-01-11T00:00:00.000Z', { amount: 3000, due: '2025-01-10' });
    h.pay('c', 'i1', '2025-01-12T00:00:00.000Z', 3000).complaint('a', '2025-01-14T08:00:00.000Z');
    const { db, close } = await projected(h.events, 3);
    try {
      const rows = await pageAll(db, 'in-default', 2);
      expect(rows.map((r) => [r.subscriberId, r.daysPastDue, r.amountOwed])).toEqual([
        ['a', 4, 3000],
        ['b', 4, 3000],
        ['d', 4, 3000],
        ['e', 4, 3000],
      ]);
      expect((await pageAll(db, 'suspensions-due', 3)).map((r) => [r.subscriberId, r.dueAt])).toEqual(['a', 'b', 'd', 'e'].map((id) => [id, '2025-01-25T00:00:00.000Z']));
      expect((await pageAll(db, 'suspensions-due', 10, { suspendAfterDays: 30 }))[0]).toMatchObject({ dueAt: '2025-02-09T00:00:00.000Z' });
      expect(await workQueueCounts(db, POLICY)).toEqual({
        asOf: '2025-01-14T08:00:00.000Z',
        counts: { inDefault: 4, suspensionsDue: 4, unprofitableWithoutCase: 0, openCases: 0, pendingCancellations: 0, noticesEnding: 0 },
      });
    } finally {
      await close();
    }
  });

  it('unprofitable without a case: the trailing window up to asOf, the tenure rule, open cases of that kind only; old ledger rows pruned', async () => {
    const h = new History()
      .enroll('a', '2025-01-01T09:00:00.000Z')
      .cost('a', '2025-02-01T09:00:00.000Z', 5000)
      .invoice('a', 'i7', '2025-07-01T09:00:00.000Z', { amount: 1000, due: '2025-07-20' })
      .pay('a', 'i7', '2025-07-15T09:00:00.000Z', 1000)
      .enroll('b', '2025-01-01T09:00:00.000Z')
      .cost('b', '2025-07-01T09:00:00.000Z', 5000)
      .enroll('c', '2025-01-01T09:00:00.000Z')
      .cost('c', '2025-07-01T09:00:00.000Z', 5000)
      .openCase('c-case', 'c', '2025-07-01T09:00:00.000Z')
      .enroll('d', '2025-01-01T09:00:00.000Z')
      .cost('d', '2025-07-01T09:00:00.000Z', 6000)
      .openCase('d-case', 'd', '2025-07-01T09:00:00.000Z')
      .closeCase('d-case', 'd', '2025-07-02T09:00:00.000Z')
      .openCase('d-other', 'd', '2025-07-03T09:00:00.000Z', 'complaints')
      .enroll('e', '2025-06-01T09:00:00.000Z')
      .cost('e', '2025-07-01T09:00:00.000Z', 5000)
      .complaint('a', '2025-08-01T00:00:00.000Z');
    const { db, close } = await projected(h.events, 4);
    try {
      const rows = await pageAll(db, 'unprofitable-without-case', 1);
      expect(rows).toEqual([
        { subscriberId: 'd', name: 'Client d', segment: 'b2c', currency: 'EUR', collected: 0, costToServe: 6000, trailingMargin: -6000 },
        { subscriberId: 'b', name: 'Client b', segment: 'b2c', currency: 'EUR', collected: 0, costToServe: 5000, trailingMargin: -5000 },
      ]);
      const ledger = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM rm_work_queue_ledger WHERE at < '2025-05-01'`);
      expect(ledger.rows[0]!.n).toBe('0');
      expect((await pageAll(db, 'open-cases', 1)).map((r) => [r.caseId, r.nextStep])).toEqual([
        ['c-case', 'reassess'],
        ['d-other', 'reassess'],
      ]);
    } finally {
      await close();
    }
  });

  it('schema v2 on a database that already ran v3 and v4: applied, and the projection starts from the log', async () => {
    const opened = await openTestStore();
    try {
      await opened.db.query('DROP TABLE rm_work_queue_subscribers, rm_work_queue_cases, rm_work_queue_ledger');
      await opened.db.query(`DELETE FROM ${READ_MODEL_MIGRATIONS_TABLE} WHERE version = 2`);
      expect(await runMigrations(opened.db, READ_MODEL_MIGRATIONS_TABLE, readModelMigrations)).toEqual([2]);
      expect(await workQueueCounts(opened.db, POLICY)).toMatchObject({ asOf: null, counts: { inDefault: 0 } });
      // Events written before the table existed: no checkpoint yet, so the projection reads them all.
      await appendHistory(opened.store, new History().enroll('a', '2025-01-01T09:00:00.000Z').cancel('a', '2025-01-02T09:00:00.000Z').events);
      await applyAll(opened, await readLog(opened.store), 50, [workQueuesProjection]);
      expect(await workQueueCounts(opened.db, POLICY)).toMatchObject({ asOf: '2025-01-02T09:00:00.000Z', counts: { pendingCancellations: 1 } });
    } finally {
      await opened.close();
    }
  });
});
