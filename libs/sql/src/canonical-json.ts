/**
 * Canonical JSON (keys sorted, no whitespace): the form the integrity chain hashes, the audit
 * manifests sign and the stores hand to jsonb, so one serialiser gives one byte string everywhere.
 */

/** A value the strict serialiser refuses: it would not read back exactly as written. */
export class NonJsonValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonJsonValueError';
  }
}

/**
 * Canonical JSON: JSON.stringify with object keys sorted by UTF-16 code units, recursively,
 * no whitespace. Arrays keep their order. Only JSON values are accepted (the store validates
 * data before hashing), so `undefined` members are dropped exactly as JSON.stringify drops them.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record)
    .filter((k) => record[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`).join(',')}}`;
}

/**
 * Serialises `value` as canonical JSON (keys sorted, no whitespace) while checking that it is
 * plain JSON (null, boolean, finite number, string, array, plain object) without cycles: what is
 * stored must read back exactly as written, so anything JSON.stringify would silently change
 * (Date, Map, NaN, undefined in arrays, class instances) is refused with {@link NonJsonValueError}.
 * One pass serves validation, hashing and the database parameter.
 */
export function toCanonicalJson(value: unknown, label = 'data'): string {
  const seen = new Set<object>();
  const trail: Array<string | number> = [];
  const fail = (problem: string): never => {
    const where = trail.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('');
    throw new NonJsonValueError(`${label}${where} ${problem}`);
  };
  const walk = (v: unknown): string => {
    if (v === null) return 'null';
    switch (typeof v) {
      case 'boolean':
        return v ? 'true' : 'false';
      case 'number':
        if (!Number.isFinite(v)) fail('is not a finite number');
        return JSON.stringify(v);
      case 'string':
        if (!isStorableString(v)) fail('contains a NUL character or a lone surrogate');
        return JSON.stringify(v);
      case 'object':
        break;
      default:
        return fail(`is a ${typeof v}, not JSON`);
    }
    const obj = v as object;
    if (seen.has(obj)) fail('is a circular reference');
    seen.add(obj);
    let out: string;
    if (Array.isArray(obj)) {
      const parts: string[] = new Array(obj.length);
      for (let i = 0; i < obj.length; i++) {
        trail.push(i);
        if (obj[i] === undefined) fail('is undefined');
        parts[i] = walk(obj[i]);
        trail.pop();
      }
      out = `[${parts.join(',')}]`;
    } else {
      const proto = Object.getPrototypeOf(obj);
      if (proto !== Object.prototype && proto !== null) fail(`is a ${proto?.constructor?.name ?? 'non-plain'} object, not JSON`);
      const record = obj as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      const parts: string[] = [];
      for (const key of keys) {
        const item = record[key];
        if (item === undefined) continue;
        trail.push(key);
        if (!isStorableString(key)) fail('is a key with a NUL character or a lone surrogate');
        parts.push(`${JSON.stringify(key)}:${walk(item)}`);
        trail.pop();
      }
      out = `{${parts.join(',')}}`;
    }
    seen.delete(obj);
    return out;
  };
  return walk(value);
}

/** PostgreSQL's jsonb refuses NUL and lone surrogates; refusing them here keeps the error typed instead of a driver error. */
function isStorableString(value: string): boolean {
  return !value.includes('\u0000') && value.isWellFormed();
}

