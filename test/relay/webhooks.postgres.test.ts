import { jest } from '@jest/globals';
import { startApp } from '../http/support.js';
import { createTestDatabase } from '../support/postgres.js';
import { fastRelay } from './receiver.js';
import { webhookScenarios } from './webhooks-scenarios.js';

jest.setTimeout(120_000);

describe('webhooks (PostgreSQL)', () => {
  let db: { url: string; drop(): Promise<void> } | undefined;
  afterAll(async () => db?.drop());
  webhookScenarios(async () => {
    db = await createTestDatabase('webhooks');
    return startApp({ eventStore: 'postgres', databaseUrl: db.url, relay: fastRelay() });
  });
});
