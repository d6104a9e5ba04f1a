/**
 * JSON Schemas (OpenAPI 3.1 = JSON Schema 2020-12) of what the read routes answer. Request bodies
 * and query strings are described from the validators themselves (validator-schema.ts); answers
 * have no validator, so each resource declares its own once (the files merged here), and
 * test/openapi checks sampled real answers against them. Answers may gain fields (readers ignore
 * unknown ones), so these objects stay open.
 */
import { ACCESS_LOG_SCHEMAS } from '../../audit/access-log-schema.js';
import { WORK_QUEUE_SCHEMAS } from '../../work-queues/work-queue-schemas.js';
import { ANALYTICS_SCHEMAS } from './analytics-schemas.js';
import type { JsonSchema } from './json-schema.js';
import { LIFECYCLE_SCHEMAS } from './lifecycle-schemas.js';
import { LOG_SCHEMAS } from './log-schemas.js';
import { OPERATOR_SCHEMAS } from './operator-schemas.js';

/** Every answer body, by component name: each resource declares its own in the files above. */
export const RESPONSE_SCHEMAS: Record<string, JsonSchema> = {
  ...LOG_SCHEMAS,
  ...ACCESS_LOG_SCHEMAS,
  ...LIFECYCLE_SCHEMAS,
  ...WORK_QUEUE_SCHEMAS,
  ...ANALYTICS_SCHEMAS,
  ...OPERATOR_SCHEMAS,
};
