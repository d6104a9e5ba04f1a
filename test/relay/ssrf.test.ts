/** Production mode: webhook targets on loopback, link-local or private addresses are refused (400) unless WEBHOOK_ALLOW_PRIVATE=true. */
import { jest } from '@jest/globals';
import type { INestApplication } from '@nestjs/common';
import { loadConfig } from '../../apps/service/src/config.js';
import { API_KEYS, startApp } from '../http/support.js';
import { admin } from './webhooks-scenarios.js';

jest.setTimeout(120_000);

describe('webhook targets in production', () => {
  let app: INestApplication;
  beforeAll(async () => {
    const production = loadConfig({ NODE_ENV: 'production', API_KEYS }).relay;
    expect(production.webhooks.allowPrivate).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', API_KEYS, WEBHOOK_ALLOW_PRIVATE: 'true' }).relay.webhooks.allowPrivate).toBe(true);
    app = await startApp({ nodeEnv: 'production', relay: production });
  });
  afterAll(async () => app?.close());

  it.each(['http://127.0.0.1:9/hook', 'http://localhost/hook', 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.5/hook', 'http://[::1]/hook', 'http://[::ffff:127.0.0.1]/hook', 'http://192.168.1.10:8080/'])(
    'refuses %s with 400 and writes nothing',
    async (url) => {
      const r = await admin(app).post('/v1/webhooks', { url });
      expect(r.status).toBe(400);
      expect(r.headers['content-type']).toContain('application/problem+json');
      expect(r.body.errors).toEqual([expect.objectContaining({ field: 'url', message: expect.stringMatching(/private|loopback/) })]);
      expect((await admin(app).get('/v1/webhooks')).body.webhooks).toEqual([]);
    },
  );

  it('a PATCH to a private URL is refused too', async () => {
    const r = await admin(app).post('/v1/webhooks', { url: 'https://93.184.216.34/hook' });
    expect(r.status).toBe(201);
    const patched = await admin(app).patch(`/v1/webhooks/${r.body.id}`, { url: 'http://127.0.0.1/hook' });
    expect(patched.status).toBe(400);
    expect((await admin(app).get(`/v1/webhooks/${r.body.id}`)).body.url).toBe('https://93.184.216.34/hook');
    // Disabled, so nothing is attempted against that public address from the test machine.
    expect((await admin(app).patch(`/v1/webhooks/${r.body.id}`, { status: 'disabled' })).status).toBe(200);
    expect((await admin(app).delete(`/v1/webhooks/${r.body.id}`)).status).toBe(204);
  });
});
