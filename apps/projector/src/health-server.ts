import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EventStore } from '@libs/event-store';
import type { ProjectionEngine } from '@libs/projections';
import type { RelayHost, RelayObserver } from '@libs/relay';

/** Readiness thresholds, as the service's (HEALTH_STORE_TIMEOUT_MS, HEALTH_MAX_PROJECTION_LAG_EVENTS). */
export interface ProjectorHealthOptions {
  port: number;
  storeTimeoutMs: number;
  maxProjectionLagEvents: number;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))),
  ]);
}

/**
 * The projector's metrics registry, made before the relays so their delivery hooks count into it;
 * names as the service's (`client_lifecycle_relay_*`).
 */
export class ProjectorMetrics {
  readonly registry = new Registry();
  readonly relayObserver: RelayObserver;

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    const deliveries = new Counter({
      name: 'client_lifecycle_relay_deliveries_total',
      help: 'Delivery attempts of the push relays (webhook subscriptions, brokers) by sink and outcome (ok, failed)',
      labelNames: ['sink', 'outcome'],
      registers,
    });
    const seconds = new Histogram({
      name: 'client_lifecycle_relay_delivery_seconds',
      help: 'Duration of successful deliveries of the push relays, by sink',
      labelNames: ['sink'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.relayObserver = {
      delivered(sink, s) {
        deliveries.inc({ sink, outcome: 'ok' });
        seconds.observe({ sink }, s);
      },
      failed(sink) {
        deliveries.inc({ sink, outcome: 'failed' });
      },
    };
  }
}

/**
 * The projector's own `/health` (`/health/live`, `/health/ready`) and `/metrics` listener, so it is
 * supervised like the service (issue 12). Plain node:http: the projector runs no Nest application.
 * Liveness says only that the process answers; readiness that the store answers in time and no
 * projection this process holds is failed or too far behind (standby ones are fine: another
 * process holds them). Metrics are named like the service's (`client_lifecycle_*`).
 */
export async function startHealthServer(
  engine: ProjectionEngine,
  store: EventStore,
  options: ProjectorHealthOptions,
  metrics: ProjectorMetrics = new ProjectorMetrics(),
  relay?: RelayHost,
): Promise<Server> {
  const registry = metrics.registry;
  const registers = [registry];
  const statuses = () => withTimeout(engine.status(), options.storeTimeoutMs);
  const relays = () => (relay ? withTimeout(relay.status(), options.storeTimeoutMs) : Promise.resolve([]));
  const relayGauge = (name: string, help: string, value: (s: Awaited<ReturnType<typeof relays>>[number]) => number) =>
    new Gauge({
      name: `client_lifecycle_${name}`,
      help,
      labelNames: ['sink'],
      registers,
      async collect() {
        this.reset();
        for (const s of await relays().catch(() => [])) this.set({ sink: s.name }, value(s));
      },
    });
  relayGauge('relay_lag_events', 'Events a push relay sink has not had acknowledged yet (read at scrape time, capped at 10,000)', (s) => s.lagEvents);
  relayGauge('relay_lag_seconds', 'Age of the oldest event a push relay sink has not had acknowledged yet (read at scrape time)', (s) => s.lagSeconds);
  relayGauge('relay_consecutive_failures', 'Failed attempts in a row on the event a push relay sink is retrying (this process, 0 elsewhere)', (s) => s.failures);
  relayGauge('relay_leader', '1 when this process delivers for the sink, 0 otherwise', (s) => (s.leader ? 1 : 0));
  new Gauge({
    name: 'client_lifecycle_projection_lag_events',
    help: 'Events in the log a projection has not processed yet (read at scrape time)',
    labelNames: ['projection'],
    registers,
    async collect() {
      this.reset();
      for (const s of await statuses().catch(() => [])) this.set({ projection: s.name }, s.lagEvents);
    },
  });
  new Gauge({
    name: 'client_lifecycle_projection_leader',
    help: '1 when this process holds the projection (runs it), 0 on standby',
    labelNames: ['projection'],
    registers,
    async collect() {
      this.reset();
      for (const s of await statuses().catch(() => [])) this.set({ projection: s.name }, s.leader ? 1 : 0);
    },
  });

  const ready = async (): Promise<{ ok: boolean; body: Record<string, unknown> }> => {
    try {
      const headPosition = await withTimeout(store.headPosition(), options.storeTimeoutMs);
      const list = await statuses();
      const behind = list.filter((s) => s.leader && (s.status === 'failed' || s.lagEvents > options.maxProjectionLagEvents)).map((s) => s.name);
      const projections = list.map((s) => ({ name: s.name, status: s.status, leader: s.leader, lagEvents: s.lagEvents, lagSeconds: s.lagSeconds }));
      // Shown, never a reason to be unready: a receiver being down is its owner's problem, not ours.
      const relayLines = (await relays()).map((s) => ({ name: s.name, status: s.status, leader: s.leader, lagEvents: s.lagEvents, failures: s.failures }));
      const body = { status: behind.length === 0 ? 'ok' : 'error', eventStore: { status: 'up', headPosition }, projections, relays: relayLines, ...(behind.length ? { behind } : {}) };
      return { ok: behind.length === 0, body };
    } catch (error) {
      return { ok: false, body: { status: 'error', eventStore: { status: 'down', message: (error as Error).message } } };
    }
  };

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, contentType: string, body: string) => {
      res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'application/json', JSON.stringify({ status: 405 }));
    if (path === '/health/live') return send(200, 'application/json', JSON.stringify({ status: 'ok', pid: process.pid, uptimeSeconds: Math.round(process.uptime()) }));
    if (path === '/health' || path === '/health/ready') {
      void ready().then(({ ok, body }) => send(ok ? 200 : 503, 'application/json', JSON.stringify(body)));
      return;
    }
    if (path === '/metrics') {
      void registry.metrics().then(
        (text) => send(200, registry.contentType, text),
        (error: Error) => send(500, 'text/plain', error.message),
      );
      return;
    }
    send(404, 'application/json', JSON.stringify({ status: 404 }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, () => resolve());
  });
  return server;
}
