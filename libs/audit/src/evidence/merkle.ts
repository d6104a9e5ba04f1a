import { createHash, hash } from 'node:crypto';

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

// One-shot hashing: a tree over 100,000 streams is 200,000 digests, and a Hash object per digest
// cost more than the SHA-256 itself.
export function leafHash(head: Head): Buffer {
  // "\0" is the one byte 0x00 in UTF-8, so this is 0x00 ‖ UTF-8 of the JSON.
  return hash('sha256', `\0${JSON.stringify([head.streamId, head.version, head.hash])}`, 'buffer');
}

const pair = Buffer.alloc(65, 1);

export function nodeHash(left: Buffer, right: Buffer): Buffer {
  left.copy(pair, 1);
  right.copy(pair, 33);
  return hash('sha256', pair, 'buffer');
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
  return merkleRootOfLeaves(sortedHeads.map(leafHash));
}

/** The root (hex) over leaf digests ({@link leafHash}) in stream order: a caller that kept them need not hash them again. */
export function merkleRootOfLeaves(leaves: readonly Buffer[]): string {
  if (leaves.length === 0) return EMPTY_ROOT;
  let level = leaves as Buffer[];
  while (level.length > 1) level = nextLevel(level);
  return level[0].toString('hex');
}

/**
 * The same root as {@link merkleRoot}, over heads handed in one at a time in stream order, holding
 * one digest per level (about 17 at 100,000 streams) instead of every leaf. Pairing neighbours
 * level by level and carrying an odd last node up gives the tree whose left part is the largest
 * power of two below the count (RFC 6962's): a stack of perfect subtrees, merged right to left at
 * the end.
 */
export class MerkleRootBuilder {
  private readonly stack: Array<{ size: number; digest: Buffer }> = [];
  private last?: string;
  count = 0;

  push(head: Head): void {
    this.pushLeaf(head.streamId, leafHash(head));
  }

  /** A head already hashed as a leaf ({@link leafHash}); `streamId` keeps the order checked. */
  pushLeaf(streamId: string, leaf: Buffer): void {
    if (this.last !== undefined && streamId <= this.last) throw new RangeError(`heads out of stream order: ${streamId} after ${this.last}`);
    this.last = streamId;
    this.count++;
    let node = { size: 1, digest: leaf };
    while (this.stack.length > 0 && this.stack[this.stack.length - 1].size === node.size) {
      const left = this.stack.pop()!;
      node = { size: left.size * 2, digest: nodeHash(left.digest, node.digest) };
    }
    this.stack.push(node);
  }

  root(): string {
    if (this.stack.length === 0) return EMPTY_ROOT;
    let digest = this.stack[this.stack.length - 1].digest;
    for (let i = this.stack.length - 2; i >= 0; i--) digest = nodeHash(this.stack[i].digest, digest);
    return digest.toString('hex');
  }
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
