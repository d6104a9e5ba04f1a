import { jest } from '@jest/globals';
import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import type { LifecycleService } from '@libs/application';
import { keyId, loadConfig, type ServiceConfig } from '../../apps/service/src/config.js';
import { InfrastructureModule } from '../../apps/service/src/infrastructure/infrastructure.module.js';
import { EVENT_STORE, LIFECYCLE_SERVICE, PROJECTIONS } from '../../apps/service/src/infrastructure/tokens.js';
import { OperationsModule } from '../../apps/service/src/operations/operations.module.js';
import { bearer, KEYS, startApp, type RunningApp } from '../feed/support.js';

// Each test opens an application on a fresh PGlite: seconds alone, tens of seconds on a loaded CI machine.
jest.setTimeout(120_000);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('operations: health, metrics, request ids (PGlite)', () => {
  let running: RunningApp;
  beforeAll(async () => (running = await startApp()));
  afterAll(async () => running?.close());

  it('/health is readiness: the store answers; /health/live and /health/ready need no key', async () => {
    const health = await request(running.url).get('/health').expect(200);
    expect(health.body).toMatchObject({ status: 'ok', details: { eventStore: { status: 'up', backend: 'pglite' }, projections: { status: 'up' } } });
    expect(health.body.details.eventStore.headPosition).toMatch(/^\d+$/);
    await request(running.url).get('/health/ready').expect(200);
    const live = await request(running.url).get('/health/live').expect(200);
    expect(live.body.details.process.status).toBe('up');
  });

  it('echoes a sane x-request-id and replaces anything else with a UUID', async () => {
    const kept = await request(running.url).get('/health/live').set('x-request-id', 'abc-123.XYZ_9');
    expect(kept.headers['x-request-id']).toBe('abc-123.XYZ_9');
    const replaced = await request(running.url).get('/health/live').set('x-request-id', 'a b<script>');
    expect(replaced.headers['x-request-id']).toMatch(UUID);
    const none = await request(running.url).get('/health/live');
    expect(none.headers['x-request-id']).toMatch(UUID);
  });

  it('/metrics: default metrics, request durations by route template, appended events via the application observer', async () => {
    await request(running.url).get('/v1/events?limit=1').set(bearer(KEYS.service)).expect(200);
    await request(running.url).get('/v1/subscribers/someone/history').set(bearer(KEYS.auditor)).expect(404);
    const app = running.app.get<LifecycleService>(LIFECYCLE_SERVICE);
    await app.execute(
      {
        type: 'EnrollSubscriber',
        data: {
          subscriberId: 'metrics-1',
          name: 'Alarmas Pérez',
          segment: 'b2c',
          plan: { code: 'alarm-basic', monthlyFee: 30000, currency: 'EUR' },
          salesRepId: 'rep-1',
          qualification: { needsService: true, valuesService: true, canPay: true },
          at: '2026-01-01T00:00:00Z',
        },
      },
      { actor: { id: 'key-test', role: 'operator' } },
    );
    const complaint = { type: 'LogComplaint', data: { subscriberId: 'metrics-1', category: 'billing', description: 'twice', at: '2026-01-02T00:00:00Z' } } as const;
    await app.execute(complaint, { actor: { id: 'key-test', role: 'operator' }, idempotencyKey: 'complaint-1' });
    await app.execute(complaint, { actor: { id: 'key-test', role: 'operator' }, idempotencyKey: 'complaint-1' });
    await app.tick('2026-01-03T00:00:00Z');
    const res = await request(running.url).get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toContain('process_cpu_user_seconds_total');
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/v1\/events",status="200"\} 1/);
    expect(res.text).toMatch(/http_request_duration_seconds_count\{method="GET",route="\/v1\/subscribers\/:id\/history",status="404"\} 1/);
    expect(res.text).toMatch(/^client_lifecycle_events_appended_total\{command_type="EnrollSubscriber"\} 1$/m);
    expect(res.text).toContain('# TYPE client_lifecycle_append_conflicts_total counter');
    expect(res.text).toContain('# TYPE client_lifecycle_projection_lag_events gauge');
    // PGlite's WASM heap, at least its 128 MB floor: how much of the RSS is the embedded database's.
    expect(Number(/^client_lifecycle_embedded_database_memory_bytes (\d+)$/m.exec(res.text)?.[1])).toBeGreaterThanOrEqual(128 * 1024 * 1024);
    expect(res.text).toMatch(/^client_lifecycle_build_info\{version="[^"]+",commit="[^"]+",node="v\d+[^"]*"\} 1$/m);
    expect(res.text).toMatch(/^client_lifecycle_idempotent_replays_total\{command_type="LogComplaint"\} 1$/m);
    expect(res.text).toMatch(/^client_lifecycle_scheduler_pass_duration_seconds_count\{outcome="ok"\} 1$/m);
    expect(res.text).toMatch(/^client_lifecycle_scheduler_events_written_total 0$/m);
    const lastSuccess = Number(/^client_lifecycle_scheduler_last_success_timestamp_seconds (\S+)$/m.exec(res.text)?.[1]);
    expect(Math.abs(lastSuccess - Date.now() / 1000)).toBeLessThan(60);
    // Every metric of the service's own carries the prefix; HTTP and process metrics keep their conventions.
    const names = [...res.text.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!);
    expect(names.filter((n) => !/^(client_lifecycle_|http_|process_|nodejs_)/.test(n))).toEqual([]);
  });
});

describe('operations: readiness fails when the store hangs or projections lag', () => {
  it('answers 503 with terminus details, while liveness stays 200; lag is exported as a gauge', async () => {
    process.env['HEALTH_STORE_TIMEOUT_MS'] = '150';
    const config: ServiceConfig = {
      ...loadConfig({ NODE_ENV: 'test', SCHEDULER: 'manual' }),
      dataDir: undefined,
      logLevel: 'silent',
      apiKeys: [{ id: keyId(KEYS.service), key: KEYS.service, roles: ['service'] }],
    };
    const projections = {
      status: async () => [
        { name: 'subscribers', checkpoint: '10', lagEvents: 50_000, lagSeconds: 42, status: 'running' },
        { name: 'analytics', checkpoint: '10', lagEvents: 3, lagSeconds: 0.5, status: 'running' },
      ],
    };
    @Global()
    @Module({ providers: [{ provide: PROJECTIONS, useValue: projections }], exports: [PROJECTIONS] })
    class FakeProjectionsModule {}
    const moduleRef = await Test.createTestingModule({ imports: [InfrastructureModule.forRoot(config), OperationsModule, FakeProjectionsModule] })
      .overrideProvider(EVENT_STORE)
      .useValue({ backend: 'postgres', headPosition: () => new Promise<string>(() => undefined) })
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    try {
      const ready = await request(app.getHttpServer()).get('/health/ready').expect(503);
      expect(ready.body.status).toBe('error');
      expect(ready.body.error.eventStore.status).toBe('down');
      expect(ready.body.error.projections).toMatchObject({ status: 'down', behind: ['subscribers'] });
      await request(app.getHttpServer()).get('/health').expect(503);
      await request(app.getHttpServer()).get('/health/live').expect(200);
      const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
      expect(metrics.text).toContain('client_lifecycle_projection_lag_events{projection="subscribers"} 50000');
      expect(metrics.text).toContain('client_lifecycle_projection_lag_seconds{projection="analytics"} 0.5');
    } finally {
      await app.close();
      delete process.env['HEALTH_STORE_TIMEOUT_MS'];
    }
  });
});
