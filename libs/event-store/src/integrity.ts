import { hash } from 'node:crypto';
import { canonicalJson } from '@libs/sql';

/** prevHash of the first event of every stream. */
export const ZERO_HASH = '0'.repeat(64);

/**
 * The chain version every new append is hashed under (domain.md §7). Version 1 covered
 * `{type, data, occurredAt, version}`; version 2 adds the attested metadata and its own number.
 * Events keep the version they were written under, so a stream may hold both (1s first).
 */
export const CHAIN_VERSION = 2;
export const CHAIN_VERSIONS: readonly number[] = [1, 2];

/** Metadata whose change breaks a version 2 chain: who acted, as whom, and why. */
export const ATTESTED_METADATA = ['actor', 'role', 'correlationId', 'causationId'] as const;

/** The part of an event that the chain protects (domain.md §7). */
export interface HashedContent {
  type: string;
  data: unknown;
  occurredAt: string;
  version: number;
  /** Version 2 hashes the attested members; `chainVersion` (absent: 1) chooses the version. */
  metadata?: Readonly<Record<string, unknown>>;
}

/** The chain version an event was written under: `metadata.chainVersion`, absent meaning 1. */
export function chainVersionOf(metadata: Readonly<Record<string, unknown>> | undefined): number {
  const v = metadata?.chainVersion;
  return v === undefined || v === null ? 1 : typeof v === 'number' ? v : NaN;
}

/**
 * SHA-256 (hex) over prevHash followed by the canonical JSON of the hashed object of the event's
 * chain version (or `chainVersion` when given):
 * - 1: `{type, data, occurredAt, version}`;
 * - 2: `{type, data, occurredAt, version, chainVersion: 2, actor, role, correlationId, causationId}`,
 *   each attested member taken from the metadata, `null` when absent.
 */
export function computeHash(prevHash: string, content: HashedContent, chainVersion = chainVersionOf(content.metadata)): string {
  return hashWithCanonicalData(prevHash, content.type, canonicalJson(content.data), content.occurredAt, content.version, chainVersion, content.metadata);
}

/**
 * {@link computeHash} for data already in canonical JSON. The hashed object's keys in sorted order
 * are (v1) data, occurredAt, type, version and (v2) actor, causationId, chainVersion,
 * correlationId, data, occurredAt, role, type, version, so its canonical form is assembled directly.
 */
export function hashWithCanonicalData(
  prevHash: string,
  type: string,
  dataJson: string,
  occurredAt: string,
  version: number,
  chainVersion = 1,
  metadata?: Readonly<Record<string, unknown>>,
): string {
  const tail = `"data":${dataJson},"occurredAt":${JSON.stringify(occurredAt)}`;
  let body: string;
  if (chainVersion === 1) body = `{${tail},"type":${JSON.stringify(type)},"version":${version}}`;
  else if (chainVersion === 2) {
    const m = metadata ?? {};
    body =
      `{"actor":${attested(m.actor)},"causationId":${attested(m.causationId)},"chainVersion":2,"correlationId":${attested(m.correlationId)},` +
      `${tail},"role":${attested(m.role)},"type":${JSON.stringify(type)},"version":${version}}`;
  } else throw new RangeError(`unknown chain version ${chainVersion}`);
  // One-shot: a Hash object per event costs more than hashing its short body (the bytes are the same UTF-8).
  return hash('sha256', prevHash + body, 'hex');
}

function attested(value: unknown): string {
  return value === undefined ? 'null' : canonicalJson(value);
}

/** Why a chain breaks where it does. */
export type ChainBreak =
  | 'hash-mismatch'
  | 'prev-hash-mismatch'
  | 'missing-version'
  /** Not a chain version this code knows, or a version 1 event after a version 2 one (never written so). */
  | 'chain-version-mismatch';

/** Result of recomputing a stream's chain. */
export interface ChainVerification {
  valid: boolean;
  /** Number of events checked. */
  events: number;
  /** First version whose stored prevHash/hash or numbering does not match the recomputation. */
  brokenAtVersion?: number;
  reason?: ChainBreak;
}

/** The one check of one event against its predecessor; undefined when it holds. */
export function checkLink(
  event: HashedContent & { metadata: Readonly<Record<string, unknown>> },
  expected: { version: number; prevHash: string; chainVersion: number },
): { reason: ChainBreak; hash?: undefined } | { reason?: undefined; hash: string } {
  if (event.version !== expected.version) return { reason: 'missing-version' };
  const chainVersion = chainVersionOf(event.metadata);
  if (!CHAIN_VERSIONS.includes(chainVersion) || chainVersion < expected.chainVersion) return { reason: 'chain-version-mismatch' };
  if (event.metadata.prevHash !== expected.prevHash) return { reason: 'prev-hash-mismatch' };
  const hash = computeHash(expected.prevHash, event, chainVersion);
  if (event.metadata.hash !== hash) return { reason: 'hash-mismatch' };
  return { hash };
}

/**
 * Incremental verifier, so a stream can be checked while it is streamed page by page
 * (memory does not grow with the stream's length).
 */
export class ChainVerifier {
  private prevHash = ZERO_HASH;
  private expectedVersion = 0;
  private chainVersion = 1;
  private count = 0;
  private broken?: { version: number; reason: ChainBreak };

  /** Feeds the next event in stream order; returns false once the chain is broken. */
  push(event: HashedContent & { metadata: Readonly<Record<string, unknown>> }): boolean {
    if (this.broken) return false;
    this.count++;
    const link = checkLink(event, { version: this.expectedVersion, prevHash: this.prevHash, chainVersion: this.chainVersion });
    if (link.reason) {
      this.broken = { version: link.reason === 'missing-version' ? this.expectedVersion : event.version, reason: link.reason };
      return false;
    }
    this.prevHash = link.hash;
    this.chainVersion = chainVersionOf(event.metadata);
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
