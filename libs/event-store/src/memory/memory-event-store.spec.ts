import { ConcurrencyError, InvalidAppendError } from '../errors.js';
import { ChainVerifier } from '../integrity.js';
import type { NewEvent } from '../types.js';
import { MemoryEventStore } from './memory-event-store.js';

/** The port's promises the application relies on, kept by the in-memory store too. */
const at = '2026-01-15T10:00:00.000Z';
const ev = (n: number, id?: string): NewEvent => ({ id, type: 'Happened', data: { n }, occurredAt: at, metadata: { actor: 'a' } });
const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('MemoryEventStore', () => {
  it('versions streams from 0, positions the log from 1, and completes the metadata with an intact chain', async () => {
    const store = new MemoryEventStore();
    expect(await store.append('s-1', [ev(1), ev(2)])).toEqual({ streamId: 's-1', version: 1, position: '2' });
    expect(await store.append('s-2', [ev(3)], { expectedVersion: 'no_stream' })).toEqual({ streamId: 's-2', version: 0, position: '3' });
    const events = await store.readStream('s-1');
    expect(events.map((e) => [e.version, e.position])).toEqual([[0, '1'], [1, '2']]);
    expect(events[0]!.metadata).toMatchObject({ actor: 'a', schemaVersion: 1, chainVersion: 2, prevHash: '0'.repeat(64) });
    const verifier = new ChainVerifier();
    for (const e of events) verifier.push(e);
    expect(verifier.result().valid).toBe(true);
    expect(await store.streamVersion('nope')).toBe(-1);
    expect((await store.readStream('s-1', { direction: 'backwards', limit: 1 })).map((e) => e.version)).toEqual([1]);
  });

  it('refuses a wrong expected version with the actual one, writing nothing', async () => {
    const store = new MemoryEventStore();
    await store.append('s-1', [ev(1)]);
    await expect(store.append('s-1', [ev(2)], { expectedVersion: 5 })).rejects.toMatchObject({ actual: 0, expected: 5 });
    await expect(store.append('s-1', [ev(2)], { expectedVersion: 'no_stream' })).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(store.append('s-9', [ev(2)], { expectedVersion: 'stream_exists' })).rejects.toBeInstanceOf(ConcurrencyError);
    expect(await store.headPosition()).toBe('1');
  });

  it('answers a repeated batch of ids with the first result; refuses ids stored in another batch', async () => {
    const store = new MemoryEventStore();
    const first = await store.append('s-1', [ev(1, id(1)), ev(2, id(2))], { expectedVersion: 'no_stream' });
    expect(await store.append('s-1', [ev(1, id(1)), ev(2, id(2))], { expectedVersion: 'no_stream' })).toEqual(first);
    await expect(store.append('s-1', [ev(2, id(2)), ev(3, id(3))])).rejects.toBeInstanceOf(InvalidAppendError);
    expect(await store.headPosition()).toBe('2');
  });

  it('pages and filters the log, hands out copies, and delivers live events to a subscription', async () => {
    const store = new MemoryEventStore();
    await store.append('a-1', [ev(1)]);
    await store.append('b-1', [{ ...ev(2), type: 'Other' }]);
    const page = await store.readAll({ types: ['Other'] });
    expect(page.events.map((e) => e.streamId)).toEqual(['b-1']);
    expect(page.last).toBe('2');
    expect((await store.readAll({ after: '1', streamPrefix: 'a-' })).events).toEqual([]);
    page.events[0]!.data['n'] = 99;
    expect((await store.readStream('b-1'))[0]!.data).toEqual({ n: 2 });
    const seen: string[] = [];
    const subscription = store.subscribe({ handler: async (events) => void seen.push(...events.map((e) => e.position)) });
    const { position } = await store.append('a-1', [ev(3)]);
    expect(await subscription.waitFor(position, 5_000)).toBe(true);
    await subscription.stop();
    expect(seen).toEqual(['1', '2', '3']);
    expect(() => store.subscribe({ name: 'durable', handler: async () => undefined })).toThrow(/volatile/);
    expect(await store.listStreams({ prefix: 'a-' })).toEqual(['a-1']);
  });
});
