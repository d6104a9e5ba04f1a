/**
 * The executive's inbox: every recommended termination with the whole case on one page — remedy
 * steps, incidents, reasons, the notice's effective date, the recommended provider — and approval
 * in one action. Approval gives the client the notice at once (the operator sees it on the client).
 */
import { useState } from 'react';
import { useApprovals, type ApprovalItem } from '../api/operations.js';
import { useCase } from '../api/queries.js';
import { ActionForm } from '../components/ActionForm.js';
import { RemedyChecklist } from '../components/RemedyChecklist.js';
import { ErrorNotice, Loading } from '../components/Status.js';
import { useI18n } from '../i18n/i18n.js';
import { APPROVE_TERMINATION } from '../lib/commands.js';
import { formatDay, formatInstant } from '../lib/format.js';
import { hrefTo } from '../lib/route.js';
import { word } from '../lib/vocabulary.js';

export function Approvals() {
  const { t } = useI18n();
  const inbox = useApprovals(true);
  const [approved, setApproved] = useState<{ caseId: string; name: string; events: string[] } | null>(null);
  const items = inbox.data?.pages.flatMap((page) => page.items) ?? [];
  return (
    <>
      <h1>{t('approvals.title')}</h1>
      <p className="muted">{t('approvals.lead')}</p>
      {approved ? (
        <p className="good" role="status" data-recorded={approved.events.join(' ')} data-case={approved.caseId}>
          <strong>{t('form.recorded')}</strong>: {t('form.approve-termination')} — {approved.name} ({approved.caseId}): {approved.events.join(', ')}
        </p>
      ) : null}
      {inbox.isPending ? <Loading /> : null}
      {inbox.isError ? <ErrorNotice error={inbox.error} retry={() => void inbox.refetch()} /> : null}
      {inbox.data && items.length === 0 ? <p>{t('approvals.empty')}</p> : null}
      <div data-approvals="" data-rows={items.length}>
        {items.map((item) => (
          <ApprovalCard key={item.caseId} item={item} onApproved={(events) => setApproved({ caseId: item.caseId, name: item.name, events })} />
        ))}
      </div>
      {inbox.hasNextPage ? (
        <p>
          <button type="button" onClick={() => void inbox.fetchNextPage()} disabled={inbox.isFetchingNextPage} data-more="approvals">
            {inbox.isFetchingNextPage ? t('common.loading') : t('queues.loadMore')}
          </button>
        </p>
      ) : null}
    </>
  );
}

function ApprovalCard({ item, onApproved }: { item: ApprovalItem; onApproved(events: string[]): void }) {
  const { t, locale } = useI18n();
  const kase = useCase(item.caseId);
  const at = (iso: string) => formatInstant(iso, locale);
  return (
    <article className="card approval" data-case={item.caseId} aria-labelledby={`approval-${item.caseId}`}>
      <header className="card-head">
        <h2 id={`approval-${item.caseId}`}>
          {item.name} <small className="muted">{word(locale, 'caseKind', item.kind)}</small>
        </h2>
        <span className="muted small">
          {t('approvals.recommendedAt', { at: at(item.recommendedAt) })} · <strong>{t('approvals.effective', { date: formatDay(item.effectiveDate, locale) })}</strong>
        </span>
      </header>
      {kase.isPending ? <Loading /> : null}
      {kase.isError ? <ErrorNotice error={kase.error} retry={() => void kase.refetch()} /> : null}
      {kase.data ? (
        <div className="approval-body">
          <p>{kase.data.summary}</p>
          {kase.data.recommendation ? (
            <>
              <h3>{t('approvals.reasons')}</h3>
              <ul data-reasons="">
                {kase.data.recommendation.reasons.map((r) => (
                  <li key={r}>{r}</li>
                ))}
              </ul>
              <p>
                {kase.data.recommendation.recommendedProvider ? t('approvals.provider', { provider: kase.data.recommendation.recommendedProvider }) : t('approvals.noProvider')}
                {' · '}
                {t('approvals.support', { support: kase.data.recommendation.transitionSupport ? t('yes') : t('no') })}
              </p>
            </>
          ) : null}
          <h3>{t('approvals.steps')}</h3>
          <RemedyChecklist steps={kase.data.remedySteps} />
          <h3>{t('approvals.incidents')}</h3>
          {kase.data.incidents.length === 0 ? (
            <p className="muted">{t('common.none')}</p>
          ) : (
            <ul>
              {kase.data.incidents.map((i) => (
                <li key={`${i.incidentAt}-${i.description}`}>
                  {at(i.incidentAt)}: {i.description}
                </li>
              ))}
            </ul>
          )}
          <p>
            <a href={hrefTo('cases', item.caseId)}>{t('approvals.openCase')}</a>
          </p>
          <ActionForm spec={APPROVE_TERMINATION} ctx={{ now: new Date().toISOString(), locale, kase: kase.data }} targetId={item.caseId} version={kase.data.version} onRecorded={(answer) => onApproved(answer.events)} />
        </div>
      ) : null}
    </article>
  );
}
