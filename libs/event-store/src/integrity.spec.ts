import { createHash } from 'node:crypto';
import { canonicalJson, ChainVerifier, computeHash, hashWithCanonicalData, ZERO_HASH } from './integrity.js';
import { toCanonicalJson } from './validation.js';
import fc from 'fast-check';

describe('integrity chain', () => {
  it('canonical JSON sorts keys recursively and drops undefined members', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
  });

  it('hashes {type, data, occurredAt, version} in canonical form after prevHash (domain.md §7)', () => {
    const content = { type: 'PaymentReceived', data: { amount: 100, invoiceId: 'i-1' }, occurredAt: '2026-01-01T00:00:00.000Z', version: 0 };
    const expected = createHash('sha256')
      .update(ZERO_HASH + '{"data":{"amount":100,"invoiceId":"i-1"},"occurredAt":"2026-01-01T00:00:00.000Z","type":"PaymentReceived","version":0}')
      .digest('hex');
    expect(computeHash(ZERO_HASH, content)).toBe(expected);
  });

  it('the validating serialiser and the plain canonical form agree on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const plain = JSON.parse(JSON.stringify(value)) as unknown;
        expect(toCanonicalJson(plain)).toBe(canonicalJson(plain));
        expect(hashWithCanonicalData(ZERO_HASH, 'T', toCanonicalJson(plain), 'x', 1)).toBe(computeHash(ZERO_HASH, { type: 'T', data: plain, occurredAt: 'x', version: 1 }));
      }),
    );
  });

  it('reports the first version where a chain breaks', () => {
    const events = [0, 1, 2, 3].reduce<Array<{ type: string; data: unknown; occurredAt: string; version: number; metadata: { prevHash: string; hash: string } }>>(
      (acc, version) => {
        const prevHash = acc.length ? acc[acc.length - 1].metadata.hash : ZERO_HASH;
        const content = { type: 'E', data: { version }, occurredAt: '2026-01-01T00:00:00.000Z', version };
        return [...acc, { ...content, metadata: { prevHash, hash: computeHash(prevHash, content) } }];
      },
      [],
    );
    const intact = new ChainVerifier();
    events.forEach((e) => intact.push(e));
    expect(intact.result(3)).toEqual({ valid: true, events: 4 });

    const tampered = new ChainVerifier();
    events.map((e) => (e.version === 2 ? { ...e, data: { version: 99 } } : e)).forEach((e) => tampered.push(e));
    expect(tampered.result(3)).toMatchObject({ valid: false, brokenAtVersion: 2, reason: 'hash-mismatch' });

    const deleted = new ChainVerifier();
    events.filter((e) => e.version !== 1).forEach((e) => deleted.push(e));
    expect(deleted.result(3)).toMatchObject({ valid: false, brokenAtVersion: 1, reason: 'missing-version' });

    const truncated = new ChainVerifier();
    events.slice(0, 3).forEach((e) => truncated.push(e));
    expect(truncated.result(3)).toMatchObject({ valid: false, brokenAtVersion: 3 });
  });
});
