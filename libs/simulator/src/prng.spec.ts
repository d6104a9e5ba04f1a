import { Rng } from './prng.js';

describe('Rng', () => {
  it('replays the same sequence for the same seed and differs for another seed', () => {
    const draw = (seed: number) => Array.from({ length: 50 }, (() => { const r = new Rng(seed); return () => r.nextUint32(); })());
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('keeps draws within their ranges', () => {
    const r = new Rng(1);
    for (let i = 0; i < 2000; i++) {
      const x = r.next();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      const n = r.int(3, 9);
      expect(n).toBeGreaterThanOrEqual(3);
      expect(n).toBeLessThanOrEqual(9);
    }
  });

  it('spreads draws roughly uniformly and honours weights', () => {
    const r = new Rng(42);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 40_000; i++) counts[r.int(0, 3)]!++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(500);
    let heavy = 0;
    for (let i = 0; i < 10_000; i++) if (r.weighted(['a', 'b'], (x) => (x === 'a' ? 9 : 1)) === 'a') heavy++;
    expect(heavy).toBeGreaterThan(8700);
    expect(heavy).toBeLessThan(9300);
  });

  it('derives independent, reproducible sub-streams', () => {
    const a1 = Rng.derive(7, 'subscriber', 1).uuid();
    expect(Rng.derive(7, 'subscriber', 1).uuid()).toBe(a1);
    expect(Rng.derive(7, 'subscriber', 2).uuid()).not.toBe(a1);
    expect(Rng.derive(8, 'subscriber', 1).uuid()).not.toBe(a1);
  });

  it('builds well-formed version-4 UUIDs', () => {
    const r = new Rng(3);
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const id = r.uuid();
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(1000);
  });
});
