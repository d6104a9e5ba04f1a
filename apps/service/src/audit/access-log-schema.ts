/**
 * JSON Schema (OpenAPI 3.1) of GET /v1/audit/access-log's answer, merged into the document's
 * components with the other answers (http/openapi/response-schemas.ts); test/openapi validates a
 * sampled real answer against it.
 */
import { arr, instant, nextCursor, obj, orNull, str, type JsonSchema } from '../http/openapi/json-schema.js';

const entry = obj({
  id: str({ pattern: '^[1-9][0-9]*$', description: "the entry's number (entries are never changed; old ones are pruned)" }),
  at: instant,
  actor: str({ description: 'API key id, or cli:<user> / AUDIT_ACTOR for the audit CLI', example: 'key-3f2a9c1b' }),
  role: str({ example: 'auditor' }),
  source: str({ enum: ['http', 'cli'] }),
  kind: str({ enum: ['history', 'state-as-of', 'integrity', 'export', 'evidence', 'access-log'] }),
  what: str({ description: 'the request (method and URL with its query) or the CLI command', example: 'GET /v1/subscribers/perez?asOf=2026-02-01T00:00:00Z' }),
  target: orNull(str({ description: 'the aggregate id or stream read; null for the whole log' })),
});

export const ACCESS_LOG_SCHEMAS: Record<string, JsonSchema> = {
  AccessLogPage: obj({ entries: arr(entry), nextCursor }, ['nextCursor'], { description: 'who read what, newest first (domain.md §7 "Reads are accounted for")' }),
};
