/**
 * The OpenAPI description of request bodies and query strings, read from the class-validator
 * decorators that validate them (no second, hand-kept copy): bounds, enums, patterns, formats and
 * `additionalProperties: false` (the global pipe refuses unknown fields).
 */
import { getMetadataStorage } from 'class-validator';
import { CONTRACT_TYPES, CURRENCIES } from '@libs/domain';
import type { JsonSchema } from './json-schema.js';

interface Rule {
  type: string;
  name?: string;
  propertyName: string;
  constraints?: unknown[];
  each?: boolean;
}

/** A kit type as a JSON Schema fragment: its type, bounds, pattern and format (the DTO keeps its own words). */
function fragment(schema: (typeof CONTRACT_TYPES)[keyof typeof CONTRACT_TYPES]): JsonSchema {
  const { description: _description, title: _title, ...rest } = JSON.parse(JSON.stringify(schema)) as JsonSchema;
  return rest;
}

/** What one validator says about the value it checks, as JSON Schema keywords. */
function keywords(rule: Rule): JsonSchema | null {
  const c = rule.constraints ?? [];
  switch (rule.name ?? rule.type) {
    case 'isIn':
      return { enum: [...(c[0] as unknown[])] };
    case 'matches':
      return { type: 'string', pattern: (c[0] as RegExp).source };
    case 'maxLength':
      return { maxLength: c[0] };
    case 'minLength':
      return { minLength: c[0] };
    case 'isBoolean':
      return { type: 'boolean' };
    case 'isInt':
      return { type: 'integer' };
    case 'min':
      return { minimum: c[0] };
    case 'max':
      return { maximum: c[0] };
    case 'isText': {
      if (typeof c[0] !== 'number') return fragment(CONTRACT_TYPES[c[0] as 'line' | 'anyLine' | 'text' | 'anyText']);
      return { type: 'string', maxLength: c[0], ...(c[1] === true ? {} : { minLength: 1, pattern: '\\S' }) };
    }
    case 'isAggregateId':
      return fragment(CONTRACT_TYPES.aggregateId);
    case 'isInstant':
      return fragment(CONTRACT_TYPES.instant);
    case 'isCalendarDate':
      return fragment(CONTRACT_TYPES.calendarDate);
    case 'isPeriod':
      return fragment(CONTRACT_TYPES.period);
    case 'isMinorUnits':
      return { ...fragment(c[0] === 1 ? CONTRACT_TYPES.positiveMoney : CONTRACT_TYPES.money), description: 'integer minor units (cents)' };
    case 'isCount':
      return fragment(CONTRACT_TYPES[c[0] as 'noticeDays' | 'minutes']);
    case 'isCurrency':
      return { type: 'string', enum: [...CURRENCIES] };
    default:
      return null;
  }
}

/** Array-level validators (they describe the array, not its items). */
function arrayKeywords(rule: Rule): JsonSchema | null {
  const c = rule.constraints ?? [];
  // class-validator files its built-in array checks as custom validations by name.
  switch (rule.name ?? rule.type) {
    case 'arrayMaxSize':
      return { maxItems: c[0] };
    case 'arrayMinSize':
      return { minItems: c[0] };
    case 'arrayUnique':
      return { uniqueItems: true };
    case 'isArray':
      return { type: 'array' };
    default:
      return null;
  }
}

/** Merges `extra` into `schema` (a property or a parameter's schema); a `$ref` stays untouched. */
function merge(schema: JsonSchema, extra: JsonSchema): void {
  if ('$ref' in schema || schema.allOf) return;
  Object.assign(schema, extra);
  // An enum says the type; Nest writes numbers for enums it cannot type.
  if (Array.isArray(extra.enum) && typeof extra.enum[0] === 'string') schema.type = 'string';
}

/** The validation rules of a class by property, inherited ones included. */
export function rulesOf(target: Function): Map<string, Rule[]> {
  const storage = getMetadataStorage() as unknown as { getTargetValidationMetadatas(t: Function, s: string, a: boolean, b: boolean): Rule[] };
  const byProperty = new Map<string, Rule[]>();
  for (const rule of storage.getTargetValidationMetadatas(target, '', true, false)) {
    byProperty.set(rule.propertyName, [...(byProperty.get(rule.propertyName) ?? []), rule]);
  }
  return byProperty;
}

/** Adds the validators' constraints to a property's (or parameter's) schema. */
export function describe(schema: JsonSchema, rules: readonly Rule[]): void {
  for (const rule of rules) {
    const whole = arrayKeywords(rule);
    if (whole) {
      merge(schema, whole);
      continue;
    }
    const part = keywords(rule);
    if (!part) continue;
    if (rule.each) {
      const items = (schema.items as JsonSchema | undefined) ?? {};
      schema.items = items;
      merge(items, part);
    } else merge(schema, part);
  }
}

/** Every class that carries validators, by name: the DTO components of the document. */
function validatedClasses(): Map<string, Function> {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<Function, unknown[]> };
  const out = new Map<string, Function>();
  for (const target of storage.validationMetadatas.keys()) if (typeof target === 'function') out.set(target.name, target);
  return out;
}

/**
 * Completes the DTO components: each property gets its validators' bounds, enums, patterns and
 * formats, and the object `additionalProperties: false`.
 */
export function describeComponents(schemas: Record<string, JsonSchema>): void {
  const classes = validatedClasses();
  for (const [name, schema] of Object.entries(schemas)) {
    const target = classes.get(name);
    if (!target || schema.type !== 'object') continue;
    schema.additionalProperties = false;
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const [property, rules] of rulesOf(target)) {
      const p = properties[property];
      if (p) describe(p, rules);
    }
  }
}
