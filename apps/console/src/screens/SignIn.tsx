import { useState, type FormEvent } from 'react';
import { signIn, type SessionEnd } from '../api/session.js';
import { useI18n } from '../i18n/i18n.js';
import { LOCALES } from '../i18n/messages.js';

/**
 * Asks for the API key. The key is checked by the first request (`GET /v1/me`): a refused key
 * comes back here with the reason.
 */
export function SignIn({ ended }: { ended: SessionEnd | null }) {
  const { t, locale, setLocale } = useI18n();
  const [key, setKey] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const trimmed = key.trim();
    if (trimmed) signIn(trimmed);
  };
  return (
    <main id="main" className="sign-in">
      <form onSubmit={submit} aria-labelledby="sign-in-title" autoComplete="off">
        <h1 id="sign-in-title">{t('signIn.title')}</h1>
        <p>{t('signIn.lead')}</p>
        {ended === 'refused' ? (
          <p role="alert" className="error">
            {t('signIn.expired')}
          </p>
        ) : null}
        <label htmlFor="api-key">{t('signIn.key')}</label>
        <input id="api-key" name="api-key" type="password" value={key} onChange={(e) => setKey(e.target.value)} required autoFocus spellCheck={false} />
        <button type="submit">{t('signIn.submit')}</button>
        <label className="lang">
          {t('nav.language')}{' '}
          <select value={locale} onChange={(e) => setLocale(e.target.value as typeof locale)}>
            {LOCALES.map((l) => (
              <option key={l} value={l}>
                {l === 'en' ? 'English' : 'Español'}
              </option>
            ))}
          </select>
        </label>
      </form>
    </main>
  );
}
