/**
 * The reference test: for several random histories, every analytics and list response of the
 * projections equals, field by field, the brute-force computation of domain.md §6 from the raw
 * log (test/projections/brute-force.ts). The projections run through the engine (checkpointed
 * subscriptions, batches), and a rebuild from zero must give identical rows.
 */
import { jest } from '@jest/globals';
import { existsSync } from 'node:fs';
import { defaultDunningPolicy } from '@libs/domain';
import type { SqlDatabase } from '@libs/sql';
import { cases, churn, clients, cohorts, CLIENT_SORTS, defaultRate, forecast, ProjectionEngine, revenuePerClient, salesReps, subscribers, type SegmentFilter } from '@libs/projections';
import { BruteForce, readLog } from './brute-force.js';
import { appendHistory, randomHistory } from './history.js';
import { dumpReadModels, openTestStore } from './support.js';

jest.setTimeout(120_000);

const SEGMENTS: SegmentFilter[] = ['all', 'b2b', 'b2c'];

/** Every row of a list, read page after page with `limit` until no `nextCursor` is left. */
async function allPages<R>(read: (cursor: string | undefined) => Promise<{ nextCursor?: string } & Record<string, unknown>>, key: string): Promise<R[]> {
  const rows: R[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await read(cursor);
    rows.push(...(page[key] as R[]));
    cursor = page.nextCursor;
    if (++pages > 10_000) throw new Error('the list never ends');
  } while (cursor);
  return rows;
}

/**
 * Every money route's answer from the read models equals the brute force's over the same
 * currency's subscribers, field by field (`currency` undefined: the log holds one currency).
 */
async function compareMoney(db: SqlDatabase, whole: BruteForce, from: string, to: string, segment: SegmentFilter, currency?: string): Promise<void> {
  const bf = currency === undefined ? whole : whole.forCurrency(currency);
  expect(await churn(db, { from, to, segment, currency })).toEqual(bf.churn(from, to, segment));
  expect(await defaultRate(db, { from, to, segment, currency })).toEqual(bf.defaultRate(from, to, segment));
  expect(await revenuePerClient(db, { from, to, segment, currency })).toEqual(bf.revenuePerClient(from, to, segment));
  expect(await salesReps(db, { from, to, segment, currency })).toEqual(bf.salesReps(from, to, segment));
  expect(await forecast(db, { months: 6, segment, currency })).toEqual(bf.forecast(6, segment));
  expect(await cohorts(db, { from, to, segment, currency })).toEqual(bf.cohorts(from, to, segment));
  for (const sort of CLIENT_SORTS) {
    for (const order of ['asc', 'desc'] as const) {
      const first = await clients(db, { sort, order, limit: 10, segment, currency });
      expect(first.clients).toEqual(bf.clients({ sort, order, limit: 10, segment }).clients);
      // Paged to the end with a small limit, every sort and order (nulls last included) gives the whole list once.
      expect(await allPages((cursor) => clients(db, { sort, order, limit: 4, segment, cursor, currency }), 'clients')).toEqual(bf.clients({ sort, order, limit: 100_000, segment }).clients);
    }
  }
  for (const flag of ['unprofitable', 'in_default', 'open_case'] as const) {
    expect(await clients(db, { sort: 'margin', order: 'asc', limit: 1000, segment, flag, currency })).toEqual(bf.clients({ sort: 'margin', order: 'asc', limit: 1000, segment, flag }));
  }
}

/** Every route's answer from the read models equals the brute force's, field by field, for every currency in use. */
async function compareAll(db: SqlDatabase, bf: BruteForce, from: string, to: string, currencies?: readonly string[]): Promise<void> {
  if (currencies && currencies.length > 1) {
    // Money is never summed across currencies: without one named, every money route refuses.
    for (const read of [() => churn(db, { from, to }), () => defaultRate(db, { from, to }), () => revenuePerClient(db, { from, to }), () => salesReps(db, { from, to }), () => forecast(db, {}), () => cohorts(db, { from, to }), () => clients(db, {})]) {
      await expect(read()).rejects.toMatchObject({ code: 'currency-required', currencies: [...currencies].sort() });
    }
  }
  for (const segment of SEGMENTS) {
    for (const currency of currencies && currencies.length > 1 ? currencies : [undefined]) await compareMoney(db, bf, from, to, segment, currency);
    for (const flag of ['unprofitable', 'in_default', 'open_case'] as const) {
      expect((await subscribers(db, { segment, flag, limit: 1000 })).subscribers).toEqual(bf.subscribers({ segment, flag }));
    }
    for (const status of [undefined, 'active', 'suspended', 'notice', 'terminated'] as const) {
      // Page through with a small limit: the pages put together are the whole list.
      const pages = [];
      let cursor: string | undefined;
      do {
        const page = await subscribers(db, { segment, status, limit: 7, cursor });
        pages.push(...page.subscribers);
        cursor = page.nextCursor;
      } while (cursor);
      expect(pages).toEqual(bf.subscribers({ segment, status }));
    }
  }
  expect(await allPages((cursor) => cases(db, { limit: 3, cursor }), 'cases')).toEqual(bf.cases({}).cases);
  expect((await cases(db, { limit: 1000 })).cases).toEqual(bf.cases({}).cases);
  expect(await allPages((cursor) => cases(db, { status: 'open', kind: 'unprofitable', limit: 2, cursor }), 'cases')).toEqual(bf.cases({ status: 'open', kind: 'unprofitable' }).cases);
  const someone = bf.cases({}).cases[0]?.subscriberId;
  if (someone) expect(await cases(db, { subscriberId: someone })).toEqual(bf.cases({ subscriberId: someone }));

}

describe.each([
  { seed: 11, subscribers: 30, months: 8, batchSize: 50 },
  { seed: 23, subscribers: 45, months: 11, batchSize: 333, currencies: ['EUR', 'USD'] },
  { seed: 37, subscribers: 25, months: 14, batchSize: 1000 },
] as Array<{ seed: number; subscribers: number; months: number; batchSize: number; currencies?: string[] }>)('reference: random history %o', ({ seed, subscribers: n, months, batchSize, currencies }) => {
  it('every response equals the brute force; a rebuild gives the same rows', async () => {
    const opened = await openTestStore();
    const engine = new ProjectionEngine({ store: opened.store, db: opened.db, batchSize });
    try {
      const history = randomHistory(seed, { subscribers: n, months, startMonth: '2024-01', currencies });
      // Half the history before the engine starts (catch-up), half while it runs (live).
      await appendHistory(opened.store, history.slice(0, history.length >> 1));
      await engine.start();
      await appendHistory(opened.store, history.slice(history.length >> 1));
      // The head as the whole log (headPosition is gap-free too: behind another test's open transaction it lags).
      const log = await readLog(opened.store);
      expect(await engine.waitFor(log.at(-1)!.position, 60_000)).toBe(true);

      const bf = new BruteForce(log);
      const from = '2023-12';
      const to = `${2024 + Math.floor(months / 12)}-${String((months % 12) + 1).padStart(2, '0')}`;
      await compareAll(opened.db, bf, from, to, currencies);

      // The histories exercise what the definitions single out.
      const one = currencies ? bf.forCurrency(currencies[0]) : bf;
      const churned = one.churn(from, to, 'all').months;
      expect(churned.some((m) => m.churned.total > 0 && m.reactivated >= 0)).toBe(true);
      expect(one.defaultRate(from, to, 'all').months.some((m) => m.aging['31-60'] > 0)).toBe(true);
      for (const field of ['mrrReactivation', 'mrrSuspended', 'mrrReinstated', 'mrrExpansion', 'mrrContraction'] as const) {
        expect([field, churned.some((m) => m[field] > 0)]).toEqual([field, true]);
      }
      expect(churned.some((m) => m.churned.fromStart > 0 && m.netMrrChurnRate !== null && m.quickRatio !== null)).toBe(true);

      const before = await dumpReadModels(opened.db);
      for (const name of engine.names()) expect(await engine.rebuild(name)).toBe('rebuilt');
      expect(await dumpReadModels(opened.db)).toEqual(before);
      const status = await engine.status();
      expect(status.every((s) => s.status === 'running' && s.leader && s.lagEvents === 0)).toBe(true);
    } finally {
      await engine.stop();
      await opened.close();
    }
  });
});

// The company simulator (libs/simulator) through the real application: histories only the domain's
// rules and policies (dunning, profitability watch, retention) could have written.
const simulatorReady = existsSync('libs/simulator/src/index.ts') && existsSync('libs/application/src/index.ts');
(simulatorReady ? describe : describe.skip)('reference: simulator histories', () => {
  it.each([
    { seed: 3, subscribers: 40, months: 9 },
    { seed: 8, subscribers: 25, months: 13 },
  ])('every response equals the brute force for %o', async ({ seed, subscribers: n, months }) => {
    const { LifecycleApplication } = await import('@libs/application');
    const { InProcessTarget, runSimulation } = await import('@libs/simulator');
    const opened = await openTestStore();
    const engine = new ProjectionEngine({ store: opened.store, db: opened.db, batchSize: 200 });
    try {
      const app = new LifecycleApplication(opened.store, opened.db, { policy: defaultDunningPolicy, clock: () => new Date('2000-01-01T00:00:00Z') });
      await app.init();
      await engine.start();
      await runSimulation({ seed, subscribers: n, months, startMonth: '2025-01' }, new InProcessTarget(app));
      const log = await readLog(opened.store);
      expect(await engine.waitFor(log.at(-1)!.position, 60_000)).toBe(true);
      const bf = new BruteForce(log);
      await compareAll(opened.db, bf, '2024-12', `${2025 + Math.floor(months / 12)}-${String((months % 12) + 1).padStart(2, '0')}`);
    } finally {
      await engine.stop();
      await opened.close();
    }
  });
});
