import { demoStartMonth } from './demo.js';

describe('demo company', () => {
  it('spans the months up to the last complete one, never ahead of the clock', () => {
    expect(demoStartMonth(new Date('2026-11-22T10:00:00Z'), 24)).toBe('2024-11');
    expect(demoStartMonth(new Date('2026-01-01T00:00:00Z'), 24)).toBe('2024-01');
    expect(demoStartMonth(new Date('2026-03-31T23:59:59Z'), 1)).toBe('2026-02');
  });
});
