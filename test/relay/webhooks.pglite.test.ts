import { jest } from '@jest/globals';
import { startApp } from '../http/support.js';
import { fastRelay } from './receiver.js';
import { webhookScenarios } from './webhooks-scenarios.js';

jest.setTimeout(120_000);


describe('webhooks (PGlite)', () => {
  webhookScenarios(() => startApp({ relay: fastRelay() }));
});
