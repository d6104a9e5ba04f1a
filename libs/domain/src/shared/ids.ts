import { createHash } from 'node:crypto';

/** Namespace of every id this library derives (a fixed, random UUID). */
const DOMAIN_ID_NAMESPACE = '5b0f1c1e-7d3a-4f57-9a43-2f1c3c7e8a90';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function isUuid(s: string): boolean {
  return UUID_RE.test(s);
}

function uuidBytes(uuid: string): Buffer {
  return Buffer.from(uuid.replace(/-/g, ''), 'hex');
}

/** RFC 4122 / 9562 UUID version 5 (SHA-1 of namespace + name). */
function uuidV5(namespace: string, name: string): string {
  if (!isUuid(namespace)) throw new TypeError(`uuidV5: namespace must be a UUID, got ${namespace}`);
  const hash = createHash('sha1').update(uuidBytes(namespace)).update(name, 'utf8').digest();
  const b = Buffer.from(hash.subarray(0, 16));
  b[6] = (b[6]! & 0x0f) | 0x50; // version 5
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC variant
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * A deterministic UUID (v5) for `parts` within `namespace`: the same inputs always give the same id,
 * so a process manager replayed after a crash produces the same command and event ids and the store
 * (or the idempotency table) recognises the repeat. `namespace` is a UUID or any name (e.g. the
 * process manager's name), which is first hashed into the library's namespace.
 *
 * @example deterministicId('retention-on-cancellation', sourceEventId, 'open-case')
 */
export function deterministicId(namespace: string, ...parts: ReadonlyArray<string | number>): string {
  const ns = isUuid(namespace) ? namespace.toLowerCase() : uuidV5(DOMAIN_ID_NAMESPACE, namespace);
  return uuidV5(ns, JSON.stringify(parts.map(String)));
}

/**
 * Ids for the events one command produced: `deterministicId(commandId, index)`. Give them to the
 * store as event ids so that re-running the same command (same commandId) is recognised.
 */
export function eventIdsFor(commandId: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => deterministicId(commandId, i));
}
