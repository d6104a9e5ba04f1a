import { createHash } from 'node:crypto';

/** prevHash of the first event of every stream. */
export const ZERO_HASH = '0'.repeat(64);

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

/** The part of an event that the chain protects (domain.md §7). */
export interface HashedContent {
  type: string;
  data: unknown;
  occurredAt: string;
  version: number;
}

/** SHA-256 (hex) over prevHash followed by the canonical JSON of {type, data, occurredAt, version}. */
export function computeHash(prevHash: string, content: HashedContent): string {
  return hashWithCanonicalData(prevHash, content.type, canonicalJson(content.data), content.occurredAt, content.version);
}

/**
 * {@link computeHash} for data already in canonical JSON. The keys of the hashed object in sorted
 * order are data, occurredAt, type, version, so its canonical form can be assembled directly.
 */
export function hashWithCanonicalData(prevHash: string, type: string, dataJson: string, occurredAt: string, version: number): string {
  return createHash('sha256')
    .update(prevHash)
    .update(`{"data":${dataJson},"occurredAt":${JSON.stringify(occurredAt)},"type":${JSON.stringify(type)},"version":${version}}`)
    .digest('hex');
}

/** Result of recomputing a stream's chain. */
export interface ChainVerification {
  valid: boolean;
  /** Number of events checked. */
  events: number;
  /** First version whose stored prevHash/hash or numbering does not match the recomputation. */
  brokenAtVersion?: number;
  reason?: 'hash-mismatch' | 'prev-hash-mismatch' | 'missing-version';
}

/**
 * Incremental verifier, so a stream can be checked while it is streamed page by page
 * (memory does not grow with the stream's length).
 */
export class ChainVerifier {
  private prevHash = ZERO_HASH;
  private expectedVersion = 0;
  private count = 0;
  private broken?: { version: number; reason: NonNullable<ChainVerification['reason']> };

  /** Feeds the next event in stream order; returns false once the chain is broken. */
  push(event: HashedContent & { metadata: { prevHash?: unknown; hash?: unknown } }): boolean {
    if (this.broken) return false;
    this.count++;
    if (event.version !== this.expectedVersion) {
      this.broken = { version: this.expectedVersion, reason: 'missing-version' };
      return false;
    }
    if (event.metadata.prevHash !== this.prevHash) {
      this.broken = { version: event.version, reason: 'prev-hash-mismatch' };
      return false;
    }
    const hash = computeHash(this.prevHash, event);
    if (event.metadata.hash !== hash) {
      this.broken = { version: event.version, reason: 'hash-mismatch' };
      return false;
    }
    this.prevHash = hash;
    this.expectedVersion++;
    return true;
  }

  /**
   * The verdict. `expectedLastVersion` (the stream's recorded version) catches events deleted
   * from the end of a stream, which a chain alone cannot see.
   */
  result(expectedLastVersion?: number): ChainVerification {
    if (this.broken) return { valid: false, events: this.count, brokenAtVersion: this.broken.version, reason: this.broken.reason };
    if (expectedLastVersion !== undefined && expectedLastVersion !== this.expectedVersion - 1) {
      return { valid: false, events: this.count, brokenAtVersion: this.expectedVersion, reason: 'missing-version' };
    }
    return { valid: true, events: this.count };
  }
}
