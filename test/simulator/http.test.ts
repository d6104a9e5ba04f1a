/**
 * The simulator through the real HTTP service (PGlite in memory, manual scheduler, one key per
 * role): every command is accepted or refused with a documented domain code — never a 5xx, never
 * a validation error (the simulator speaks api.md exactly).
 */
import type { INestApplication } from '@nestjs/common';
import { HttpTarget, runSimulation } from '@libs/simulator';
import { SPEC_RULE_CODES, ADDITIONAL_RULE_CODES } from '@libs/domain';
import { createApp } from '../../apps/service/src/app.js';
import { parseApiKeys } from '../../apps/service/src/config.js';

const KEYS = { operator: 'operator-key-123', executive: 'executive-key-123', admin: 'admin-key-12345' };

describe('simulator over HTTP', () => {
  let app: INestApplication;
  let baseUrl: string;

  beforeAll(async () => {
    app = await createApp({
      eventStore: 'pglite',
      dataDir: undefined,
      scheduler: 'manual',
      demo: false,
      logLevel: 'silent',
      apiKeys: parseApiKeys(Object.entries(KEYS).map(([role, key]) => `${role}:${key}`).join(',')),
    });
    await app.listen(0, '127.0.0.1');
    baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });
  afterAll(async () => app?.close());

  it('runs a small company with only documented refusals and no failures', async () => {
    const summary = await runSimulation({ subscribers: 12, months: 4, seed: 3, startMonth: '2025-01' }, new HttpTarget({ baseUrl, keys: KEYS }));
    expect(summary.failureSamples).toEqual([]);
    expect(summary.failures).toBe(0);
    expect(summary.succeeded).toBeGreaterThan(100);
    const documented = new Set<string>([...SPEC_RULE_CODES, ...ADDITIONAL_RULE_CODES]);
    for (const code of Object.keys(summary.refusalsByCode)) expect([code, documented.has(code)]).toEqual([code, true]);
  }, 240_000);
});
