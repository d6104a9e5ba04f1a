import { checkLink, chainVersionOf, comparePositions, ZERO_HASH, type EventStore, type StoredEvent } from '@libs/event-store';
import { verifyCheckpointSignature, type Checkpoint } from './checkpoint.js';
import { byStreamId, merkleRoot, MerkleRootBuilder, type Head } from './merkle.js';
import { readAhead, storedByStreamPages, storedLogPages } from './stored-log.js';

/**
 * What `verify --all --checkpoint` found, each located by stream and version:
 * - `changed`: the event at `version` is not what was written (data, type, time, actor, role…);
 * - `deleted-event`: `version` is missing while later ones remain;
 * - `deleted-tail`: the checkpoint's head of the stream is `expected`, the log ends before it;
 * - `deleted-stream`: the checkpoint has the stream, the log has nothing of it at or before it;
 * - `inserted`: an event at `version` with a position at or before the checkpoint, past its head;
 * - `inserted-stream`: a stream with events at or before the checkpoint that it does not have;
 * - `rewritten`: the chain holds but its head at `version` is not the one signed (rehashed);
 * - `root-mismatch`: the heads as of the checkpoint do not give its signed root (no stored heads
 *   to locate the difference with).
 */
export type FindingKind = 'changed' | 'deleted-event' | 'deleted-tail' | 'deleted-stream' | 'inserted' | 'inserted-stream' | 'rewritten' | 'root-mismatch';

export interface Finding {
  kind: FindingKind;
  streamId: string;
  version?: number;
  detail: string;
}

/** Where the checkpoint's leaves came from: the database's copy (checked against the signed root) or none. */
export type LeavesSource = 'stored' | 'altered' | 'absent';

export interface CheckpointVerification {
  valid: boolean;
  signatureValid: boolean;
  checkpoint: Checkpoint;
  leaves: LeavesSource;
  streams: number;
  events: number;
  /** Events at or before the checkpoint's position. */
  covered: number;
  findingCount: number;
  /** Sorted by stream, at most `maxFindings`. */
  findings: Finding[];
}

export interface CheckpointVerifyOptions {
  publicKeyPem: string;
  /**
   * The checkpoint's heads sorted by stream, already checked against its root (pages of them, or
   * all at once); `leavesSource` says why absent. Their root is checked again as they are read.
   */
  heads?: readonly Head[] | AsyncIterable<Head[]>;
  leavesSource?: LeavesSource;
  pageSize?: number;
  maxFindings?: number;
  /** After each page: events read so far, and streams (in stream order: of the checkpoint's `streams`). */
  onProgress?(events: number, streams: number): void;
}

/** Early events a stream may hold while waiting for a missing version before it is called deleted. */
const MAX_PENDING = 1_000;

interface StreamState {
  next: number;
  prevHash: string;
  chainVersion: number;
  head?: { version: number; hash: string };
  firstCovered?: number;
  /** A version after the checkpoint was seen: a covered one after it was inserted. */
  sawLater: boolean;
  broken: boolean;
  pending?: Map<number, StoredEvent>;
}

/**
 * Proves the log against a kept checkpoint (domain.md §7): its signature, every stream's chain, and
 * every stream's head as of the checkpoint's position against the signed heads. Reads the log once,
 * page by page: in (streamId, version) order where the store can (SQL: one stream at a time, plus
 * the signed heads), else in position order (a few numbers per stream).
 */
export async function verifyAgainstCheckpoint(store: EventStore, checkpoint: Checkpoint, options: CheckpointVerifyOptions): Promise<CheckpointVerification> {
  const maxFindings = options.maxFindings ?? 1_000;
  const findings: Finding[] = [];
  let findingCount = 0;
  const report = (f: Finding) => {
    findingCount++;
    if (findings.length < maxFindings) findings.push(f);
  };
  const base = { checkpoint, leaves: options.heads ? 'stored' : (options.leavesSource ?? 'absent') } as const;
  if (!verifyCheckpointSignature(checkpoint, options.publicKeyPem)) {
    return { ...base, valid: false, signatureValid: false, streams: 0, events: 0, covered: 0, findingCount: 0, findings: [] };
  }

  let events = 0;
  let covered = 0;
  const apply = (s: StreamState, e: StoredEvent) => {
    events++;
    const link = checkLink(e, { version: s.next, prevHash: s.prevHash, chainVersion: s.chainVersion });
    if (link.reason) {
      s.broken = true;
      s.pending = undefined;
      report({ kind: 'changed', streamId: e.streamId, version: e.version, detail: `${link.reason}: the stored event is not the one written` });
      return;
    }
    s.next++;
    s.prevHash = link.hash;
    s.chainVersion = chainVersionOf(e.metadata);
    if (comparePositions(e.position, checkpoint.position) <= 0) {
      covered++;
      if (s.sawLater) {
        s.broken = true;
        report({ kind: 'inserted', streamId: e.streamId, version: e.version, detail: `position ${e.position} is at or before the checkpoint, though an earlier version is after it` });
        return;
      }
      s.head = { version: e.version, hash: link.hash };
      s.firstCovered ??= e.version;
    } else s.sawLater = true;
  };
  const deleted = (s: StreamState, streamId: string) => {
    s.broken = true;
    s.pending = undefined;
    report({ kind: 'deleted-event', streamId, version: s.next, detail: 'missing-version: this version is gone, later ones remain' });
  };
  const fresh = (): StreamState => ({ next: 0, prevHash: ZERO_HASH, chainVersion: 1, sawLater: false, broken: false });

  const recomputed: Head[] = [];
  const signed = options.heads ? new SignedHeads(options.heads) : undefined;
  // One stream's verdict against the signed heads, in stream order (deleted streams are the signed ones skipped over).
  const settle = (streamId: string | undefined, s: StreamState | undefined) => {
    if (signed) {
      for (let h = signed.peek(); h && (streamId === undefined || h.streamId < streamId); h = signed.peek()) {
        compareOne(h.streamId, undefined, h, report);
        signed.take();
      }
      if (streamId === undefined || !s) return;
      compareOne(streamId, s, signed.peek()?.streamId === streamId ? signed.take() : undefined, report);
    } else if (streamId !== undefined && s?.head) recomputed.push({ streamId, ...s.head });
  };

  const byStream = storedByStreamPages(store, options.pageSize);
  let streams = 0;
  if (byStream) {
    // The primary key's order: one stream at a time, memory flat whatever the number of streams.
    let current: { streamId: string; s: StreamState } | undefined;
    for await (const page of byStream) {
      // The signed heads up to this page's last stream, so settling stays synchronous.
      await signed?.fill(page[page.length - 1].streamId);
      for (const e of page) {
        if (current?.streamId !== e.streamId) {
          if (current) settle(current.streamId, current.s);
          current = { streamId: e.streamId, s: fresh() };
          streams++;
        }
        const s = current.s;
        if (s.broken || e.version !== s.next) {
          events++;
          if (!s.broken) deleted(s, e.streamId);
        } else apply(s, e);
      }
      options.onProgress?.(events, streams);
    }
    if (current) settle(current.streamId, current.s);
    await signed?.fill(undefined);
    settle(undefined, undefined);
  } else {
    const states = new Map<string, StreamState>();
    for await (const page of storedLogPages(store, { pageSize: options.pageSize })) {
      for (const e of page) {
        let s = states.get(e.streamId);
        if (!s) states.set(e.streamId, (s = fresh()));
        if (s.broken) {
          events++;
          continue;
        }
        if (e.version !== s.next) {
          // Read order may put a version before its predecessor (transactions commit out of xid order).
          s.pending ??= new Map();
          s.pending.set(e.version, e);
          if (s.pending.size > MAX_PENDING) deleted(s, e.streamId);
          continue;
        }
        apply(s, e);
        while (!s.broken && s.pending?.has(s.next)) {
          const waiting = s.pending.get(s.next)!;
          s.pending.delete(s.next);
          apply(s, waiting);
        }
        if (s.pending?.size === 0) s.pending = undefined;
      }
      options.onProgress?.(events, states.size);
    }
    for (const [streamId, s] of states) {
      if (!s.broken && s.pending) {
        events += s.pending.size;
        deleted(s, streamId);
      }
    }
    streams = states.size;
    await signed?.fill(undefined);
    for (const streamId of [...states.keys()].sort()) settle(streamId, states.get(streamId));
    settle(undefined, undefined);
  }

  if (signed && (signed.root.count !== checkpoint.streams || signed.root.root() !== checkpoint.headsRoot)) {
    report({
      kind: 'root-mismatch',
      streamId: '*',
      detail: `the database's copy of the checkpoint's heads, as read for this verification, does not give its signed root: it changed after it was checked; run the verification again`,
    });
  }
  if (!signed) {
    recomputed.sort(byStreamId);
    if (recomputed.length !== checkpoint.streams || merkleRoot(recomputed) !== checkpoint.headsRoot) {
      report({
        kind: 'root-mismatch',
        streamId: '*',
        detail: `the heads as of position ${checkpoint.position} (${recomputed.length} streams) do not give the signed root (${checkpoint.streams} streams); ${base.leaves === 'altered' ? "the database's copy of the checkpoint's heads was altered too" : 'the database has no copy of its heads'}, so the streams cannot be named`,
      });
    }
  }
  findings.sort((a, b) => byStreamId(a, b) || (a.version ?? -1) - (b.version ?? -1));
  return { ...base, valid: findingCount === 0, signatureValid: true, streams, events, covered, findingCount, findings };
}

/**
 * The signed heads as a reader of pages: `fill` reads pages until a head past `upTo` is buffered
 * (or all of them, without it), `peek`/`take` walk them in order; consumed pages are let go, and
 * every head taken goes into the root recomputed on the way.
 */
class SignedHeads {
  readonly root = new MerkleRootBuilder();
  private buffer: Head[] = [];
  private index = 0;
  private readonly pages?: AsyncIterator<Head[]>;
  private done = false;

  constructor(heads: readonly Head[] | AsyncIterable<Head[]>) {
    if (isHeadArray(heads)) {
      this.buffer = [...heads];
      this.done = true;
    } else this.pages = readAhead(heads)[Symbol.asyncIterator]();
  }

  async fill(upTo: string | undefined): Promise<void> {
    while (!this.done && (this.index >= this.buffer.length || upTo === undefined || this.buffer[this.buffer.length - 1].streamId <= upTo)) {
      const next = await this.pages!.next();
      if (next.done) {
        this.done = true;
        return;
      }
      if (this.index > 0) {
        this.buffer = this.buffer.slice(this.index);
        this.index = 0;
      }
      for (const h of next.value) this.buffer.push(h);
    }
  }

  peek(): Head | undefined {
    return this.buffer[this.index];
  }

  take(): Head {
    const head = this.buffer[this.index++];
    this.root.push(head);
    return head;
  }
}

function isHeadArray(heads: readonly Head[] | AsyncIterable<Head[]>): heads is readonly Head[] {
  return Array.isArray(heads);
}

function compareOne(streamId: string, s: StreamState | undefined, signed: Head | undefined, report: (f: Finding) => void): void {
  if (s?.broken) return;
  const head = s?.head;
  if (!signed) {
    if (s && head) report({ kind: 'inserted-stream', streamId, version: s.firstCovered, detail: `events from version ${s.firstCovered} have positions at or before the checkpoint, which does not have this stream` });
  } else if (!head) {
    report({ kind: 'deleted-stream', streamId, detail: `the checkpoint has versions 0..${signed.version}; the log has ${s ? 'only later events' : 'none'}` });
  } else if (head.version < signed.version) {
    report({ kind: 'deleted-tail', streamId, version: head.version + 1, detail: `versions ${head.version + 1}..${signed.version} are gone (the checkpoint's head is ${signed.version})` });
  } else if (head.version > signed.version) {
    report({ kind: 'inserted', streamId, version: signed.version + 1, detail: `version ${signed.version + 1} has a position at or before the checkpoint, whose head is ${signed.version}` });
  } else if (head.hash !== signed.hash) {
    report({ kind: 'rewritten', streamId, version: head.version, detail: 'the chain holds but its head is not the one signed: events at or before this version were rewritten and rehashed' });
  }
}
