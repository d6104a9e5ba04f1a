/**
 * The notice letter of a case, drafted from its data (lib/letter.ts), editable before printing.
 * The edited text stays in this page: it is not an event and is never sent to the service.
 */
import { useState } from 'react';
import { ApiError } from '../api/client.js';
import { useCase, useSubscriber } from '../api/queries.js';
import { ErrorNotice, Loading } from '../components/Status.js';
import { useI18n } from '../i18n/i18n.js';
import { LOCALES } from '../i18n/messages.js';
import type { Locale } from '../lib/format.js';
import { draftNoticeLetter } from '../lib/letter.js';
import { hrefTo } from '../lib/route.js';

export function LetterScreen({ id }: { id: string }) {
  const { t, locale } = useI18n();
  const kase = useCase(id);
  const subscriber = useSubscriber(kase.data?.subscriberId ?? '', null, kase.data !== undefined);
  const [language, setLanguage] = useState<Locale>(locale);
  if (kase.isPending || (kase.data && subscriber.isPending)) return <Loading />;
  if (kase.isError) {
    if (kase.error instanceof ApiError && kase.error.status === 404) return <p role="alert">{t('common.notFound')}</p>;
    return <ErrorNotice error={kase.error} retry={() => void kase.refetch()} />;
  }
  if (subscriber.isError) return <ErrorNotice error={subscriber.error} retry={() => void subscriber.refetch()} />;
  const today = new Date().toISOString().slice(0, 10);
  const draft = draftNoticeLetter(kase.data, subscriber.data!, language, today);
  return (
    <>
      <h1 className="no-print">
        {t('letter.title')} <small className="muted">{kase.data.caseId}</small>
      </h1>
      <p className="no-print">
        <a href={hrefTo('cases', kase.data.caseId)}>{t('case.title', { id: kase.data.caseId })}</a>
      </p>
      {draft === null ? (
        <p role="alert">{t('letter.unavailable')}</p>
      ) : (
        <>
          <p className="muted no-print">{t('letter.lead')}</p>
          <div className="controls no-print">
            <label>
              {t('letter.language')}{' '}
              <select value={language} onChange={(e) => setLanguage(e.target.value as Locale)}>
                {LOCALES.map((l) => (
                  <option key={l} value={l}>
                    {l === 'en' ? 'English' : 'Español'}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" onClick={() => window.print()}>
              {t('letter.print')}
            </button>
          </div>
          {/* Keyed by language: another language starts a fresh draft. */}
          <LetterEditor key={language} draft={draft} label={t('letter.title')} />
        </>
      )}
    </>
  );
}

function LetterEditor({ draft, label }: { draft: string; label: string }) {
  const [text, setText] = useState(draft);
  return (
    <>
      <textarea className="letter no-print" aria-label={label} value={text} onChange={(e) => setText(e.target.value)} rows={Math.max(20, text.split('\n').length + 2)} />
      {/* What the printer gets: the edited text, without the textarea's scroll box. */}
      <div className="letter-print" aria-hidden="true">
        {text}
      </div>
    </>
  );
}
