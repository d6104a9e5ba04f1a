/**
 * The operator's home: one tab per work queue with its count, each row opening the client or the
 * case (issue 16). The queue is in the URL (`#/queues?queue=open-cases`), so a tab can be shared.
 */
import { useMemo, type ReactNode } from 'react';
import { COUNT_OF, useQueue, useQueueCounts, WORK_QUEUES, type QueueItems, type WorkQueueName } from '../api/operations.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { ErrorNotice, Loading } from '../components/Status.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages.js';
import { formatDay, formatInstant, formatMoney, type Locale } from '../lib/format.js';
import { hrefTo } from '../lib/route.js';
import { word } from '../lib/vocabulary.js';

type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

const clientLink = (row: { subscriberId: string; name: string }): ReactNode => (
  <a href={hrefTo('clients', row.subscriberId)} data-client={row.subscriberId}>
    {row.name} <span className="muted small">{row.subscriberId}</span>
  </a>
);
const caseLink = (caseId: string): ReactNode => (
  <a href={hrefTo('cases', caseId)} data-case={caseId}>
    {caseId}
  </a>
);

function columnsOf<Q extends WorkQueueName>(queue: Q, t: Translate, locale: Locale): Column<QueueItems[Q]>[] {
  const client = { key: 'client', label: t('queues.col.client'), render: clientLink, sortValue: (r: { name: string }) => r.name };
  const columns: { [K in WorkQueueName]: Column<QueueItems[K]>[] } = {
    'in-default': [
      client,
      { key: 'owed', label: t('queues.col.owed'), numeric: true, render: (r) => formatMoney(r.amountOwed, r.currency, locale), sortValue: (r) => r.amountOwed },
      { key: 'missed', label: t('queues.col.missed'), numeric: true, render: (r) => String(r.missedInvoices), sortValue: (r) => r.missedInvoices },
      { key: 'dpd', label: t('queues.col.daysPastDue'), numeric: true, render: (r) => String(r.daysPastDue), sortValue: (r) => r.daysPastDue },
      { key: 'arrangement', label: t('queues.col.arrangement'), render: (r) => (r.arrangement ? t('queues.arrangementUntil', { date: formatDay(r.arrangement.payBy, locale) }) : '—') },
    ],
    'suspensions-due': [client, { key: 'due', label: t('queues.col.dueAt'), render: (r) => formatInstant(r.dueAt, locale), sortValue: (r) => r.dueAt }],
    'unprofitable-without-case': [
      client,
      { key: 'collected', label: t('queues.col.collected'), numeric: true, render: (r) => formatMoney(r.collected, r.currency, locale), sortValue: (r) => r.collected },
      { key: 'cost', label: t('queues.col.cost'), numeric: true, render: (r) => formatMoney(r.costToServe, r.currency, locale), sortValue: (r) => r.costToServe },
      { key: 'margin', label: t('queues.col.margin'), numeric: true, render: (r) => formatMoney(r.trailingMargin, r.currency, locale), sortValue: (r) => r.trailingMargin },
    ],
    'open-cases': [
      { key: 'case', label: t('queues.col.case'), render: (r) => caseLink(r.caseId), sortValue: (r) => r.caseId },
      client,
      { key: 'kind', label: t('queues.col.kind'), render: (r) => word(locale, 'caseKind', r.kind), sortValue: (r) => r.kind },
      { key: 'opened', label: t('queues.col.opened'), render: (r) => formatInstant(r.openedAt, locale), sortValue: (r) => r.openedAt },
      { key: 'next', label: t('queues.col.nextStep'), render: (r) => <span data-next-step={r.nextStep}>{t(`next.${r.nextStep}` as MessageKey)}</span>, sortValue: (r) => r.nextStep },
    ],
    'pending-cancellations': [
      client,
      { key: 'requested', label: t('queues.col.requested'), render: (r) => formatInstant(r.requestedAt, locale), sortValue: (r) => r.requestedAt },
      { key: 'reason', label: t('queues.col.reason'), render: (r) => r.reason },
      { key: 'case', label: t('queues.col.case'), render: (r) => (r.caseId ? caseLink(r.caseId) : t('queues.noCase')) },
    ],
    'notices-ending': [
      client,
      { key: 'effective', label: t('queues.col.effective'), render: (r) => formatDay(r.effectiveDate, locale), sortValue: (r) => r.effectiveDate },
      { key: 'by', label: t('queues.col.by'), render: (r) => word(locale, 'initiator', r.initiatedBy) },
    ],
  };
  return columns[queue] as Column<QueueItems[Q]>[];
}

function rowKeyOf(row: object): string {
  const r = row as { caseId?: string | null; subscriberId: string };
  return `${r.subscriberId}:${r.caseId ?? ''}`;
}

export function WorkQueues({ query }: { query: URLSearchParams }) {
  const { t, locale } = useI18n();
  const counts = useQueueCounts(true);
  const requested = query.get('queue');
  const queue: WorkQueueName = (WORK_QUEUES as readonly string[]).includes(requested ?? '') ? (requested as WorkQueueName) : 'in-default';
  return (
    <>
      <h1>{t('queues.title')}</h1>
      <p className="muted">{t('queues.lead')}</p>
      {counts.isError ? <ErrorNotice error={counts.error} retry={() => void counts.refetch()} /> : null}
      {counts.data?.asOf ? <p className="muted small">{t('queues.asOf', { asOf: formatInstant(counts.data.asOf, locale) })}</p> : null}
      <div className="tabs" role="tablist" aria-label={t('queues.title')}>
        {WORK_QUEUES.map((q) => {
          const count = counts.data?.counts[COUNT_OF[q]];
          return (
            <a key={q} role="tab" aria-selected={q === queue} href={hrefTo('queues', undefined, { queue: q })} data-queue={q} data-count={count ?? ''}>
              {t('queues.tab', { label: t(`queues.${q}` as MessageKey), count: count ?? '…' })}
            </a>
          );
        })}
      </div>
      <QueueTable key={queue} queue={queue} />
    </>
  );
}

function QueueTable({ queue }: { queue: WorkQueueName }) {
  const { t, locale } = useI18n();
  const pages = useQueue(queue);
  const rows = useMemo(() => (pages.data?.pages ?? []).flatMap((p) => p.items as object[]), [pages.data]);
  if (pages.isPending) return <Loading />;
  if (pages.isError) return <ErrorNotice error={pages.error} retry={() => void pages.refetch()} />;
  return (
    <div role="tabpanel" data-queue-panel={queue} data-rows={rows.length}>
      <DataTable caption={t(`queues.${queue}` as MessageKey)} columns={columnsOf(queue, t, locale) as Column<object>[]} rows={rows} rowKey={rowKeyOf} empty={t('queues.empty')} />
      {pages.hasNextPage ? (
        <p>
          <button type="button" onClick={() => void pages.fetchNextPage()} disabled={pages.isFetchingNextPage} data-more={queue}>
            {pages.isFetchingNextPage ? t('common.loading') : t('queues.loadMore')}
          </button>
        </p>
      ) : null}
    </div>
  );
}
