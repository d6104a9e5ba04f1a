import { START_POSITION } from '../position.js';
import { MAX_PAGE } from '../paging.js';
import type { EsdbConnection } from './connection.js';
import { matchesFilter } from './filters.js';
import { compareEsdbPositions, decodeEsdbPosition, encodeEsdbPosition, requirePosition } from './positions.js';

const STREAM_INDEX_PAGE = 4_096;

export interface ListStreamsOptions {
  prefix?: string;
  /** Exclusive: names after this one. */
  after?: string;
  limit?: number;
}

/**
 * Stream names come from $all (the server has no list of streams without its system
 * projections): the index keeps the names it has seen and scans only what was appended since
 * the previous call. Memory grows with the number of streams, not events.
 */
export class StreamIndex {
  private readonly names: string[] = [];
  private readonly known = new Set<string>();
  private scanned = START_POSITION;
  private sorted = true;
  private indexing: Promise<void> = Promise.resolve();

  constructor(private readonly connection: EsdbConnection) {}

  async list(options: ListStreamsOptions = {}): Promise<string[]> {
    await this.refresh();
    if (!this.sorted) {
      this.names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      this.sorted = true;
    }
    return pageOfNames(this.names, options);
  }

  private refresh(): Promise<void> {
    // One scan at a time; callers that arrive meanwhile wait for it and then scan the rest.
    const run = async () => {
      for (;;) {
        const from = decodeEsdbPosition(this.scanned);
        let seen = 0;
        for await (const record of this.connection.readAll({ direction: 'forwards', fromPosition: from ?? 'start', maxCount: STREAM_INDEX_PAGE + (from ? 1 : 0) })) {
          if (from && record.position && compareEsdbPositions(record.position, from) <= 0) continue;
          seen++;
          this.scanned = encodeEsdbPosition(requirePosition(record));
          if (matchesFilter(record) && !this.known.has(record.streamId)) {
            this.known.add(record.streamId);
            this.names.push(record.streamId);
            this.sorted = false;
          }
        }
        if (seen < STREAM_INDEX_PAGE) return;
      }
    };
    const next = this.indexing.catch(() => undefined).then(run);
    this.indexing = next;
    return next;
  }
}

/** The page `listStreams` answers from sorted names (stream names are ASCII: the SQL backends' "C" order). */
export function pageOfNames(sorted: readonly string[], options: ListStreamsOptions = {}): string[] {
  const prefix = options.prefix ?? '';
  const lower = options.after !== undefined && options.after >= prefix ? options.after : prefix;
  const limit = Math.min(options.limit ?? 1000, MAX_PAGE);
  const out: string[] = [];
  for (let i = lowerBound(sorted, lower); i < sorted.length && out.length < limit; i++) {
    const name = sorted[i];
    if (!name.startsWith(prefix)) break;
    if (options.after !== undefined && name <= options.after) continue;
    out.push(name);
  }
  return out;
}

function lowerBound(sorted: readonly string[], value: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
