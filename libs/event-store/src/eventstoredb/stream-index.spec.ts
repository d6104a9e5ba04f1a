import { randomUUID } from 'node:crypto';
import { InMemoryEsdbConnection } from './in-memory-connection.js';
import { pageOfNames, StreamIndex } from './stream-index.js';

const event = () => ({ id: randomUUID(), type: 'Noted', data: {}, metadata: {} });

describe('the EventStoreDB stream index', () => {
  it('pages sorted names by prefix, exclusive lower bound and limit', () => {
    // given names in order
    const names = ['case-1', 'case-2', 'subscriber-1', 'subscriber-2', 'subscriber-3', 'zeta'];
    // when paged, then only the prefix's names after `after`, at most `limit` of them
    expect(pageOfNames(names, { prefix: 'subscriber-' })).toEqual(['subscriber-1', 'subscriber-2', 'subscriber-3']);
    expect(pageOfNames(names, { prefix: 'subscriber-', after: 'subscriber-1', limit: 1 })).toEqual(['subscriber-2']);
    expect(pageOfNames(names, { after: 'subscriber-3' })).toEqual(['zeta']);
    // an `after` below the prefix starts at the prefix
    expect(pageOfNames(names, { prefix: 'subscriber-', after: 'a' })).toEqual(['subscriber-1', 'subscriber-2', 'subscriber-3']);
    expect(pageOfNames(names, { prefix: 'none-' })).toEqual([]);
  });

  it('learns streams appended after an earlier listing, once each, without system streams', async () => {
    // given a server with two streams, listed once
    const connection = new InMemoryEsdbConnection({ systemRecordEvery: 1 });
    await connection.append('subscriber-b', [event()], 'no_stream');
    await connection.append('case-a', [event()], 'no_stream');
    const index = new StreamIndex(connection);
    expect(await index.list()).toEqual(['case-a', 'subscriber-b']);
    // when more is appended, to a known stream and a new one
    await connection.append('subscriber-b', [event()], 0n);
    await connection.append('subscriber-a', [event()], 'no_stream');
    // then the next listing has the new name, in order, and no duplicate
    expect(await index.list()).toEqual(['case-a', 'subscriber-a', 'subscriber-b']);
    expect(await index.list({ prefix: 'subscriber-' })).toEqual(['subscriber-a', 'subscriber-b']);
  });
});
