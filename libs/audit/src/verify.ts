import { storedOf } from '@libs/codec';
import { ChainVerifier, type ChainVerification, type EventStore } from '@libs/event-store';

export interface StreamVerification extends ChainVerification {
  streamId: string;
  /** False when the store has never had this stream. */
  exists: boolean;
  /**
   * Hash of the stream's last event when the chain is valid. Kept outside the store (a report, a
   * ticket), it lets a later verification notice events removed from the end or a chain rewritten
   * from scratch, which no recomputation inside the store can see.
   */
  headHash?: string;
}

/**
 * Recomputes a stream's hash chain (domain.md §7) from the events as stored, page by page, and
 * reports the first version where it breaks: a changed event (`hash-mismatch`), one whose
 * predecessor changed or vanished (`prev-hash-mismatch`, `missing-version`).
 */
export async function verifyStream(store: EventStore, streamId: string, options: { pageSize?: number } = {}): Promise<StreamVerification> {
  const verifier = new ChainVerifier();
  let headHash: string | undefined;
  // The hash covers the data as recorded, so this reads under the codec.
  for await (const event of storedOf(store).iterateStream(streamId, { pageSize: options.pageSize ?? 1000 })) {
    if (!verifier.push(event)) break;
    headHash = String(event.metadata.hash);
  }
  const result = verifier.result();
  if (result.events === 0) {
    // Registered but empty: every event was deleted.
    const exists = await streamRegistered(store, streamId);
    return exists
      ? { streamId, exists, valid: false, events: 0, brokenAtVersion: 0, reason: 'missing-version' }
      : { streamId, exists, valid: true, events: 0 };
  }
  return result.valid ? { streamId, exists: true, ...result, headHash } : { streamId, exists: true, ...result };
}

async function streamRegistered(store: EventStore, streamId: string): Promise<boolean> {
  const [first] = await store.listStreams({ prefix: streamId, limit: 1 });
  return first === streamId;
}

export interface VerifyProgress {
  streamsDone: number;
  streamsTotal: number;
  events: number;
  broken: number;
}

export interface VerifyAllOptions {
  /** Only streams whose name starts with this. */
  prefix?: string;
  /** Streams verified at once. Default 4. */
  concurrency?: number;
  /** Called after each stream. */
  onProgress?(progress: VerifyProgress): void;
  /** Called with each stream's verdict as it comes (in completion order). */
  onStream?(result: StreamVerification): void;
  /** How many broken streams the result lists (all are counted). Default 1,000. */
  maxBrokenListed?: number;
}

export interface VerifyAllResult {
  valid: boolean;
  streams: number;
  events: number;
  /** Count of streams whose chain is broken. */
  brokenCount: number;
  /** The broken streams (at most `maxBrokenListed`), sorted by stream name. */
  broken: StreamVerification[];
}

const LIST_PAGE = 1000;

/**
 * Verifies every stream (or those with a prefix). Stream names are listed page by page, twice —
 * once to count them for progress, once to verify — so neither pass holds the whole list.
 */
export async function verifyAllStreams(store: EventStore, options: VerifyAllOptions = {}): Promise<VerifyAllResult> {
  const { prefix, concurrency = 4, maxBrokenListed = 1000 } = options;
  let streamsTotal = 0;
  for await (const page of streamPages(store, prefix)) streamsTotal += page.length;

  const progress: VerifyProgress = { streamsDone: 0, streamsTotal, events: 0, broken: 0 };
  const broken: StreamVerification[] = [];
  options.onProgress?.({ ...progress });
  for await (const page of streamPages(store, prefix)) {
    let next = 0;
    const worker = async () => {
      while (next < page.length) {
        const result = await verifyStream(store, page[next++]);
        progress.streamsDone++;
        progress.events += result.events;
        if (!result.valid) {
          progress.broken++;
          if (broken.length < maxBrokenListed) broken.push(result);
        }
        options.onStream?.(result);
        options.onProgress?.({ ...progress });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, page.length)) }, worker));
  }
  // Streams created while verifying are verified too; the total follows.
  progress.streamsTotal = Math.max(progress.streamsTotal, progress.streamsDone);
  broken.sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  return { valid: progress.broken === 0, streams: progress.streamsDone, events: progress.events, brokenCount: progress.broken, broken };
}

async function* streamPages(store: EventStore, prefix: string | undefined): AsyncGenerator<string[]> {
  let after: string | undefined;
  for (;;) {
    const page = await store.listStreams({ prefix, after, limit: LIST_PAGE });
    if (page.length > 0) yield page;
    if (page.length < LIST_PAGE) return;
    after = page[page.length - 1];
  }
}
