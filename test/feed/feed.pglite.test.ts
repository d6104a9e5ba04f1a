import { jest } from '@jest/globals';
import { feedScenarios } from './scenarios.js';
import { startApp, type RunningApp } from './support.js';

// Bounded by the machine, not by correctness: these scenarios write thousands of events, and on a
// loaded 2-core machine 30 s was not enough (a timed-out scenario's writers then leaked into the next).
jest.setTimeout(120_000);

describe('feed and audit routes (PGlite)', () => {
  let running: RunningApp;
  beforeAll(async () => {
    process.env['FEED_HEARTBEAT_MS'] = '200';
    running = await startApp();
  });
  afterAll(async () => running?.close());

  feedScenarios(() => running);
});
