import { openEventStore } from '@libs/event-store';
import { readCheckpoint } from '@libs/sql';
import { RelayEngine } from '@libs/relay';
import { createTestDatabase } from '../support/postgres.js';
import { appendEvents, RecordingSink, relayEngineScenarios, until } from './engine-scenarios.js';

async function openPostgres() {
  const test = await createTestDatabase('relay');
  const opened = await openEventStore({ backend: 'postgres', databaseUrl: test.url, poolSize: 6 });
  return {
    ...opened,
    async close() {
      await opened.close();
      await test.drop();
    },
  };
}

describe('relay engine (PostgreSQL)', () => {
  relayEngineScenarios(openPostgres);

  it('with two processes exactly one delivers for each sink; the other takes over when it stops', async () => {
    const opened = await openPostgres();
    // Two engines stand for two processes: each has its own lock connection.
    const a = new RelayEngine({ store: opened.store, db: opened.db, leadershipIntervalMs: 100 });
    const b = new RelayEngine({ store: opened.store, db: opened.db, leadershipIntervalMs: 100 });
    try {
      await appendEvents(opened, 'a-1', 10);
      const sa = new RecordingSink('relay:shared');
      const sb = new RecordingSink('relay:shared');
      await a.add(sa);
      await a.start();
      await b.add(sb);
      await b.start();
      const log = (await opened.store.readAll()).events;
      await until(async () => (await readCheckpoint(opened.db, 'relay:shared')) === log[9]!.position, 30_000, 'first holder');
      expect(sa.received.length).toBe(10);
      expect(sb.received.length).toBe(0);
      expect((await b.statusOne('relay:shared'))?.status).toBe('standby');
      await a.stop();
      const head = await appendEvents(opened, 'a-1', 5);
      await until(async () => (await readCheckpoint(opened.db, 'relay:shared')) === head, 30_000, 'takeover');
      const after = (await opened.store.readAll()).events.slice(10).map((x) => x.id);
      expect(sb.received.map((x) => x.id)).toEqual(after);
    } finally {
      await a.stop();
      await b.stop();
      await opened.close();
    }
  });
});
