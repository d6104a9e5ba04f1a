import { jest } from '@jest/globals';
import { feedScenarios } from './scenarios.js';
import { startApp, type RunningApp } from './support.js';

jest.setTimeout(30_000);

describe('feed and audit routes (PGlite)', () => {
  let running: RunningApp;
  beforeAll(async () => {
    process.env['FEED_HEARTBEAT_MS'] = '200';
    running = await startApp();
  });
  afterAll(async () => running?.close());

  feedScenarios(() => running);
});
