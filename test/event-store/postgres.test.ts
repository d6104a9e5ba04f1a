import { openEventStore, type NewEvent } from '@libs/event-store';
import { PgDatabase } from '@libs/sql';
import { appendChainV1Sql } from '../support/legacy-chain.js';
import { createTestDatabase } from '../support/postgres.js';
import { describeEventStoreContract } from './contract.js';

describeEventStoreContract(
  'PostgreSQL',
  async () => {
    const database = await createTestDatabase('cl_store');
    const opened = await openEventStore({ backend: 'postgres', databaseUrl: database.url, poolSize: 20 });
    const side = new PgDatabase({ connectionString: database.url, max: 6 });
    return {
      ...opened,
      appendChainV1: (streamId, events) => appendChainV1Sql(opened.db, streamId, events),
      async appendSlowly(streamId: string, event: NewEvent, holdMs: number) {
        // Same append function as the store, inside a transaction kept open after the write.
        const { computeHash, ZERO_HASH } = await import('@libs/event-store');
        const occurredAt = new Date(event.occurredAt).toISOString();
        const hash = computeHash(ZERO_HASH, { type: event.type, data: event.data, occurredAt, version: 0 });
        const payload = [{ ...event, occurredAt, metadata: { recordedAt: occurredAt, schemaVersion: 1, prevHash: ZERO_HASH, hash } }];
        await side.transaction(async (tx) => {
          await tx.query('SELECT * FROM cl_append($1, -1, $2, $3::jsonb)', [streamId, ZERO_HASH, JSON.stringify(payload)]);
          await new Promise((r) => setTimeout(r, holdMs));
        });
      },
      async close() {
        await side.close();
        await opened.close();
        await database.drop();
      },
    };
  },
  { concurrentWriters: 16 },
);
