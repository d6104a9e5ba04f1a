import { jest } from '@jest/globals';
import pg from 'pg';
import request from 'supertest';
import { createTestDatabase } from '../support/postgres.js';
import { feedScenarios } from './scenarios.js';
import { bearer, complaint, enrolled, KEYS, startApp, type RunningApp } from './support.js';

// Bounded by the machine, not by correctness: these scenarios write thousands of events, and on a
// loaded 2-core machine 30 s was not enough (a timed-out scenario's writers then leaked into the next).
jest.setTimeout(120_000);

describe('feed and audit routes (PostgreSQL)', () => {
  let database: { url: string; drop(): Promise<void> };
  let running: RunningApp;
  beforeAll(async () => {
    process.env['FEED_HEARTBEAT_MS'] = '200';
    database = await createTestDatabase('feed');
    running = await startApp({ eventStore: 'postgres', databaseUrl: database.url });
  });
  afterAll(async () => {
    await running?.close();
    await database?.drop();
  });

  feedScenarios(() => running);

  it('integrity: a row altered in the database breaks the chain at its version', async () => {
    const s = 'tampered';
    await running.store.append(`subscriber-${s}`, [enrolled(s), ...Array.from({ length: 5 }, (_, i) => complaint(s, i + 1))]);
    const before = await request(running.url).get(`/v1/subscribers/${s}/integrity`).set(bearer(KEYS.auditor)).expect(200);
    expect(before.body).toMatchObject({ valid: true, events: 6 });
    expect(before.body.brokenAtVersion).toBeUndefined();

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rowCount } = await client.query(
        `UPDATE cl_events SET data = jsonb_set(data, '{description}', '"nothing to see here"') WHERE stream_id = $1 AND version = 3`,
        [`subscriber-${s}`],
      );
      expect(rowCount).toBe(1);
    } finally {
      await client.end();
    }

    const after = await request(running.url).get(`/v1/subscribers/${s}/integrity`).set(bearer(KEYS.auditor)).expect(200);
    expect(after.body).toMatchObject({ valid: false, brokenAtVersion: 3, reason: 'hash-mismatch' });
    // The history still shows what is stored: the auditor sees the altered event.
    const history = await request(running.url).get(`/v1/subscribers/${s}/history`).set(bearer(KEYS.auditor)).expect(200);
    expect(history.body.events[3].data.description).toBe('nothing to see here');
  });
});
