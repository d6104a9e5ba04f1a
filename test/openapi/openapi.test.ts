/**
 * The OpenAPI document as an integrator uses it: it lints clean (Redocly, recommended ruleset), it
 * documents every route the app registers with a unique camelCase operationId from the table, real
 * answers validate against the schemas it declares, and a client generated from it with
 * openapi-typescript drives the seed stories, type-checked by tsc.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import Ajv2020Module from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import openapiTS, { astToString } from 'openapi-typescript';
import { OPERATIONS } from '../../apps/service/src/http/openapi/operations.js';
import { KEYS, startApp } from '../http/support.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const generated = join(here, 'client', 'generated');
const bin = (name: string) => join(here, '..', '..', 'node_modules', '.bin', name);

type Doc = {
  paths: Record<string, Record<string, { operationId: string; security?: unknown[]; responses: Record<string, { headers?: Record<string, unknown>; content?: Record<string, { schema: unknown }> }> }>>;
  components: Record<string, unknown>;
};

// CommonJS modules seen through ESM: the class is the default export's default.
const Ajv2020 = ((Ajv2020Module as unknown as { default?: unknown }).default ?? Ajv2020Module) as unknown as new (o: object) => {
  addSchema(s: object): void;
  validate(s: object, v: unknown): boolean;
  errors?: unknown;
};
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as unknown as (ajv: object) => void;

/** What test/openapi/client/stories.ts exports, as far as this file needs to know. */
interface StoryClient {
  GET(path: string, init?: object): Promise<unknown>;
  POST(path: string, init?: object): Promise<unknown>;
}
interface StoriesModule {
  clientFor(baseUrl: string, key: string, fetchImpl?: typeof fetch): StoryClient;
  alarmStory(clients: Record<string, StoryClient>): Promise<void>;
  unprofitableStory(clients: Record<string, StoryClient>): Promise<void>;
  retentionStory(clients: Record<string, StoryClient>): Promise<void>;
}

interface Sample {
  method: string;
  path: string;
  status: number;
  contentType: string;
  headers: Headers;
  body: unknown;
}

describe('OpenAPI document', () => {
  let app: INestApplication;
  let base: string;
  let doc: Doc;
  let file: string;
  const samples: Sample[] = [];

  beforeAll(async () => {
    app = await startApp({ logLevel: 'silent' });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    doc = (await (await fetch(`${base}/docs-json`)).json()) as Doc;
    mkdirSync(generated, { recursive: true });
    file = join(generated, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc, null, 2));
    writeFileSync(join(generated, 'schema.d.ts'), astToString(await openapiTS(doc as never)));
  }, 120_000);
  afterAll(async () => app?.close());

  it('passes redocly lint with the recommended ruleset and no errors', async () => {
    const lint = await run(bin('redocly'), ['lint', '--extends', 'recommended', '--format', 'json', file], { env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } }).catch(
      (e: { stdout: string; stderr: string }) => e,
    );
    const report = JSON.parse(lint.stdout) as { totals: { errors: number }; problems: Array<{ ruleId: string; severity: string; message: string }> };
    expect(report.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(report.totals.errors).toBe(0);
  }, 60_000);

  it('documents every route the app registers, each with a unique camelCase operationId from the table', () => {
    const router = (app.getHttpAdapter().getInstance() as { router: { stack: Array<{ route?: { path: string; methods: Record<string, boolean> } }> } }).router;
    const registered = router.stack
      .filter((layer) => layer.route && !layer.route.path.startsWith('/docs') && !layer.route.path.includes('*'))
      .flatMap((layer) => Object.keys(layer.route!.methods).filter((m) => m !== '_all').map((m) => `${m.toUpperCase()} ${layer.route!.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`));
    const documented = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((m) => `${m.toUpperCase()} ${path}`));
    expect(registered.length).toBeGreaterThan(40);
    expect(registered.filter((r) => !documented.includes(r))).toEqual([]);
    expect(documented.filter((d) => !(d in OPERATIONS))).toEqual([]);
    const ids = Object.values(doc.paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !/^[a-z][a-zA-Z0-9]*$/.test(id))).toEqual([]);
    expect(doc.paths['/v1/subscribers/{id}/payments']!.post!.operationId).toBe('recordPayment');
    // Public routes need no key; everything else does (the document's default).
    for (const path of ['/health', '/health/live', '/health/ready', '/metrics']) expect(doc.paths[path]!.get!.security).toEqual([]);
  });

  it('declares problems as application/problem+json and the negotiated media types', () => {
    for (const item of Object.values(doc.paths)) {
      for (const op of Object.values(item)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (Number(status) >= 400 && !(op.operationId.startsWith('get') && op.operationId.match(/Health|Liveness|Readiness/))) expect([op.operationId, status, Object.keys(response.content ?? {})]).toEqual([op.operationId, status, ['application/problem+json']]);
        }
      }
    }
    expect(Object.keys(doc.paths['/v1/analytics/churn']!.get!.responses['200']!.content!)).toEqual(['application/json', 'text/csv']);
    expect(Object.keys(doc.paths['/v1/subscribers/{id}/history']!.get!.responses['200']!.content!)).toEqual(['application/json', 'application/x-ndjson']);
    expect(Object.keys(doc.paths['/v1/events/stream']!.get!.responses['200']!.content!)).toEqual(['text/event-stream']);
    expect(Object.keys(doc.paths['/v1/subscribers/{id}/payments']!.post!.responses)).toEqual(expect.arrayContaining(['412', '429', '503']));
  });

  it('the generated client type-checks the seed stories (tsc), and drives them against the service', async () => {
    const tsc = await run(bin('tsc'), ['-p', join(here, 'client', 'tsconfig.json')]).catch((e: { stdout: string }) => e);
    expect(tsc.stdout).toBe('');
    // A computed specifier: the root type check must not follow it into the generated types.
    const stories = join(here, 'client', 'stories.ts');
    const { alarmStory, clientFor, retentionStory, unprofitableStory } = (await import(stories)) as StoriesModule;
    // Every answer the stories get is kept, with the route template, for the schema check below.
    const recording: typeof fetch = async (input, init) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const response = await fetch(request);
      const template = templateOf(doc, request.method, new URL(request.url).pathname);
      const contentType = response.headers.get('content-type') ?? '';
      if (template && /json/.test(contentType)) samples.push({ method: request.method, path: template, status: response.status, contentType, headers: response.headers, body: await response.clone().json() });
      return response;
    };
    const as = (role: keyof typeof KEYS) => clientFor(base, KEYS[role], recording);
    const clients = { operator: as('operator'), executive: as('executive'), admin: as('admin'), auditor: as('auditor'), analyst: as('analyst') };
    await alarmStory(clients);
    await unprofitableStory(clients);
    await retentionStory(clients);
    // A few more routes the stories do not touch.
    const service = clientFor(base, KEYS.service, recording);
    await service.GET('/v1/events', { params: { query: { limit: 5 } } });
    await service.GET('/v1/events/schemas');
    await service.GET('/v1/events/asyncapi.json');
    await clients.analyst.GET('/v1/analytics/clients', { params: { query: { limit: '2', currency: 'EUR' } } });
    await clients.analyst.GET('/v1/analytics/default-rate', { params: { query: { from: '2026-01', to: '2026-03', currency: 'EUR' } } });
    await clients.analyst.GET('/v1/analytics/revenue-per-client', { params: { query: { from: '2026-01', to: '2026-03', currency: 'USD' } } });
    await clients.analyst.GET('/v1/analytics/sales-reps', { params: { query: { from: '2026-01', to: '2026-03', currency: 'EUR' } } });
    await clients.analyst.GET('/v1/analytics/forecast', { params: { query: { months: '3', currency: 'EUR' } } });
    await clients.analyst.GET('/v1/analytics/cohorts', { params: { query: { from: '2026-01', to: '2026-03', currency: 'EUR' } } });
    // Two currencies in use and none named: 400 currency-required.
    await clients.analyst.GET('/v1/analytics/cohorts', { params: { query: { from: '2026-01', to: '2026-03' } } });
    await clients.analyst.GET('/v1/projections');
    await clients.auditor.GET('/v1/cases');
    // The work queues once their read model holds the stories (rows, not just empty pages, validated).
    const { data: head } = (await service.GET('/v1/events/head')) as { data: { position: string } };
    const caughtUp = { params: { query: { minPosition: head.position } } };
    await clients.operator.GET('/v1/work-queues', caughtUp);
    for (const queue of ['in-default', 'suspensions-due', 'unprofitable-without-case', 'open-cases', 'pending-cancellations', 'notices-ending'] as const) await clients.operator.GET(`/v1/work-queues/${queue}`, caughtUp);
    await clients.executive.GET('/v1/work-queues/approvals', caughtUp);
    await clients.operator.GET('/v1/subscribers/{id}', { params: { path: { id: 'nobody' } } });
    await clients.operator.GET('/v1/analytics/churn');
    await clients.operator.POST('/v1/subscribers/{id}/payments', { params: { path: { id: 'client-alarm-1' } }, body: { invoiceId: '', amount: -1 } as never });
    await clientFor(base, KEYS.operator, recording).GET('/health');
    // Audit evidence: a signed checkpoint, the list, the public keys.
    await clients.admin.POST('/v1/audit/checkpoints');
    await clients.auditor.GET('/v1/audit/checkpoints/{id}', { params: { path: { id: '1' } } });
    await clients.auditor.GET('/v1/audit/checkpoints', { params: { query: { limit: '1' } } });
    await clients.auditor.GET('/v1/audit/public-key');
    // The access log of those reads (admin), one entry a page so nextCursor is sampled too.
    await clients.admin.GET('/v1/audit/access-log', { params: { query: { limit: '1' } } });
    // Webhooks: every route, answers sampled (the target is a closed local port; its failed attempts are logged).
    const adminClient = clients.admin as StoryClient & { PATCH(path: string, init?: object): Promise<unknown>; DELETE(path: string, init?: object): Promise<unknown> };
    const { data: hook } = (await adminClient.POST('/v1/webhooks', { body: { url: 'http://127.0.0.1:9/hook', types: ['SubscriberEnrolled'] } })) as { data: { id: string } };
    const byId = { params: { path: { id: hook.id } } };
    await adminClient.POST('/v1/webhooks', { body: { url: 'ftp://example.com/' } });
    await adminClient.GET('/v1/webhooks');
    await adminClient.GET('/v1/webhooks/{id}', byId);
    await adminClient.PATCH('/v1/webhooks/{id}', { ...byId, body: { status: 'disabled' } });
    await adminClient.POST('/v1/webhooks/{id}/secret-rotation', byId);
    await adminClient.POST('/v1/webhooks/{id}/replay', { ...byId, body: { after: '0' } });
    await adminClient.GET('/v1/webhooks/{id}/attempts', { ...byId, params: { ...byId.params, query: { limit: 5 } } });
    await adminClient.GET('/v1/projections');
    await adminClient.DELETE('/v1/webhooks/{id}', byId);
    await adminClient.GET('/v1/webhooks/{id}', byId);
  }, 120_000);

  it('sampled real answers validate against the schemas the document declares for them', () => {
    expect(samples.length).toBeGreaterThan(40);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ $id: 'openapi', components: doc.components });
    // `$ref: #/components/...` inside the components resolves against the document added above.
    const resolve = (schema: unknown): object => JSON.parse(JSON.stringify(schema).replace(/"#\/components\//g, '"openapi#/components/')) as object;
    // The check has teeth: an answer missing required fields or with a wrong type is refused.
    expect(ajv.validate(resolve({ $ref: '#/components/schemas/SubscriberView' }), { subscriberId: 's' })).toBe(false);
    expect(ajv.validate(resolve({ $ref: '#/components/schemas/ProblemDto' }), { type: 'x', title: 'y', status: '404', detail: 'z', code: 'c' })).toBe(false);
    const seen = new Set<string>();
    for (const s of samples) {
      const op = doc.paths[s.path]![s.method.toLowerCase()]!;
      const response = op.responses[String(s.status)];
      expect({ route: `${s.method} ${s.path}`, status: s.status, declared: response !== undefined }).toEqual({ route: `${s.method} ${s.path}`, status: s.status, declared: true });
      const media = s.contentType.split(';')[0]!.trim();
      const schema = response!.content?.[media]?.schema;
      expect({ route: `${s.method} ${s.path}`, status: s.status, media, declared: schema !== undefined }).toEqual({ route: `${s.method} ${s.path}`, status: s.status, media, declared: true });
      const valid = ajv.validate(resolve(schema), s.body);
      expect({ route: `${s.method} ${s.path}`, status: s.status, errors: valid ? null : ajv.errors }).toEqual({ route: `${s.method} ${s.path}`, status: s.status, errors: null });
      // The headers declared for this answer are on it (Content-Disposition belongs to CSV only).
      const declaredHeaders = Object.keys(response!.headers ?? {}).filter((h) => h !== 'Content-Disposition');
      expect({ route: `${s.method} ${s.path}`, status: s.status, missing: declaredHeaders.filter((h) => !s.headers.has(h)) }).toEqual({ route: `${s.method} ${s.path}`, status: s.status, missing: [] });
      seen.add(`${s.method} ${s.path} ${s.status}`);
    }
    for (const expected of ['POST /v1/webhooks 201', 'POST /v1/webhooks 400', 'GET /v1/webhooks/{id}/attempts 200', 'POST /v1/webhooks/{id}/replay 200', 'GET /v1/webhooks/{id} 404', 'POST /v1/subscribers 201', 'GET /v1/subscribers/{id} 200', 'GET /v1/subscribers/{id} 404', 'POST /v1/subscribers/{id}/complaints 412', 'GET /v1/events 200', 'GET /v1/analytics/churn 403', 'POST /v1/subscribers/{id}/payments 400', 'POST /v1/audit/checkpoints 201', 'GET /v1/audit/checkpoints 200', 'GET /v1/audit/public-key 200', 'GET /v1/audit/access-log 200']) {
      expect([expected, seen.has(expected)]).toEqual([expected, true]);
    }
  });
});

/** The document's path template a concrete path matches (`/v1/cases/k1` → `/v1/cases/{id}`). */
function templateOf(doc: Doc, method: string, path: string): string | undefined {
  return Object.keys(doc.paths).find((template) => {
    if (!doc.paths[template]![method.toLowerCase()]) return false;
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return pattern.test(path);
  });
}
