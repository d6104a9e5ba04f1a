/**
 * Definitions are versioned (domain.md §6): every metric an analytics answer serves has a
 * definition, every definition is of a served metric, and docs/analytics-definitions.md is the
 * rendering of exactly that list (UPDATE_DOCS=1 rewrites it).
 */
import { jest } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { churn, CLIENT_FLAGS, clients, cohorts, defaultRate, definitions, definitionsMarkdown, DIMENSION_FIELDS, forecast, METRIC_DEFINITIONS, revenuePerClient, salesReps } from '@libs/projections';
import { History } from './history.js';
import { projected } from './support.js';

jest.setTimeout(60_000);

const DOC = 'docs/analytics-definitions.md';

/** Leaf field paths of an answer, rows of `months`/`clients`/`reps` flattened away, flags by value. */
function servedFields(route: string, body: unknown, out = new Set<string>(), prefix = route): Set<string> {
  if (Array.isArray(body)) {
    for (const item of body) servedFields(route, item, out, prefix);
    return out;
  }
  if (body === null || typeof body !== 'object') {
    out.add(prefix);
    return out;
  }
  for (const [key, value] of Object.entries(body)) {
    if (DIMENSION_FIELDS.includes(key)) continue;
    if (key === 'flags') for (const flag of CLIENT_FLAGS) out.add(`${prefix}.flags.${flag}`);
    else servedFields(route, value, out, ['months', 'clients', 'reps', 'cohorts'].includes(key) ? prefix : `${prefix}.${key}`);
  }
  return out;
}

describe('analytics definitions', () => {
  it('every served metric has a definition, and every definition is served', async () => {
    const h = new History()
      .enroll('a', '2024-01-01T09:00:00.000Z', { fee: 3000, rep: 'r1' })
      .invoice('a', 'a1', '2024-01-01T10:00:00.000Z', { amount: 3000, due: '2024-01-10' })
      .miss('a', 'a1', '2024-01-11T00:00:00.000Z', { amount: 3000, due: '2024-01-10' })
      .cost('a', '2024-02-15T10:00:00.000Z', 5000);
    const { db, close } = await projected(h.events, 3);
    try {
      const range = { from: '2024-01', to: '2024-02', segment: 'all' as const };
      const served = new Set<string>();
      for (const [route, body] of [
        ['churn', await churn(db, range)],
        ['default-rate', await defaultRate(db, range)],
        ['revenue-per-client', await revenuePerClient(db, range)],
        ['clients', await clients(db, {})],
        ['sales-reps', await salesReps(db, range)],
        ['forecast', await forecast(db, { months: 2 })],
        ['cohorts', await cohorts(db, range)],
      ] as const) {
        servedFields(route, body, served);
      }
      const defined = new Set(METRIC_DEFINITIONS.map((d) => d.name));
      expect([...served].filter((f) => !defined.has(f))).toEqual([]);
      expect([...defined].filter((f) => !served.has(f))).toEqual([]);
      expect(defined.size).toBe(METRIC_DEFINITIONS.length);
    } finally {
      await close();
    }
  });

  it('every definition has a formula and a version no later than the current one', () => {
    const { version, metrics } = definitions();
    for (const d of metrics) {
      expect([d.name, d.formula.length > 10, Number.isInteger(d.since) && d.since >= 1 && d.since <= version]).toEqual([d.name, true, true]);
    }
  });

  it(`${DOC} is rendered from the definitions`, () => {
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, definitionsMarkdown());
    expect(readFileSync(DOC, 'utf8')).toBe(definitionsMarkdown());
  });
});
