import { createHash } from 'node:crypto';
import { canonicalJson, toCanonicalJson } from '@libs/sql';
import { ChainVerifier, computeHash, hashWithCanonicalData, ZERO_HASH } from './integrity.js';
import fc from 'fast-check';

describe('integrity chain', () => {
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

  describe('chain version 2', () => {
    const content = { type: 'TerminationApproved', data: { caseId: 'c-1' }, occurredAt: '2026-01-01T00:00:00.000Z', version: 3 };
    const metadata = { actor: 'exec-ana', role: 'executive', correlationId: 'corr-1', chainVersion: 2 };

    it('hashes {type, data, occurredAt, version, chainVersion, actor, role, correlationId, causationId}, absent members as null', () => {
      const expected = createHash('sha256')
        .update(
          ZERO_HASH +
            '{"actor":"exec-ana","causationId":null,"chainVersion":2,"correlationId":"corr-1","data":{"caseId":"c-1"},"occurredAt":"2026-01-01T00:00:00.000Z","role":"executive","type":"TerminationApproved","version":3}',
        )
        .digest('hex');
      expect(computeHash(ZERO_HASH, { ...content, metadata })).toBe(expected);
      expect(hashWithCanonicalData(ZERO_HASH, content.type, '{"caseId":"c-1"}', content.occurredAt, 3, 2, metadata)).toBe(expected);
    });

    it('a reassigned approval breaks a version 2 chain, not a version 1 one', () => {
      const forged = { ...metadata, actor: 'exec-bob' };
      expect(computeHash(ZERO_HASH, { ...content, metadata: forged })).not.toBe(computeHash(ZERO_HASH, { ...content, metadata }));
      expect(computeHash(ZERO_HASH, { ...content, metadata: forged }, 1)).toBe(computeHash(ZERO_HASH, { ...content, metadata }, 1));
    });

    function chain(versions: number[]) {
      let prevHash = ZERO_HASH;
      return versions.map((chainVersion, version) => {
        const e = { type: 'E', data: { version }, occurredAt: '2026-01-01T00:00:00.000Z', version, metadata: { actor: 'a', chainVersion } as Record<string, unknown> };
        if (chainVersion === 1) delete e.metadata.chainVersion;
        const hash = computeHash(prevHash, e);
        e.metadata = { ...e.metadata, prevHash, hash };
        prevHash = hash;
        return e;
      });
    }

    it('verifies a stream that holds version 1 events followed by version 2 events', () => {
      const verifier = new ChainVerifier();
      chain([1, 1, 2, 2]).forEach((e) => verifier.push(e));
      expect(verifier.result(3)).toEqual({ valid: true, events: 4 });
    });

    it('refuses a version 1 event after a version 2 one, and an unknown chain version', () => {
      const downgraded = new ChainVerifier();
      chain([1, 2, 1]).forEach((e) => downgraded.push(e));
      expect(downgraded.result()).toMatchObject({ valid: false, brokenAtVersion: 2, reason: 'chain-version-mismatch' });
      const unknown = new ChainVerifier();
      const events = chain([2, 2]);
      events[1].metadata.chainVersion = 3;
      events.forEach((e) => unknown.push(e));
      expect(unknown.result()).toMatchObject({ valid: false, brokenAtVersion: 1, reason: 'chain-version-mismatch' });
    });

    it('catches a changed actor on a version 2 event at its version', () => {
      const events = chain([1, 2, 2, 2]);
      events[2].metadata.actor = 'someone-else';
      const verifier = new ChainVerifier();
      events.forEach((e) => verifier.push(e));
      expect(verifier.result()).toMatchObject({ valid: false, brokenAtVersion: 2, reason: 'hash-mismatch' });
    });
  });
});
