import { createServer, type Server } from 'node:http';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { EventStore } from '@libs/event-store';
import type { ProjectionEngine } from '@libs/projections';

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
 * The projector's own `/health` (`/health/live`, `/health/ready`) and `/metrics` listener, so it is
 * supervised like the service (issue 12). Plain node:http: the projector runs no Nest application.
 * Liveness says only that the process answers; readiness that the store answers in time and no
 * projection this process holds is failed or too far behind (standby ones are fine: another
 * process holds them). Metrics are named like the service's (`client_lifecycle_*`).
 */
export async function startHealthServer(engine: ProjectionEngine, store: EventStore, options: ProjectorHealthOptions): Promise<Server> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  const statuses = () => withTimeout(engine.status(), options.storeTimeoutMs);
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
      return { ok: behind.length === 0, body: { status: behind.length === 0 ? 'ok' : 'error', eventStore: { status: 'up', headPosition }, projections, ...(behind.length ? { behind } : {}) } };
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
