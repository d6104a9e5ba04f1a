import type { ReadStreamOptions, StoredEvent } from './types.js';

/** Page size of reads when the caller names none (the port's documented default). */
export const DEFAULT_PAGE = 500;
/** Largest page a read may ask for (the port's documented bound). */
export const MAX_PAGE = 10_000;

/**
 * `iterateStream` for any backend: pages of `readStream` so that memory does not grow with the
 * stream's length. The first page starts where `readStream` would (0 forwards, the end
 * backwards); each next page continues after the last version read.
 */
export async function* pagedStream(
  readStream: (streamId: string, options: ReadStreamOptions) => Promise<StoredEvent[]>,
  streamId: string,
  options: ReadStreamOptions & { pageSize?: number },
): AsyncIterable<StoredEvent> {
  const pageSize = options.pageSize ?? DEFAULT_PAGE;
  const backwards = options.direction === 'backwards';
  let next = options.fromVersion;
  let remaining = options.limit ?? Infinity;
  while (remaining > 0) {
    const limit = Math.min(pageSize, remaining);
    const page = await readStream(streamId, { fromVersion: next, direction: options.direction, limit });
    for (const event of page) yield event;
    if (page.length < limit) return;
    remaining -= page.length;
    const last = page[page.length - 1]!.version;
    next = backwards ? last - 1 : last + 1;
    if (next < 0) return;
  }
}
