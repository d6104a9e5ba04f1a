/**
 * Builders of the JSON Schemas (OpenAPI 3.1 = JSON Schema 2020-12) that describe the service's
 * answers, shared by every file that declares answer schemas so their conventions (open objects,
 * required unless listed optional, nullable enums listing null) are written once.
 */
export type JsonSchema = Record<string, unknown>;

export const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
export const str = (extra: JsonSchema = {}): JsonSchema => ({ type: 'string', ...extra });
export const int = (extra: JsonSchema = {}): JsonSchema => ({ type: 'integer', ...extra });
export const num = (extra: JsonSchema = {}): JsonSchema => ({ type: 'number', ...extra });
export const bool: JsonSchema = { type: 'boolean' };
export const arr = (items: JsonSchema, extra: JsonSchema = {}): JsonSchema => ({ type: 'array', items, ...extra });
/** A string from a closed vocabulary (the domain's `DOMAIN_VALUES`). */
export const oneOf = (values: readonly string[]): JsonSchema => str({ enum: [...values] });

/** `schema` or null. */
export const orNull = (schema: JsonSchema): JsonSchema => {
  if (typeof schema.type !== 'string') return { oneOf: [schema, { type: 'null' }] };
  // An enum must list null too, or `type` admits a null that `enum` then refuses.
  return { ...schema, type: [schema.type, 'null'], ...(Array.isArray(schema.enum) ? { enum: [...schema.enum, null] } : {}) };
};

/** An object whose properties are all required except `optional`; open, since answers may gain fields. */
export function obj(properties: Record<string, JsonSchema>, optional: readonly string[] = [], extra: JsonSchema = {}): JsonSchema {
  return { type: 'object', properties, required: Object.keys(properties).filter((k) => !optional.includes(k)), ...extra };
}

export const money = int({ description: 'integer minor units (cents) of the currency' });
export const count = int({ minimum: 0 });
export const instant = str({ format: 'date-time' });
export const date = str({ format: 'date', description: 'calendar date YYYY-MM-DD' });
export const nextCursor = str({ description: 'the cursor of the next page; absent on the last page' });
