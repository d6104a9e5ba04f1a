import { useState } from 'react';
import { download } from '../api/client.js';
import { useI18n } from '../i18n/i18n.js';

/** Downloads the same rows the screen shows, in the format the service writes (CSV or JSON Lines). */
export function DownloadButton({ path, accept, fallbackName, label }: { path: string; accept: 'text/csv' | 'application/x-ndjson'; fallbackName: string; label?: string }) {
  const { t } = useI18n();
  const [error, setError] = useState<string | null>(null);
  return (
    <>
      <button
        type="button"
        className="secondary"
        onClick={() => {
          setError(null);
          download(path, accept, fallbackName).catch((e: Error) => setError(e.message));
        }}
      >
        {label ?? (accept === 'text/csv' ? t('common.downloadCsv') : t('common.downloadJsonl'))}
      </button>
      {error ? (
        <span role="alert" className="error">
          {error}
        </span>
      ) : null}
    </>
  );
}

/** `path?query` from a record, leaving out empty values. */
export function withQuery(path: string, query: Record<string, string | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v) params.set(k, v);
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}
