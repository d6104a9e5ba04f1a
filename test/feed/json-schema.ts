/**
 * A tiny JSON Schema checker covering what the published event schemas use (type, properties,
 * required, additionalProperties, const, enum, anyOf, items, pattern, string/number bounds), so
 * tests read the schemas as a consumer without TypeBox would. Returns the failing paths.
 */
export function checkJsonSchema(schema: Record<string, unknown>, value: unknown, path = '$'): string[] {
  const errors: string[] = [];
  const s = schema as {
    type?: string;
    properties?: Record<string, Record<string, unknown>>;
    required?: string[];
    additionalProperties?: boolean;
    const?: unknown;
    enum?: unknown[];
    anyOf?: Array<Record<string, unknown>>;
    items?: Record<string, unknown>;
    pattern?: string;
    minLength?: number;
    maxLength?: number;
    minimum?: number;
    maximum?: number;
    minItems?: number;
  };
  if (s.anyOf && !s.anyOf.some((option) => checkJsonSchema(option, value, path).length === 0)) errors.push(`${path}: matches no anyOf option`);
  if ('const' in s && value !== s.const) errors.push(`${path}: not ${JSON.stringify(s.const)}`);
  if (s.enum && !s.enum.includes(value)) errors.push(`${path}: not in enum`);
  switch (s.type) {
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [...errors, `${path}: not an object`];
      const record = value as Record<string, unknown>;
      for (const key of s.required ?? []) if (!(key in record)) errors.push(`${path}.${key}: required`);
      for (const [key, v] of Object.entries(record)) {
        const sub = s.properties?.[key];
        if (sub) errors.push(...checkJsonSchema(sub, v, `${path}.${key}`));
        else if (s.additionalProperties === false) errors.push(`${path}.${key}: not allowed`);
      }
      break;
    }
    case 'array':
      if (!Array.isArray(value)) return [...errors, `${path}: not an array`];
      if (s.minItems !== undefined && value.length < s.minItems) errors.push(`${path}: too few items`);
      if (s.items) value.forEach((v, i) => errors.push(...checkJsonSchema(s.items!, v, `${path}[${i}]`)));
      break;
    case 'string':
      if (typeof value !== 'string') return [...errors, `${path}: not a string`];
      if (s.pattern && !new RegExp(s.pattern, 'u').test(value)) errors.push(`${path}: does not match ${s.pattern}`);
      if (s.minLength !== undefined && value.length < s.minLength) errors.push(`${path}: too short`);
      if (s.maxLength !== undefined && value.length > s.maxLength) errors.push(`${path}: too long`);
      break;
    case 'integer':
    case 'number':
      if (typeof value !== 'number' || (s.type === 'integer' && !Number.isInteger(value))) return [...errors, `${path}: not an ${s.type}`];
      if (s.minimum !== undefined && value < s.minimum) errors.push(`${path}: below minimum`);
      if (s.maximum !== undefined && value > s.maximum) errors.push(`${path}: above maximum`);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push(`${path}: not a boolean`);
      break;
  }
  return errors;
}
