import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openEventStore } from '@libs/event-store';
import { appendChainV1Sql } from '../support/legacy-chain.js';
import { describeEventStoreContract } from './contract.js';

describeEventStoreContract('PGlite (in memory)', async () => {
  const opened = await openEventStore({ backend: 'pglite' });
  return { ...opened, appendChainV1: (streamId, events) => appendChainV1Sql(opened.db, streamId, events) };
});

describe('PGlite in a fresh data directory', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pglite-fresh-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('creates the cluster (initdb in a child process), stores events, and reopens with them', async () => {
    // given an empty directory
    // when the store is opened, written to, closed and opened again
    const first = await openEventStore({ backend: 'pglite', dataDir });
    await first.store.append('fresh-1', [{ type: 'Noted', data: { n: 1 }, occurredAt: '2026-01-01T00:00:00.000Z' }], { expectedVersion: 'no_stream' });
    await first.close();
    const again = await openEventStore({ backend: 'pglite', dataDir });
    try {
      // then the cluster is on disk and the event is read back
      expect(existsSync(join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
      const events = await again.store.readStream('fresh-1');
      expect(events.map((e) => [e.type, e.data])).toEqual([['Noted', { n: 1 }]]);
    } finally {
      await again.close();
    }
  }, 120_000);
});
