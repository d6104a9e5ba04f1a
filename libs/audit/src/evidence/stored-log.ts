import { storedOf } from '@libs/codec';
import { comparePositions, type EventStore, type StoredEvent } from '@libs/event-store';

export interface StoredLogOptions {
  /** Exclusive lower bound; default the beginning. */
  after?: string;
  /** Inclusive upper bound: events past it are not handed out, and reading stops there. */
  until?: string;
  /** Events per read; default 5,000. */
  pageSize?: number;
}

/**
 * The global log exactly as stored (what the chain and the checkpoints cover), page by page in
 * position order: memory holds one page. Ends at `until` or, without it, at the visible end.
 */
export async function* storedLogPages(store: EventStore, options: StoredLogOptions = {}): AsyncGenerator<StoredEvent[]> {
  const raw = storedOf(store);
  let after = options.after ?? '0';
  const until = options.until;
  for (;;) {
    const page = await raw.readAll({ after, limit: options.pageSize ?? 5_000 });
    let events = page.events;
    let done = events.length === 0 && page.last === after;
    if (until !== undefined) {
      const past = events.findIndex((e) => comparePositions(e.position, until) > 0);
      if (past >= 0) {
        events = events.slice(0, past);
        done = true;
      }
      if (comparePositions(page.last, until) >= 0) done = true;
    }
    if (events.length > 0) yield events;
    if (done) return;
    after = page.last;
  }
}

type ByStreamAfter = { streamId: string; version: number };

/**
 * The log as stored in (streamId, version) order, page by page, when the store can read it so
 * (the SQL stores: their primary key); undefined otherwise. A reader then holds one stream at a time.
 */
export function storedByStreamPages(store: EventStore, pageSize = 1_000): AsyncIterable<StoredEvent[]> | undefined {
  const raw = storedOf(store) as EventStore & { readByStream?: (o: { after?: ByStreamAfter; limit?: number }) => Promise<StoredEvent[]> };
  const read = raw.readByStream?.bind(raw);
  if (!read) return undefined;
  return (async function* () {
    let after: ByStreamAfter | undefined;
    for (;;) {
      const page = await read({ after, limit: pageSize });
      if (page.length === 0) return;
      yield page;
      const last = page[page.length - 1];
      after = { streamId: last.streamId, version: last.version };
    }
  })();
}
