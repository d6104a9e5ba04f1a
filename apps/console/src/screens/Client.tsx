import { useEffect, useState } from 'react';
import { ApiError } from '../api/client.js';
import { useCases, useSubscriber, useSubscriberHistory, useSubscriberIntegrity } from '../api/queries.js';
import type { SubscriberView } from '../api/views.js';
import { DataTable } from '../components/DataTable.js';
import { DownloadButton } from '../components/Download.js';
import { ErrorNotice, Loading, Section } from '../components/Status.js';
import { IntegrityBadge, Timeline } from '../components/Timeline.js';
import { useI18n } from '../i18n/i18n.js';
import type { Access } from '../lib/access.js';
import { formatDay, formatInstant, formatMoney } from '../lib/format.js';
import { hrefTo } from '../lib/route.js';
import { word } from '../lib/vocabulary.js';
import { ClientActions } from './Operations.js';

/** `datetime-local` shows no zone: the console reads and writes it as UTC, and says so. */
export function toUtcInstant(local: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local)) return null;
  return `${local.length === 16 ? `${local}:00` : local}Z`;
}
export function toLocalInput(instant: string | null): string {
  return instant ? instant.slice(0, 16) : '';
}

export function ClientScreen({ id, asOf, access }: { id: string; asOf: string | null; access: Access }) {
  const { t, locale } = useI18n();
  const subscriber = useSubscriber(id, asOf);
  const history = useSubscriberHistory(id, access.history);
  const integrity = useSubscriberIntegrity(id, access.history);
  const cases = useCases({ subscriberId: id }, access.cases);
  const [picked, setPicked] = useState(toLocalInput(asOf));
  useEffect(() => setPicked(toLocalInput(asOf)), [asOf]);

  if (subscriber.isPending) return <Loading />;
  if (subscriber.isError) {
    if (subscriber.error instanceof ApiError && subscriber.error.status === 404) return <p role="alert">{t('client.notFound', { id })}</p>;
    return <ErrorNotice error={subscriber.error} retry={() => void subscriber.refetch()} />;
  }
  const s = subscriber.data;
  const money = (minor: number) => formatMoney(minor, s.currency, locale);
  const applyAsOf = (value: string | null) => {
    window.location.hash = hrefTo('clients', id, { asOf: value ?? undefined });
  };
  return (
    <>
      <h1>
        {t('client.title', { name: s.name })} <small className="muted">{s.subscriberId}</small>
      </h1>
      <div className="toolbar">
        <form
          className="controls"
          onSubmit={(e) => {
            e.preventDefault();
            applyAsOf(toUtcInstant(picked));
          }}
        >
          <label>
            {t('client.asOf')} (UTC){' '}
            <input type="datetime-local" name="asOf" value={picked} onChange={(e) => setPicked(e.target.value)} aria-describedby="asof-help" />
          </label>
          <button type="submit">{t('client.asOf')}</button>
          {asOf ? (
            <button type="button" className="secondary" onClick={() => applyAsOf(null)}>
              {t('client.asOfClear')}
            </button>
          ) : null}
          <span id="asof-help" className="muted small">
            {t('client.asOfHelp')}
          </span>
        </form>
        {access.history ? <IntegrityBadge state={integrity} /> : null}
        {access.history ? <DownloadButton path={`/v1/subscribers/${encodeURIComponent(id)}/history`} accept="application/x-ndjson" fallbackName={`subscriber-${id}.jsonl`} /> : null}
      </div>
      <Section id="state" title={asOf ? t('client.stateAsOf', { asOf: formatInstant(asOf, locale) }) : t('client.state')}>
        <StateSummary s={s} money={money} />
      </Section>
      {access.operate ? asOf ? <p className="muted">{t('actions.asOfReadOnly')}</p> : <ClientActions subscriber={s} /> : null}
      <Section id="invoices" title={t('client.invoices')}>
        <DataTable
          caption={t('client.invoices')}
          rows={s.invoices}
          rowKey={(i) => i.invoiceId}
          empty={t('common.none')}
          columns={[
            { key: 'id', label: 'ID', render: (i) => i.invoiceId },
            { key: 'period', label: t('client.invoice.period'), render: (i) => i.period, sortValue: (i) => i.period },
            { key: 'amount', label: t('client.invoice.amount'), numeric: true, render: (i) => money(i.amount), sortValue: (i) => i.amount },
            { key: 'due', label: t('client.invoice.due'), render: (i) => formatDay(i.dueDate, locale), sortValue: (i) => i.dueDate },
            { key: 'owed', label: t('client.invoice.owed'), numeric: true, render: (i) => money(i.owed), sortValue: (i) => i.owed },
            { key: 'status', label: t('client.invoice.status'), render: (i) => t(`client.invoice.status.${i.status}`) },
          ]}
        />
      </Section>
      <Section id="costs" title={t('client.costs')}>
        <DataTable
          caption={t('client.costs')}
          rows={s.costs}
          rowKey={(c) => `${c.at}-${c.kind}-${c.amount}`}
          empty={t('common.none')}
          columns={[
            { key: 'at', label: t('client.businessTime'), render: (c) => formatInstant(c.at, locale), sortValue: (c) => c.at },
            { key: 'kind', label: t('case.kind'), render: (c) => word(locale, 'costKind', c.kind) },
            { key: 'amount', label: t('client.invoice.amount'), numeric: true, render: (c) => money(c.amount), sortValue: (c) => c.amount },
            { key: 'minutes', label: 'min', numeric: true, render: (c) => (c.minutes === null ? '—' : String(c.minutes)) },
          ]}
        />
      </Section>
      {access.cases ? (
        <Section id="cases" title={t('client.cases')}>
          {cases.data ? (
            <DataTable
              caption={t('client.cases')}
              rows={cases.data.cases}
              rowKey={(c) => c.caseId}
              empty={t('common.none')}
              columns={[
                { key: 'case', label: t('cases.col.case'), render: (c) => <a href={hrefTo('cases', c.caseId)}>{c.caseId}</a> },
                { key: 'kind', label: t('cases.col.kind'), render: (c) => word(locale, 'caseKind', c.kind) },
                { key: 'status', label: t('common.status'), render: (c) => t(`status.${c.status}`) },
                { key: 'opened', label: t('cases.col.opened'), render: (c) => formatInstant(c.openedAt, locale) },
              ]}
            />
          ) : (
            <Loading />
          )}
        </Section>
      ) : null}
      <Section id="timeline" title={t('client.timeline')}>
        {!access.history ? (
          <p className="muted">{t('client.timelineNeedsAuditor')}</p>
        ) : history.isError ? (
          <ErrorNotice error={history.error} />
        ) : history.data ? (
          <Timeline events={history.data.events} currency={s.currency} asOf={asOf} caption={t('client.timeline')} />
        ) : (
          <Loading />
        )}
      </Section>
    </>
  );
}

function StateSummary({ s, money }: { s: SubscriberView; money: (minor: number) => string }) {
  const { t, locale } = useI18n();
  return (
    <dl className="facts">
      <dt>{t('common.status')}</dt>
      <dd data-field="status">{t(`status.${s.status}`)}</dd>
      <dt>{t('client.plan')}</dt>
      <dd>
        {s.plan.code} · {money(s.plan.monthlyFee)}
      </dd>
      <dt>{t('client.balance')}</dt>
      <dd data-field="balance">{money(s.balance)}</dd>
      <dt>{t('client.overdue')}</dt>
      <dd>{money(s.overdue)}</dd>
      <dt>{t('client.segment')}</dt>
      <dd>{word(locale, 'segment', s.segment)}</dd>
      <dt>{t('client.salesRep')}</dt>
      <dd>{s.salesRepId}</dd>
      <dt>{t('client.enrolledAt')}</dt>
      <dd>{formatInstant(s.enrolledAt, locale)}</dd>
      <dt>{t('client.totalsLabel')}</dt>
      <dd>{t('client.totals', { billed: money(s.totals.billed), paid: money(s.totals.paid), writtenOff: money(s.totals.writtenOff), cost: money(s.totals.costToServe) })}</dd>
      {s.suspension ? (
        <>
          <dt>{t('status.suspended')}</dt>
          <dd>
            {t('client.suspension', { at: formatInstant(s.suspension.since, locale) })} · {word(locale, 'suspensionReason', s.suspension.reason)}
          </dd>
        </>
      ) : null}
      {s.notice ? (
        <>
          <dt>{t('status.notice')}</dt>
          <dd data-notice={s.notice.effectiveDate}>
            {t('client.notice', { date: formatDay(s.notice.effectiveDate, locale), by: word(locale, 'initiator', s.notice.initiatedBy) })}
            {s.notice.reasons.length > 0 ? <> — {s.notice.reasons.join('; ')}</> : null}
            {s.notice.caseId ? (
              <>
                {' '}
                <a href={hrefTo('cases', s.notice.caseId)}>{s.notice.caseId}</a>
              </>
            ) : null}
          </dd>
        </>
      ) : null}
      {s.pendingCancellation ? (
        <>
          <dt>{t('client.pendingCancellation', { reason: '' }).replace(/:\s*$/, '')}</dt>
          <dd>{s.pendingCancellation.reason}</dd>
        </>
      ) : null}
      <dt>{t('client.openCases')}</dt>
      <dd>
        {(s.openCases ?? []).length === 0
          ? t('common.none')
          : (s.openCases ?? []).map((c) => (
              <a key={c.caseId} href={hrefTo('cases', c.caseId)} className="chip">
                {word(locale, 'caseKind', c.kind)}
              </a>
            ))}
      </dd>
      <dt>{t('common.version')}</dt>
      <dd>{s.version}</dd>
    </dl>
  );
}
