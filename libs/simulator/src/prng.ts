/**
 * Seeded pseudo-random numbers. The simulator never touches `Math.random`, `Date.now` or
 * `crypto.randomUUID`: every draw comes from a {@link Rng} derived from the run's seed, so the same
 * seed and options replay the same company, command for command.
 */

/** 32-bit avalanche mix (splitmix32 finaliser): turns structured inputs into independent seeds. */
function mix32(x: number): number {
  let z = (x + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
  z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
  return (z ^ (z >>> 15)) >>> 0;
}

/** Hashes a string into 32 bits (FNV-1a then mixed), for naming sub-streams. */
function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h >>> 0);
}

/**
 * A small, fast, seeded generator (mulberry32). Not cryptographic; its only job is reproducibility.
 */
export class Rng {
  private state: number;

  constructor(seed: number) {
    this.state = mix32(seed >>> 0);
  }

  /**
   * An independent generator for a named part of the model (a subscriber, the sales calendar):
   * its draws do not depend on how many draws other parts made, so one subscriber's story does not
   * shift when another's changes.
   */
  static derive(seed: number, ...parts: ReadonlyArray<string | number>): Rng {
    let h = mix32(seed >>> 0);
    for (const p of parts) h = mix32(h ^ (typeof p === 'number' ? mix32(p >>> 0) : hashString(p)));
    return new Rng(h);
  }

  /** Next 32 unsigned bits. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** True with probability `p` (always draws, so the sequence length does not depend on `p`). */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** Integer in [min, max] (inclusive). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** One element, uniformly. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Rng.pick: empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** One element with probability proportional to its weight. */
  weighted<T>(items: readonly T[], weight: (item: T) => number): T {
    const total = items.reduce((s, i) => s + Math.max(0, weight(i)), 0);
    if (items.length === 0 || total <= 0) throw new RangeError('Rng.weighted: no positive weight');
    let r = this.next() * total;
    for (const item of items) {
      r -= Math.max(0, weight(item));
      if (r < 0) return item;
    }
    return items[items.length - 1] as T;
  }

  /** A random (version 4 layout) UUID built from four draws. */
  uuid(): string {
    const words = [this.nextUint32(), this.nextUint32(), this.nextUint32(), this.nextUint32()];
    words[1] = (((words[1] as number) & 0xffff0fff) | 0x00004000) >>> 0; // version 4
    words[2] = (((words[2] as number) & 0x3fffffff) | 0x80000000) >>> 0; // RFC variant
    const hex = words.map((w) => w.toString(16).padStart(8, '0')).join('');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }
}
