import { useEffect, useRef, useState } from 'react';
import { authorizedFetch } from '../api/client.js';
import { ErrorNotice } from '../components/Status.js';
import { useI18n } from '../i18n/i18n.js';
import { formatInstant } from '../lib/format.js';
import { hrefTo } from '../lib/route.js';
import { SseParser } from '../lib/sse.js';
import { describeEvent, KNOWN_EVENT_TYPES, type Envelope } from '../lib/timeline.js';

const KEEP = 200;
type Connection = { state: 'connecting' } | { state: 'connected' } | { state: 'error'; detail: string };

function subscriberOf(e: Envelope): string | null {
  const id = e.data['subscriberId'];
  return typeof id === 'string' ? id : null;
}

/**
 * The SSE feed read with fetch streaming. Resumes after a drop from the last position it showed
 * (`after=`), so a reconnect neither repeats nor skips events.
 */
export function LiveFeed() {
  const { t, locale } = useI18n();
  const [types, setTypes] = useState<string>('');
  const [events, setEvents] = useState<Envelope[]>([]);
  const [paused, setPaused] = useState(false);
  const [waiting, setWaiting] = useState<Envelope[]>([]);
  const [connection, setConnection] = useState<Connection>({ state: 'connecting' });
  const pausedRef = useRef(paused);
  pausedRef.current = paused;

  useEffect(() => {
    const abort = new AbortController();
    let last: string | null = null;
    let retry = 500;
    const deliver = (e: Envelope) => {
      if (pausedRef.current) setWaiting((w) => [...w, e].slice(-KEEP));
      else setEvents((list) => [e, ...list].slice(0, KEEP));
    };
    const run = async () => {
      while (!abort.signal.aborted) {
        setConnection({ state: 'connecting' });
        try {
          const params = new URLSearchParams();
          if (types) params.set('types', types);
          // A live view starts at the head of the log, not at its first event.
          last ??= (await (await authorizedFetch('/v1/events/head', { signal: abort.signal })).json() as { position: string }).position;
          params.set('after', last);
          const res = await authorizedFetch(`/v1/events/stream?${params}`, { headers: { Accept: 'text/event-stream' }, signal: abort.signal });
          setConnection({ state: 'connected' });
          retry = 500;
          const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
          const parser = new SseParser();
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            for (const message of parser.push(value)) {
              if (message.event !== 'message' && message.event !== 'event' && !KNOWN_EVENT_TYPES.includes(message.event as never)) continue;
              const envelope = JSON.parse(message.data) as Envelope;
              last = message.id ?? envelope.position;
              deliver(envelope);
            }
          }
        } catch (error) {
          if (abort.signal.aborted) return;
          setConnection({ state: 'error', detail: (error as Error).message });
        }
        await new Promise((r) => setTimeout(r, retry));
        retry = Math.min(retry * 2, 10_000);
      }
    };
    void run();
    return () => abort.abort();
  }, [types]);

  const resume = () => {
    setEvents((list) => [...[...waiting].reverse(), ...list].slice(0, KEEP));
    setWaiting([]);
    setPaused(false);
  };

  return (
    <>
      <h1>{t('feed.title')}</h1>
      <p className="muted">{t('feed.lead')}</p>
      <form className="controls" onSubmit={(e) => e.preventDefault()} aria-label={t('feed.title')}>
        <label>
          {t('feed.types')}{' '}
          <select
            name="types"
            value={types}
            onChange={(e) => {
              setTypes(e.target.value);
              setEvents([]);
              setWaiting([]);
            }}
          >
            <option value="">{t('feed.allTypes')}</option>
            {KNOWN_EVENT_TYPES.map((type) => (
              <option key={type} value={type}>
                {type}
              </option>
            ))}
          </select>
        </label>
        {paused ? (
          <button type="button" onClick={resume}>
            {t('feed.resume')}
          </button>
        ) : (
          <button type="button" onClick={() => setPaused(true)}>
            {t('feed.pause')}
          </button>
        )}
        <span role="status" className="muted" data-connection={connection.state}>
          {paused
            ? t('feed.paused', { count: waiting.length })
            : connection.state === 'connected'
              ? t('feed.connected')
              : connection.state === 'connecting'
                ? t('feed.connecting')
                : t('feed.error', { detail: connection.detail })}
        </span>
      </form>
      {connection.state === 'error' && events.length === 0 ? <ErrorNotice error={new Error(connection.detail)} /> : null}
      {events.length === 0 ? <p className="muted">{t('feed.empty')}</p> : null}
      <ol className="timeline feed" aria-live="polite" aria-label={t('feed.title')}>
        {events.map((e) => {
          const subscriberId = subscriberOf(e);
          return (
            <li key={e.id} data-type={e.type}>
              <div className="sentence">{describeEvent(e, { locale, currency: (e.data['plan'] as { currency?: string } | undefined)?.currency ?? '' })}</div>
              <div className="meta">
                {e.type} · {formatInstant(e.occurredAt, locale)} · {e.streamId}
                {subscriberId ? (
                  <>
                    {' '}
                    · <a href={hrefTo('clients', subscriberId)}>{subscriberId}</a>
                  </>
                ) : null}
              </div>
            </li>
          );
        })}
      </ol>
    </>
  );
}
