import { EventSource } from 'eventsource';
import { eventContracts } from '@libs/domain';

export interface ReceivedEvent {
  /** `id:` of the frame: the position. */
  id: string;
  type: string;
  envelope: { position: string; streamId: string; version: number; type: string; data: Record<string, unknown>; metadata: Record<string, unknown> };
}

export interface FeedClient {
  events: ReceivedEvent[];
  /** Resolves once the stream is open. */
  opened: Promise<void>;
  /** Resolves when `predicate` holds for the events received so far. */
  until(predicate: (events: ReceivedEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
}

/**
 * A real EventSource (the `eventsource` package) on `GET /v1/events/stream`. EventSource cannot
 * set headers itself, so a custom fetch adds the bearer key — and, for the first connection of a
 * resumed reader, `Last-Event-ID` (the library sends its own on automatic reconnects).
 */
export function openFeed(baseUrl: string, key: string, options: { query?: string; lastEventId?: string } = {}): FeedClient {
  const events: ReceivedEvent[] = [];
  const waiters = new Set<() => void>();
  const es = new EventSource(`${baseUrl}/v1/events/stream${options.query ? `?${options.query}` : ''}`, {
    fetch: (input, init) => {
      const headers: Record<string, string> = { ...(init.headers as Record<string, string>), Authorization: `Bearer ${key}` };
      if (options.lastEventId && !Object.keys(headers).some((h) => h.toLowerCase() === 'last-event-id')) headers['Last-Event-ID'] = options.lastEventId;
      return fetch(input, { ...init, headers });
    },
  });
  // Frames are named by event type; EventSource dispatches them only to listeners of that name.
  for (const type of Object.keys(eventContracts)) {
    es.addEventListener(type, (message) => {
      events.push({ id: message.lastEventId, type: message.type, envelope: JSON.parse(message.data) as ReceivedEvent['envelope'] });
      for (const w of [...waiters]) w();
    });
  }
  const opened = new Promise<void>((resolve, reject) => {
    es.addEventListener('open', () => resolve(), { once: true });
    es.addEventListener('error', (e) => reject(new Error(`EventSource error: ${(e as { message?: string }).message ?? 'unknown'}`)), { once: true });
  });
  return {
    events,
    opened,
    close: () => es.close(),
    until(predicate, timeoutMs = 15_000) {
      if (predicate(events)) return Promise.resolve();
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out with ${events.length} events`));
        }, timeoutMs);
        const check = () => {
          if (!predicate(events)) return;
          clearTimeout(timer);
          waiters.delete(check);
          resolve();
        };
        waiters.add(check);
      });
    },
  };
}
