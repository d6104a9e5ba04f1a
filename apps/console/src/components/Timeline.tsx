import { useI18n } from '../i18n/i18n.js';
import { formatInstant } from '../lib/format.js';
import { actorOf, describeEvent, isAfter, type Envelope } from '../lib/timeline.js';

/** Every event of a stream in order, in words, with who and when; expandable to the raw envelope. */
export function Timeline({ events, currency, asOf, caption }: { events: readonly Envelope[]; currency: string; asOf: string | null; caption: string }) {
  const { t, locale } = useI18n();
  return (
    <ol className="timeline" aria-label={caption}>
      {events.map((e) => {
        const { actor, role } = actorOf(e);
        const after = isAfter(e, asOf);
        return (
          <li key={e.id} className={after ? 'after' : undefined} data-type={e.type} data-version={e.version}>
            <div className="sentence">{describeEvent(e, { locale, currency })}</div>
            <div className="meta">
              <span>
                #{e.version} · {t('client.businessTime')} <time dateTime={e.occurredAt}>{formatInstant(e.occurredAt, locale)}</time>
              </span>
              <span>
                {' '}
                · {t('client.recordedTime')} {formatInstant(e.metadata['recordedAt'] as string | undefined, locale)}
              </span>
              <span> · {t('client.by', { actor, role })}</span>
              {after ? <span className="badge muted"> · {t('client.afterAsOf')}</span> : null}
            </div>
            <details>
              <summary>{t('client.raw')}</summary>
              <pre>{JSON.stringify(e, null, 2)}</pre>
            </details>
          </li>
        );
      })}
    </ol>
  );
}

/** "chain verified: N events" or the first broken version, from `/integrity`. */
export function IntegrityBadge({ state }: { state: { isPending: boolean; isError: boolean; data?: { valid: boolean; events: number; brokenAtVersion?: number } } }) {
  const { t } = useI18n();
  if (state.isPending) return <span className="badge" role="status">{t('integrity.checking')}</span>;
  if (state.isError || !state.data) return <span className="badge muted">{t('integrity.unavailable')}</span>;
  return state.data.valid ? (
    <span className="badge good" role="status" data-integrity="valid">
      ✓ {t('integrity.valid', { count: state.data.events })}
    </span>
  ) : (
    <span className="badge bad" role="alert" data-integrity="broken">
      ✗ {t('integrity.broken', { version: state.data.brokenAtVersion ?? '?' })}
    </span>
  );
}
