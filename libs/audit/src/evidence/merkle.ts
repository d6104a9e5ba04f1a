import { createHash } from 'node:crypto';

/**
 * The Merkle tree of a checkpoint (docs/auditors.md "Checkpoints"): one leaf per stream, its head
 * `(streamId, version, hash)`, leaves sorted by streamId (code-unit order; stream names are ASCII,
 * so this is byte order too).
 *
 * - leaf  = SHA-256(0x00 ‖ UTF-8 of JSON.stringify([streamId, version, hash]))
 * - node  = SHA-256(0x01 ‖ left ‖ right), over the two 32-byte digests
 * - levels are built left to right by pairing neighbours; an odd last node is carried up
 *   unchanged (never paired with itself, so no two leaf lists share a root);
 * - the root of no leaves is SHA-256 of nothing; digests are written as lower-case hex.
 * The 0x00/0x01 prefixes keep a leaf from ever being read as a node (RFC 6962's rule).
 */
export interface Head {
  streamId: string;
  version: number;
  hash: string;
}

export const EMPTY_ROOT = createHash('sha256').digest('hex');

export function leafHash(head: Head): Buffer {
  return createHash('sha256')
    .update(Buffer.from([0]))
    .update(JSON.stringify([head.streamId, head.version, head.hash]))
    .digest();
}

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  return createHash('sha256').update(Buffer.from([1])).update(left).update(right).digest();
}

/** Orders heads by stream name, the order the tree is built in. */
export function byStreamId(a: { streamId: string }, b: { streamId: string }): number {
  return a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0;
}

function nextLevel(level: Buffer[]): Buffer[] {
  const up: Buffer[] = new Array(Math.ceil(level.length / 2));
  for (let i = 0; i + 1 < level.length; i += 2) up[i / 2] = nodeHash(level[i], level[i + 1]);
  if (level.length % 2 === 1) up[up.length - 1] = level[level.length - 1];
  return up;
}

/** The root (hex) over heads already sorted by streamId. */
export function merkleRoot(sortedHeads: readonly Head[]): string {
  if (sortedHeads.length === 0) return EMPTY_ROOT;
  let level = sortedHeads.map(leafHash);
  while (level.length > 1) level = nextLevel(level);
  return level[0].toString('hex');
}

/** One step of an inclusion proof: combine with `hash` on that side. */
export interface ProofStep {
  side: 'left' | 'right';
  hash: string;
}

/** The siblings from the leaf at `index` to the root; levels where it is carried up add nothing. */
export function inclusionProof(sortedHeads: readonly Head[], index: number): ProofStep[] {
  if (index < 0 || index >= sortedHeads.length) throw new RangeError(`no leaf ${index} among ${sortedHeads.length}`);
  const steps: ProofStep[] = [];
  let level = sortedHeads.map(leafHash);
  let i = index;
  while (level.length > 1) {
    const sibling = i % 2 === 0 ? i + 1 : i - 1;
    if (sibling < level.length) steps.push({ side: i % 2 === 0 ? 'right' : 'left', hash: level[sibling].toString('hex') });
    level = nextLevel(level);
    i = Math.floor(i / 2);
  }
  return steps;
}

/** Recomputes the root from a head and its proof. */
export function rootFromProof(head: Head, proof: readonly ProofStep[]): string {
  let h = leafHash(head);
  for (const step of proof) {
    const sibling = Buffer.from(step.hash, 'hex');
    h = step.side === 'left' ? nodeHash(sibling, h) : nodeHash(h, sibling);
  }
  return h.toString('hex');
}
