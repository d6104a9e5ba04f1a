import { canonicalJson } from '@libs/sql';
import { signBytes, verifyBytes, type SigningKey } from '../evidence/keys.js';

/** Name of the manifest inside an export directory. */
export const MANIFEST_FILE = 'manifest.json';
/** The signing key's public half, written beside the manifest for convenience (pin your own copy). */
export const EXPORT_PUBLIC_KEY_FILE = 'public-key.pem';
export const EXPORT_FORMAT = 'client-lifecycle-audit-export';

/** One JSON Lines file of an export: a run of the log in position order. */
export interface ExportFile {
  name: string;
  /** SHA-256 (hex) of the file's bytes. */
  sha256: string;
  bytes: number;
  /** Lines = events. */
  events: number;
  /** Positions of its first and last event (inclusive). A file holds at least one event. */
  firstPosition: string;
  lastPosition: string;
}

/**
 * What was exported and how to check it (docs/auditors.md "Export the whole log"). Signed over
 * the canonical JSON (sorted keys, no whitespace) of every member but `signature`.
 */
export interface ExportManifest {
  format: typeof EXPORT_FORMAT;
  formatVersion: 1;
  createdAt: string;
  /**
   * The positions covered: events with `after < position <= until`. `since`/`until` as the
   * auditor typed them (an instant bounds `metadata.recordedAt`, a position bounds the position).
   */
  range: { after: string; until: string; since: string | null; untilRequested: string | null };
  /** True when the export starts at the beginning of the log: every stream's chain starts at version 0. */
  complete: boolean;
  events: number;
  files: ExportFile[];
  /**
   * Checkpoint-like head of what is exported: the Merkle root (merkle.ts) over the last exported
   * event of every stream in the files. For a complete export with no time bound it equals the
   * `headsRoot` of a checkpoint signed at `position`.
   */
  head: { position: string; streams: number; headsRoot: string };
  keyId: string;
  /** Base64 Ed25519 signature of {@link manifestMessage}. */
  signature: string;
}

export type UnsignedManifest = Omit<ExportManifest, 'keyId' | 'signature'>;

/** The bytes signed: the canonical JSON of the manifest without `signature` (with `keyId`). */
function manifestMessage(m: Omit<ExportManifest, 'signature'> & { signature?: string }): string {
  const { signature: _signature, ...rest } = m;
  return canonicalJson(rest);
}

export function signManifest(body: UnsignedManifest, key: SigningKey): ExportManifest {
  const unsigned = { ...body, keyId: key.keyId };
  return { ...unsigned, signature: signBytes(key, manifestMessage(unsigned)) };
}

export function verifyManifestSignature(m: ExportManifest, publicKeyPem: string): boolean {
  return verifyBytes(publicKeyPem, manifestMessage(m), m.signature);
}

/** Throws with what is wrong unless `value` has the shape of a manifest (its signature is checked apart). */
export function parseManifest(value: unknown): ExportManifest {
  const m = value as Record<string, unknown>;
  if (!m || typeof m !== 'object' || Array.isArray(m)) throw new Error('the manifest is not a JSON object');
  const problems: string[] = [];
  if (m.format !== EXPORT_FORMAT) problems.push(`format must be "${EXPORT_FORMAT}"`);
  if (m.formatVersion !== 1) problems.push('formatVersion must be 1');
  if (typeof m.keyId !== 'string' || !/^[0-9a-f]{32}$/.test(m.keyId)) problems.push('keyId must be 32 hex digits');
  if (typeof m.signature !== 'string' || m.signature.length === 0) problems.push('signature missing');
  if (!Array.isArray(m.files)) problems.push('files must be a list');
  else {
    m.files.forEach((f: Record<string, unknown>, i) => {
      if (!f || typeof f.name !== 'string' || !/^[A-Za-z0-9._-]+$/.test(f.name)) problems.push(`files[${i}].name must be a plain file name`);
      else if (typeof f.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(f.sha256)) problems.push(`files[${i}].sha256 must be 64 hex digits`);
      else if (typeof f.events !== 'number' || !Number.isSafeInteger(f.events)) problems.push(`files[${i}].events must be an integer`);
    });
  }
  const head = m.head as Record<string, unknown> | undefined;
  if (!head || typeof head.headsRoot !== 'string' || typeof head.streams !== 'number' || typeof head.position !== 'string') problems.push('head must be {position, streams, headsRoot}');
  const range = m.range as Record<string, unknown> | undefined;
  if (!range || typeof range.after !== 'string' || typeof range.until !== 'string') problems.push('range must be {after, until, …}');
  if (typeof m.complete !== 'boolean') problems.push('complete must be true or false');
  if (typeof m.events !== 'number') problems.push('events must be an integer');
  if (problems.length > 0) throw new Error(`not an export manifest: ${problems.join('; ')}`);
  return m as unknown as ExportManifest;
}
