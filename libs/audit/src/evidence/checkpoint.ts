import { canonicalJson } from '@libs/sql';
import { signBytes, verifyBytes, type SigningKey } from './keys.js';

/** A signed checkpoint, exactly the JSON of api.md (and of the CLI's `--checkpoint <file>`). */
export interface Checkpoint {
  /** The log's head position when it was taken: every event at or before it is covered. */
  position: string;
  /** When it was signed (ISO-8601 UTC). */
  at: string;
  /** Number of streams (leaves). */
  streams: number;
  /** Merkle root (hex) over every stream's (streamId, version, hash) head; see merkle.ts. */
  headsRoot: string;
  keyId: string;
  /** Base64 Ed25519 signature of {@link checkpointMessage}. */
  signature: string;
}

export type UnsignedCheckpoint = Omit<Checkpoint, 'signature'>;

/**
 * The bytes signed: UTF-8 of the canonical JSON (keys sorted, no whitespace) of
 * `{at, headsRoot, keyId, position, streams}`.
 */
export function checkpointMessage(c: UnsignedCheckpoint): string {
  return canonicalJson({ at: c.at, headsRoot: c.headsRoot, keyId: c.keyId, position: c.position, streams: c.streams });
}

export function signCheckpoint(body: Omit<UnsignedCheckpoint, 'keyId'>, key: SigningKey): Checkpoint {
  const unsigned = { position: body.position, at: body.at, streams: body.streams, headsRoot: body.headsRoot, keyId: key.keyId };
  return { ...unsigned, signature: signBytes(key, checkpointMessage(unsigned)) };
}

export function verifyCheckpointSignature(c: Checkpoint, publicKeyPem: string): boolean {
  return verifyBytes(publicKeyPem, checkpointMessage(c), c.signature);
}

/** Throws with what is wrong unless `value` is a checkpoint (a kept file, an answer). */
export function parseCheckpoint(value: unknown): Checkpoint {
  const c = value as Record<string, unknown>;
  const problems: string[] = [];
  if (!c || typeof c !== 'object' || Array.isArray(c)) throw new Error('a checkpoint is a JSON object {position, at, streams, headsRoot, keyId, signature}');
  if (typeof c.position !== 'string' || !/^(0|[1-9][0-9]*)$/.test(c.position)) problems.push('position must be a decimal string');
  if (typeof c.at !== 'string' || Number.isNaN(Date.parse(c.at))) problems.push('at must be an ISO-8601 instant');
  if (typeof c.streams !== 'number' || !Number.isSafeInteger(c.streams) || c.streams < 0) problems.push('streams must be a non-negative integer');
  if (typeof c.headsRoot !== 'string' || !/^[0-9a-f]{64}$/.test(c.headsRoot)) problems.push('headsRoot must be 64 hex digits');
  if (typeof c.keyId !== 'string' || !/^[0-9a-f]{32}$/.test(c.keyId)) problems.push('keyId must be 32 hex digits');
  if (typeof c.signature !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(c.signature)) problems.push('signature must be base64');
  if (problems.length > 0) throw new Error(`not a checkpoint: ${problems.join('; ')}`);
  return { position: c.position as string, at: c.at as string, streams: c.streams as number, headsRoot: c.headsRoot as string, keyId: c.keyId as string, signature: c.signature as string };
}
