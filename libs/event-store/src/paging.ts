import type { ReadStreamOptions, StoredEvent } from './types.js';

/**
 * `iterateStream` for any backend: pages of `readStream` so that memory does not grow with the
 * stream's length. The first page starts where `readStream` would (0 forwards, the end
 * backwards); each next page continues after the last version read.
 */
export async function* pagedStream(
  readStream: (streamId: string, options: ReadStreamOptions) => Promise<StoredEvent[]>,
  streamId: string,
  options: ReadStreamOptions & { pageSize?: number },
  defaultPageSize: number,
): AsyncIterable<StoredEvent> {
  const pageSize = options.pageSize ?? defaultPageSize;
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
