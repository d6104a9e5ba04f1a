import { useState } from 'react';
import { useCases } from '../api/queries.js';
import { DataTable } from '../components/DataTable.js';
import { ErrorNotice, Loading } from '../components/Status.js';
import { useI18n } from '../i18n/i18n.js';
import { formatInstant } from '../lib/format.js';
import { hrefTo } from '../lib/route.js';
import { word } from '../lib/vocabulary.js';

export function CasesScreen() {
  const { t, locale } = useI18n();
  const [status, setStatus] = useState<'open' | 'closed' | ''>('open');
  const cases = useCases({ status: status || undefined });
  return (
    <>
      <h1>{t('cases.title')}</h1>
      <form className="controls" onSubmit={(e) => e.preventDefault()} aria-label={t('cases.title')}>
        <label>
          {t('common.status')}{' '}
          <select name="status" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            <option value="">{t('clients.flag.any')}</option>
            <option value="open">{t('status.open')}</option>
            <option value="closed">{t('status.closed')}</option>
          </select>
        </label>
      </form>
      {cases.isError ? <ErrorNotice error={cases.error} retry={() => void cases.refetch()} /> : null}
      {cases.isPending ? (
        <Loading />
      ) : (
        <DataTable
          caption={t('cases.title')}
          rows={cases.data?.cases ?? []}
          rowKey={(c) => c.caseId}
          empty={t('common.none')}
          columns={[
            { key: 'case', label: t('cases.col.case'), render: (c) => <a href={hrefTo('cases', c.caseId)}>{c.caseId}</a>, sortValue: (c) => c.caseId },
            { key: 'kind', label: t('cases.col.kind'), render: (c) => word(locale, 'caseKind', c.kind), sortValue: (c) => c.kind },
            { key: 'client', label: t('cases.col.client'), render: (c) => <a href={hrefTo('clients', c.subscriberId)}>{c.subscriberId}</a>, sortValue: (c) => c.subscriberId },
            { key: 'summary', label: t('case.summary'), render: (c) => c.summary },
            { key: 'status', label: t('common.status'), render: (c) => t(`status.${c.status}`) },
            { key: 'opened', label: t('cases.col.opened'), render: (c) => formatInstant(c.openedAt, locale), sortValue: (c) => c.openedAt },
          ]}
        />
      )}
    </>
  );
}
