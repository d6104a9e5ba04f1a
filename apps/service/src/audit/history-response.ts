import type { ServerResponse } from 'node:http';
import { jsonLines, writeWithBackpressure } from '@libs/audit';
import type { StoredEvent } from '@libs/event-store';
import { toEnvelope } from '../feed/envelope.js';

/** The two representations of a history (api.md). */
export type HistoryFormat = 'json' | 'ndjson';

/** JSON Lines when the client asks for it in `Accept`, JSON otherwise. */
export function historyFormat(accept: string | undefined): HistoryFormat {
  return accept && /application\/(x-ndjson|jsonl|x-jsonlines)\b/i.test(accept) ? 'ndjson' : 'json';
}

/** `{"events":[` … `]}` produced piece by piece, so the body is never held in memory whole. */
async function* jsonDocument(events: AsyncIterable<StoredEvent>): AsyncGenerator<string> {
  yield '{"events":[';
  let first = true;
  for await (const event of events) {
    yield `${first ? '' : ','}${JSON.stringify(toEnvelope(event))}`;
    first = false;
  }
  yield ']}';
}

async function* envelopes(events: AsyncIterable<StoredEvent>): AsyncGenerator<unknown> {
  for await (const event of events) yield toEnvelope(event);
}

/**
 * Streams a history to the response, pulling the next page from the store only when the socket
 * has drained: memory stays flat however long the stream. Resolves with the bytes written;
 * rejects when the client goes away (the store reads stop with it).
 */
export async function writeHistory(res: ServerResponse, events: AsyncIterable<StoredEvent>, format: HistoryFormat): Promise<number> {
  res.statusCode = 200;
  res.setHeader('Content-Type', format === 'ndjson' ? 'application/x-ndjson; charset=utf-8' : 'application/json; charset=utf-8');
  // The representation depends on Accept (JSON or JSON Lines): caches must key on it.
  res.setHeader('Vary', 'Accept');
  // Audit data: never kept by intermediaries.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('X-Content-Type-Options', 'nosniff');
  const chunks = format === 'ndjson' ? jsonLines(envelopes(events)) : jsonDocument(events);
  const bytes = await writeWithBackpressure(chunks, res);
  res.end();
  return bytes;
}
