import { hrefTo, parseRoute } from './route.js';
import { compareValues, matchesSearch } from './table.js';
import { accessOf } from './access.js';

describe('routes', () => {
  it('parses screens, ids and the as-of instant, and builds the same hrefs back', () => {
    expect(parseRoute('').name).toBe('dashboard');
    expect(parseRoute('#/clients').name).toBe('clients');
    const client = parseRoute(hrefTo('clients', 'a b/c', { asOf: '2026-03-01T00:00:00Z' }));
    expect(client).toMatchObject({ name: 'client', id: 'a b/c' });
    expect(client.query.get('asOf')).toBe('2026-03-01T00:00:00Z');
    expect(parseRoute('#/cases/c-1')).toMatchObject({ name: 'case', id: 'c-1' });
    expect(parseRoute('#/nowhere/at/all').name).toBe('not-found');
    expect(parseRoute('#/queues').name).toBe('queues');
    expect(parseRoute('#/approvals').name).toBe('approvals');
    expect(parseRoute('#/enrol').name).toBe('enrol');
    expect(parseRoute(`${hrefTo('cases', 'c 1')}/letter`)).toMatchObject({ name: 'letter', id: 'c 1' });
    expect(parseRoute('#/cases/c-1/other').name).toBe('not-found');
  });
});

describe('tables', () => {
  it('sorts numbers as numbers and puts unknowns last in either order', () => {
    const values = [3, null, 10, 1];
    expect([...values].sort((a, b) => compareValues(a, b, 'asc'))).toEqual([1, 3, 10, null]);
    expect([...values].sort((a, b) => compareValues(a, b, 'desc'))).toEqual([10, 3, 1, null]);
  });

  it('finds a client by name without accents or case, or by id', () => {
    expect(matchesSearch('alarmas perez', 'Alarmas Pérez', 's-1')).toBe(true);
    expect(matchesSearch('S-1', 'Alarmas Pérez', 's-1')).toBe(true);
    expect(matchesSearch('gómez', 'Alarmas Pérez', 's-1')).toBe(false);
  });
});

describe('access', () => {
  it('offers each role what the API lets it read, and admin everything', () => {
    const none = { caseDetail: false, operate: false, approve: false };
    expect(accessOf(['analyst'])).toEqual({ ...none, analytics: true, clientState: false, history: false, cases: false, feed: false });
    expect(accessOf(['auditor'])).toEqual({ ...none, analytics: false, clientState: true, history: true, cases: true, feed: true, caseDetail: true });
    expect(accessOf(['operator'])).toEqual({ analytics: false, clientState: true, history: false, cases: true, feed: false, caseDetail: true, operate: true, approve: false });
    expect(accessOf(['executive'])).toEqual({ analytics: false, clientState: false, history: false, cases: false, feed: false, caseDetail: true, operate: false, approve: true });
    expect(Object.values(accessOf(['admin'])).every(Boolean)).toBe(true);
  });
});
