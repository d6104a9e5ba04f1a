import kurrent, { type JSONRecordedEvent } from '@kurrent/kurrentdb-client';
import fc from 'fast-check';
import { computeHash, ZERO_HASH } from '../integrity.js';
import { prepareAppend } from '../validation.js';
import { fromEsdbMetadata, toEsdbEvent, toEsdbMetadata, toStoredEvent } from './envelope.js';
import { encodeEsdbPosition } from './positions.js';

const { jsonEvent } = kurrent;
const store = { recordedAt: '2026-01-15T10:00:01.000Z', prevHash: ZERO_HASH, hash: 'a'.repeat(64) };

describe('metadata mapping', () => {
  it('stores correlation and causation under the server names and business time as $occurredAt', () => {
    const meta = toEsdbMetadata({ actor: 'key-1', role: 'operator', correlationId: 'c-1', causationId: 'x-1', schemaVersion: 2 }, '2026-01-15T10:00:00.000Z', store);
    expect(meta).toEqual({
      actor: 'key-1',
      role: 'operator',
      $correlationId: 'c-1',
      $causationId: 'x-1',
      $occurredAt: '2026-01-15T10:00:00.000Z',
      schemaVersion: 2,
      recordedAt: store.recordedAt,
      chainVersion: 2,
      prevHash: ZERO_HASH,
      hash: store.hash,
    });
  });

  it('defaults schemaVersion to 1 and lets the store own recordedAt and the hashes', () => {
    const meta = toEsdbMetadata({ recordedAt: 'forged', hash: 'forged', schemaVersion: 'x' }, '2026-01-15T10:00:00.000Z', store);
    expect(meta).toMatchObject({ schemaVersion: 1, recordedAt: store.recordedAt, hash: store.hash });
  });

  it('round-trips any caller metadata exactly, $-prefixed keys included', () => {
    const key = fc.oneof(fc.string(), fc.string().map((s) => `$${s}`), fc.string().map((s) => `$$${s}`), fc.constantFrom('correlationId', 'causationId', 'occurredAt', '$occurredAt'));
    const reserved = new Set(['schemaVersion', 'recordedAt', 'chainVersion', 'prevHash', 'hash', '__proto__']);
    fc.assert(
      fc.property(fc.dictionary(key, fc.jsonValue()), (caller) => {
        for (const k of Object.keys(caller)) if (reserved.has(k)) delete caller[k];
        const written = JSON.parse(JSON.stringify(toEsdbMetadata(caller, '2026-01-15T10:00:00.000Z', store)));
        const { metadata, occurredAt } = fromEsdbMetadata(written);
        expect(occurredAt).toBe('2026-01-15T10:00:00.000Z');
        expect(metadata).toEqual(JSON.parse(JSON.stringify({ ...caller, schemaVersion: 1, chainVersion: 2, ...store })));
      }),
    );
  });

  it('reads binary or missing metadata of foreign events as empty', () => {
    expect(fromEsdbMetadata(new Uint8Array([1, 2]))).toEqual({ metadata: {}, occurredAt: undefined });
    expect(fromEsdbMetadata(undefined)).toEqual({ metadata: {}, occurredAt: undefined });
  });
});

describe('event mapping', () => {
  const [validated] = prepareAppend('subscriber-1', [
    { id: '7F9C2F5E-3C2B-4F7A-9A51-0D6F4C1B2A3E', type: 'Enrolled', data: { name: 'Ana', fee: 30000 }, occurredAt: '2026-01-15T11:00:00+01:00', metadata: { actor: 'k' } },
  ]);

  it('chains the event under chain version 2 with the same hash as the SQL backends and builds a valid client event', () => {
    const { data, hash } = toEsdbEvent({ ...validated, id: validated.id! }, 4, 'b'.repeat(64), store.recordedAt);
    const content = { type: 'Enrolled', data: { name: 'Ana', fee: 30000 }, occurredAt: '2026-01-15T10:00:00.000Z', version: 4 };
    expect(hash).toBe(computeHash('b'.repeat(64), { ...content, metadata: { actor: 'k', chainVersion: 2 } }));
    // The actor is attested: another actor, another hash; version 1 would not have seen it.
    expect(hash).not.toBe(computeHash('b'.repeat(64), { ...content, metadata: { actor: 'x', chainVersion: 2 } }));
    expect(hash).not.toBe(computeHash('b'.repeat(64), content));
    expect(data.metadata).toMatchObject({ chainVersion: 2, prevHash: 'b'.repeat(64), hash, $occurredAt: '2026-01-15T10:00:00.000Z' });
    const client = jsonEvent(data);
    expect(client).toMatchObject({ id: '7f9c2f5e-3c2b-4f7a-9a51-0d6f4c1b2a3e', contentType: 'application/json', type: 'Enrolled', data: { name: 'Ana', fee: 30000 } });
  });

  it("turns the client's recorded event into the api.md envelope", () => {
    const { data } = toEsdbEvent({ ...validated, id: validated.id! }, 0, ZERO_HASH, store.recordedAt);
    const position = { commit: 2n ** 60n, prepare: 2n ** 60n + 77n };
    const recorded: JSONRecordedEvent = {
      streamId: 'subscriber-1',
      id: data.id,
      isJson: true,
      revision: 0n,
      type: 'Enrolled',
      created: new Date(),
      data: data.data,
      metadata: JSON.parse(JSON.stringify(data.metadata)),
      position,
    };
    const stored = toStoredEvent(recorded);
    expect(stored).toEqual({
      id: data.id,
      position: encodeEsdbPosition(position),
      streamId: 'subscriber-1',
      version: 0,
      type: 'Enrolled',
      data: { name: 'Ana', fee: 30000 },
      occurredAt: '2026-01-15T10:00:00.000Z',
      metadata: { actor: 'k', schemaVersion: 1, recordedAt: store.recordedAt, chainVersion: 2, prevHash: ZERO_HASH, hash: data.metadata.hash },
    });
  });

  it('reads an event written before chain version 2 (no chainVersion in its metadata) as version 1', () => {
    const legacy = { actor: 'k', schemaVersion: 1, recordedAt: store.recordedAt, prevHash: ZERO_HASH, hash: 'c'.repeat(64), $occurredAt: '2026-01-15T10:00:00.000Z' };
    const stored = toStoredEvent({ streamId: 's', id: 'i', isJson: true, revision: 0n, type: 'T', data: {}, metadata: legacy, position: { commit: 1n, prepare: 1n } });
    expect(stored.metadata).toEqual({ actor: 'k', schemaVersion: 1, recordedAt: store.recordedAt, chainVersion: 1, prevHash: ZERO_HASH, hash: 'c'.repeat(64) });
  });

  it('refuses a recorded event without its log position (servers before 22.6)', () => {
    expect(() => toStoredEvent({ streamId: 's', id: 'i', isJson: true, revision: 0n, type: 'T', data: {}, metadata: {} })).toThrow(/22\.6/);
  });
});
