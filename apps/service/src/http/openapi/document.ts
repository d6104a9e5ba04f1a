import 'reflect-metadata';
import { RequestMethod, type INestApplication } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { ModulesContainer } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { eventJsonSchemas } from '@libs/domain';
import { STREAM_NAME_PATTERN } from '@libs/event-store';
import { FEED_MAX_LIMIT } from '../../feed/feed-query.js';
import { BEARER_SCHEME } from '../openapi-constants.js';
import { OPERATIONS, TAGS, tagOf, type Media } from './operations.js';
import { ref, type JsonSchema } from './json-schema.js';
import { RESPONSE_SCHEMAS } from './response-schemas.js';
import { describe, describeComponents, rulesOf } from './validator-schema.js';

const QUERY_PARAM = 4; // RouteParamtypes.QUERY: `@Query()` in ROUTE_ARGS_METADATA keys `4:<index>`
const PROBLEM = 'ProblemDto';

const PROBLEM_TEXT: Record<number, string> = {
  400: 'invalid input: `errors` lists the fields (body, query, path or header)',
  401: 'missing or unknown API key',
  403: 'the key has no role allowed here',
  404: 'unknown subscriber, case or projection',
  409: 'a domain rule (`code`), `concurrency-conflict` (retries exhausted, no If-Match) or `idempotency-key-in-use`',
  412: '`concurrency-conflict`: the If-Match version is stale',
  413: 'body over 64 kB',
  415: 'body is not application/json',
  422: '`idempotency-key-reused`: the same Idempotency-Key with another body',
  429: 'the key\'s rate limit is spent: see Retry-After and RateLimit',
  503: 'a dependency (event store, database, projection engine) is unavailable; retry later',
};

/** Response headers the service sends, as components (`#/components/headers/...`). */
const HEADERS: Record<string, { description: string; schema: JsonSchema }> = {
  XRequestId: { description: 'the request id (yours when sane, else a UUID); a problem quotes it as `instance`', schema: { type: 'string', maxLength: 128 } },
  RateLimit: { description: 'IETF RateLimit: `"per-key";r=<remaining>;t=<seconds to reset>`', schema: { type: 'string', example: '"per-key";r=59987;t=42' } },
  RateLimitPolicy: { description: 'IETF RateLimit-Policy: `"per-key";q=<quota>;w=<window seconds>`', schema: { type: 'string', example: '"per-key";q=60000;w=60' } },
  RetryAfter: { description: 'seconds to wait before retrying', schema: { type: 'integer', minimum: 0 } },
  ETag: { description: 'the aggregate\'s stream version as an entity tag: send it back as If-Match', schema: { type: 'string', example: '"3"' } },
  Location: { description: 'the created aggregate', schema: { type: 'string', example: '/v1/subscribers/sub-42' } },
  Vary: { description: 'the representation depends on Accept', schema: { type: 'string', example: 'Accept' } },
  ContentDisposition: { description: 'CSV answers are attachments, e.g. `attachment; filename="churn-2026-01-2026-11.csv"`', schema: { type: 'string' } },
};
const header = (name: keyof typeof HEADERS) => ({ $ref: `#/components/headers/${name}` });

type Operation = {
  operationId?: string;
  summary?: string;
  tags?: string[];
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: string; required?: boolean; description?: string; schema?: JsonSchema }>;
  requestBody?: unknown;
  responses: Record<string, { description?: string; headers?: Record<string, unknown>; content?: Record<string, { schema?: JsonSchema; example?: unknown }> }>;
};

/** `@Query()` DTO class of every route, by `METHOD /path` (from Nest's own route metadata). */
function queryDtos(app: INestApplication): Map<string, Function> {
  const out = new Map<string, Function>();
  const join = (...parts: string[]) => `/${parts.map((p) => p.replace(/^\/+|\/+$/g, '')).filter(Boolean).join('/')}`.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const cls = wrapper.metatype as (new (...args: unknown[]) => unknown) | null;
      if (!cls) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, cls) ?? '');
      for (const name of Object.getOwnPropertyNames(cls.prototype)) {
        const handler = (cls.prototype as Record<string, unknown>)[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        if (method === undefined) continue;
        const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, cls, name) ?? {}) as Record<string, { index: number; data?: unknown }>;
        const types = (Reflect.getMetadata('design:paramtypes', cls.prototype, name) ?? []) as Function[];
        for (const [key, arg] of Object.entries(args)) {
          if (Number(key.split(':')[0]) !== QUERY_PARAM || arg.data !== undefined) continue;
          const dto = types[arg.index];
          if (dto && dto !== Object) out.set(`${RequestMethod[method]} ${join(base, String(Reflect.getMetadata(PATH_METADATA, handler) ?? ''))}`, dto);
        }
      }
    }
  }
  return out;
}

function problemResponse(status: number, description?: string) {
  return { description: description ?? PROBLEM_TEXT[status] ?? 'a problem', content: { 'application/problem+json': { schema: ref(PROBLEM) } } };
}

function successContent(media: Media, schema: JsonSchema | undefined): Record<string, { schema: JsonSchema }> {
  const json: Record<string, { schema: JsonSchema }> = schema ? { 'application/json': { schema } } : {};
  switch (media) {
    case 'json':
      return json;
    case 'json+csv':
      return { ...json, 'text/csv': { schema: { type: 'string', description: 'the same rows as CSV (an attachment; money columns in minor units)' } } };
    case 'json+ndjson':
      return { ...json, 'application/x-ndjson': { schema: { type: 'string', description: 'JSON Lines: one EventEnvelope per line' } } };
    case 'sse':
      return { 'text/event-stream': { schema: { type: 'string', description: 'Server-Sent Events: `id:` the position, `event:` the type, `data:` the EventEnvelope as JSON' } } };
    case 'text':
      return { 'text/plain': { schema: { type: 'string', description: 'Prometheus text exposition format' } } };
  }
}

const FEED_PARAMETERS = {
  after: { name: 'after', in: 'query', required: false, description: 'exclusive: events after this position (a decimal string); absent = from the beginning', schema: { type: 'string', pattern: '^(0|[1-9][0-9]*)$', example: '1289' } },
  limit: { name: 'limit', in: 'query', required: false, description: `events per page, default 100`, schema: { type: 'integer', minimum: 1, maximum: FEED_MAX_LIMIT, default: 100 } },
  types: { name: 'types', in: 'query', required: false, description: 'comma-separated event types (see getEventSchemas); unknown names are 400', schema: { type: 'string', example: 'ServiceSuspended,ServiceReinstated' } },
  stream: { name: 'stream', in: 'query', required: false, description: 'stream-name prefix: `subscriber-`, `case-` or one stream', schema: { type: 'string', pattern: STREAM_NAME_PATTERN.source, example: 'subscriber-' } },
  lastEventId: { name: 'Last-Event-ID', in: 'header', required: false, description: 'resume after this position (wins over `after`)', schema: { type: 'string', pattern: '^(0|[1-9][0-9]*)$' } },
};

/** Event envelope and every event type's data schema, each version, as components. */
function eventComponents(): Record<string, JsonSchema> {
  const out: Record<string, JsonSchema> = {};
  for (const e of eventJsonSchemas()) {
    const { $schema: _s, $id: _i, ...schema } = e.schema;
    out[e.current ? `${e.type}Data` : `${e.type}DataV${e.schemaVersion}`] = {
      ...schema,
      description: `data of ${e.type}, schema version ${e.schemaVersion}${e.current ? ' (current: what the feed, history and stream carry)' : ' (stored only; upcast on read)'}`,
    };
  }
  return out;
}

/** The headers each answer carries (request id always; rate-limit fields once a key was counted; …). */
function describeHeaders(responses: Operation['responses'], route: { isPublic: boolean; command: boolean; media: Media; aggregate: boolean }): void {
  for (const [status, response] of Object.entries(responses)) {
    const code = Number(status);
    const headers: Record<string, unknown> = { 'X-Request-Id': header('XRequestId') };
    // The guard counts a request after authenticating and authorising it: 2xx, 4xx past 403, 429.
    if (!route.isPublic && code !== 401 && code !== 403) Object.assign(headers, { RateLimit: header('RateLimit'), 'RateLimit-Policy': header('RateLimitPolicy') });
    if (code === 429 || code === 503) headers['Retry-After'] = header('RetryAfter');
    if (code >= 200 && code < 300) {
      if (route.aggregate || route.command) headers.ETag = header('ETag');
      if (code === 201) headers.Location = header('Location');
      if (route.media === 'json+csv' || route.media === 'json+ndjson') headers.Vary = header('Vary');
      if (route.media === 'json+csv') headers['Content-Disposition'] = header('ContentDisposition');
    }
    response.headers = { ...(response.headers ?? {}), ...headers };
  }
}

/** camelCase of a route nobody entered in the table yet (the OpenAPI test refuses those). */
function fallbackId(method: string, path: string): string {
  const words = path.split(/[^A-Za-z0-9]+/).filter(Boolean).map((w) => w[0]!.toUpperCase() + w.slice(1));
  return method.toLowerCase() + words.join('');
}

/**
 * The OpenAPI 3.1 document served at `/docs-json`: Nest's reading of the controllers and DTOs,
 * completed from the validators (bounds, enums, patterns, formats, closed objects), the operations
 * table (operationIds, answers, media types) and the event contracts.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setOpenAPIVersion('3.1.0')
    .setTitle('client-lifecycle')
    .setDescription(
      "Event-sourced lifecycle of a subscription business's clients. Errors are application/problem+json " +
        '`{type, title, status, detail, code, errors?, instance}`; commands accept `If-Match: "<version>"` and `Idempotency-Key`; ' +
        'lists page with `limit`, `cursor` and `nextCursor`. See docs/integrators.md.',
    )
    .setVersion('1')
    .setLicense('UNLICENSED', 'https://choosealicense.com/no-permission/')
    .addServer('/', 'the service that serves this document')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key from API_KEYS (role:key)' }, BEARER_SCHEME)
    .addSecurityRequirements(BEARER_SCHEME);
  for (const tag of TAGS) builder.addTag(tag.name, tag.description);
  const document = SwaggerModule.createDocument(app, builder.build());

  const schemas = (document.components!.schemas ??= {}) as Record<string, JsonSchema>;
  describeComponents(schemas);
  const events = eventComponents();
  Object.assign(schemas, structuredClone(RESPONSE_SCHEMAS), events);
  // The envelope's data is one of the current contracts (older versions are upcast before they leave).
  const envelope = schemas.EventEnvelope as { properties: Record<string, JsonSchema> };
  envelope.properties.data = {
    description: 'the data of `type`, at the current schema version',
    anyOf: Object.keys(events).filter((name) => !/DataV\d+$/.test(name)).map(ref),
  };

  (document.components as { headers?: unknown }).headers = structuredClone(HEADERS);
  const dtos = queryDtos(app);
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, op] of Object.entries(item as Record<string, Operation>)) {
      const key = `${method.toUpperCase()} ${path}`;
      const spec = OPERATIONS[key];
      op.operationId = spec?.id ?? fallbackId(method, path);
      if (!op.summary && spec?.summary) op.summary = spec.summary;
      op.tags = [tagOf(path)];
      const isPublic = tagOf(path) === 'operations';
      if (isPublic) op.security = [];

      if (path === '/v1/events' || path === '/v1/events/stream') {
        const p = FEED_PARAMETERS;
        op.parameters = [p.after, ...(path === '/v1/events' ? [p.limit] : []), p.types, p.stream, ...(path === '/v1/events/stream' ? [p.lastEventId] : [])];
      }
      const dto = dtos.get(key);
      if (dto) {
        const rules = rulesOf(dto);
        for (const param of op.parameters ?? []) if (param.in === 'query' && param.schema) describe(param.schema, rules.get(param.name) ?? []);
      }
      for (const param of op.parameters ?? []) {
        // Path ids: the aggregate-id alphabet the id pipe enforces.
        if (param.in === 'path' && param.name === 'id') param.schema = { type: 'string', minLength: 1, maxLength: 120, pattern: '^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,119}$' };
      }

      const responses = op.responses;
      const okStatus = Object.keys(responses).find((s) => s.startsWith('2')) ?? (method === 'post' ? '201' : '200');
      const ok = (responses[okStatus] ??= { description: 'OK' });
      ok.description ||= 'OK';
      const media = spec?.media ?? 'json';
      if (spec?.ok || media !== 'json') {
        const schema = spec?.ok ? ref(spec.ok) : (ok.content?.['application/json']?.schema as JsonSchema | undefined);
        ok.content = successContent(media, schema);
      }

      const statuses = new Set(Object.keys(responses).map(Number).filter((s) => s >= 400));
      if (!isPublic) for (const s of [401, 403, 429, 503]) statuses.add(s);
      if (!isPublic && ((op.parameters?.length ?? 0) > 0 || op.requestBody)) statuses.add(400);
      if (path.startsWith('/health')) statuses.add(503);
      for (const s of [...statuses].sort()) {
        const existing = responses[String(s)];
        responses[String(s)] = problemResponse(s, existing?.description);
      }
      if (path.startsWith('/health')) responses['503'] = { description: 'not ready: the same Health body with status "error"', content: { 'application/json': { schema: ref('Health') } } };
      const command = method === 'post' && spec !== undefined && spec.ok === undefined;
      describeHeaders(responses, { isPublic, command, media, aggregate: spec?.ok === 'SubscriberView' || spec?.ok === 'CaseView' });
    }
  }
  return document;
}
