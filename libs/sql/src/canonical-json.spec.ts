import { canonicalJson, NonJsonValueError, toCanonicalJson } from './canonical-json.js';

describe('canonical JSON', () => {
  it('canonical JSON sorts keys recursively and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('the strict serialiser refuses what would not read back as written, naming where', () => {
    // given values JSON.stringify would silently change
    const cases: Array<[unknown, string]> = [
      [{ at: new Date(0) }, 'data.at is a Date object, not JSON'],
      [{ list: [1, undefined] }, 'data.list[1] is undefined'],
      [{ n: Number.NaN }, 'data.n is not a finite number'],
      [{ s: 'a\u0000b' }, 'data.s contains a NUL character or a lone surrogate'],
    ];
    for (const [value, message] of cases) {
      // when serialised strictly, then it is refused with the path of the offending member
      expect(() => toCanonicalJson(value)).toThrow(new NonJsonValueError(message));
    }
  });

  it('the strict serialiser refuses cycles', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => toCanonicalJson(cyclic, 'metadata')).toThrow(NonJsonValueError);
  });
});
