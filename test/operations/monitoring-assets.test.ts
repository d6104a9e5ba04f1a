/**
 * The monitoring that ships in docker/ matches the service: every metric the Grafana dashboard
 * queries is one the service exports, Prometheus scrapes the compose service by the name compose
 * gives it, and every file the compose files mount exists. A renamed metric fails here, not on an
 * operator's empty panel.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { startApp, type RunningApp } from '../feed/support.js';

const docker = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'docker');

describe('monitoring assets (docker/)', () => {
  let running: RunningApp;
  beforeAll(async () => (running = await startApp()), 60_000);
  afterAll(async () => running?.close());

  it('the dashboard queries only metrics the service exports', async () => {
    const dashboard = JSON.parse(readFileSync(join(docker, 'grafana', 'dashboards', 'client-lifecycle.json'), 'utf8')) as {
      uid: string;
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
      templating: { list: Array<{ query: string }> };
    };
    expect(dashboard.uid).toBe('client-lifecycle');
    const exprs = [...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)), ...dashboard.templating.list.map((v) => v.query)];
    const queried = new Set(exprs.flatMap((e) => [...e.matchAll(/\b((?:client_lifecycle|http|process|nodejs)_[a-z0-9_]+)/g)].map((m) => m[1]!.replace(/_(bucket|count|sum)$/, ''))));
    const scrape = (await request(running.url).get('/metrics').expect(200)).text;
    const exported = new Set([...scrape.matchAll(/^# TYPE (\S+) /gm)].map((m) => m[1]!));
    expect([...queried].filter((name) => !exported.has(name))).toEqual([]);
    expect(queried.has('client_lifecycle_scheduler_last_success_timestamp_seconds')).toBe(true);
  });

  it('Prometheus scrapes the compose service; the compose files mount files that exist', () => {
    const prometheus = readFileSync(join(docker, 'prometheus', 'prometheus.yml'), 'utf8');
    expect(prometheus).toMatch(/metrics_path: \/metrics/);
    expect(prometheus).toMatch(/targets: \["service:3000"\]/);
    for (const file of ['docker-compose.yml', 'docker-compose.postgres.yml']) {
      const compose = readFileSync(join(docker, file), 'utf8');
      expect(compose).toMatch(/^ {2}service:$/m);
      expect(compose).toMatch(/profiles: \[monitoring\]/);
      const mounts = [...compose.matchAll(/^\s+- \.\/([^:]+):/gm)].map((m) => m[1]!);
      expect(mounts.length).toBeGreaterThan(0);
      expect(mounts.filter((m) => !existsSync(join(docker, m)))).toEqual([]);
    }
    expect(readFileSync(join(docker, 'docker-compose.postgres.yml'), 'utf8')).toMatch(/EVENT_STORE: postgres/);
    expect(readFileSync(join(docker, 'Dockerfile'), 'utf8')).toMatch(/^ARG NODE_IMAGE=node:24-/m);
  });
});
