import { ApiError } from '../api/client.js';
import { useCase, useCaseHistory, useCaseIntegrity } from '../api/queries.js';
import { DataTable } from '../components/DataTable.js';
import { RemedyChecklist } from '../components/RemedyChecklist.js';
import { ErrorNotice, Loading, Section } from '../components/Status.js';
import { IntegrityBadge, Timeline } from '../components/Timeline.js';
import { useI18n } from '../i18n/i18n.js';
import type { Access } from '../lib/access.js';
import { formatDay, formatInstant } from '../lib/format.js';
import { hrefTo } from '../lib/route.js';
import { word } from '../lib/vocabulary.js';
import { KINDS_EXCUSED_FROM_REMEDY } from '../lib/commands.js';
import { CaseActions } from './Operations.js';


/** A case, read-only: remedy steps, analysis, retention plan, recommendation, approval, closure, timeline. */
export function CaseScreen({ id, access }: { id: string; access: Access }) {
  const { t, locale } = useI18n();
  const kase = useCase(id);
  const history = useCaseHistory(id, access.cases);
  const integrity = useCaseIntegrity(id, access.history);
  if (kase.isPending) return <Loading />;
  if (kase.isError) {
    if (kase.error instanceof ApiError && kase.error.status === 404) return <p role="alert">{t('common.notFound')}</p>;
    return <ErrorNotice error={kase.error} retry={() => void kase.refetch()} />;
  }
  const c = kase.data;
  const at = (iso: string) => formatInstant(iso, locale);
  const plan = c.agreedPlan ?? c.proposedPlan;
  return (
    <>
      <h1>
        {t('case.title', { id: c.caseId })} <small className="muted">{word(locale, 'caseKind', c.kind)}</small>
      </h1>
      <div className="toolbar">
        <span className="badge">{t(`status.${c.status}`)}</span>
        {access.clientState ? (
          <a href={hrefTo('clients', c.subscriberId)}>
            {t('case.client')}: {c.subscriberId}
          </a>
        ) : (
          <span>
            {t('case.client')}: {c.subscriberId}
          </span>
        )}
        {access.history ? <IntegrityBadge state={integrity} /> : null}
      </div>
      <Section id="summary" title={t('case.summary')}>
        <p>{c.summary}</p>
        <p className="muted">{t('case.openedBy', { by: c.openedBy, at: at(c.openedAt) })}</p>
      </Section>
      <Section id="incidents" title={t('case.incidents')}>
        <DataTable
          caption={t('case.incidents')}
          rows={c.incidents}
          rowKey={(i) => `${i.incidentAt}-${i.description}`}
          empty={t('common.none')}
          columns={[
            { key: 'at', label: t('client.businessTime'), render: (i) => at(i.incidentAt) },
            { key: 'description', label: t('case.summary'), render: (i) => i.description },
          ]}
        />
      </Section>
      <Section id="remedy" title={t('case.remedy')}>
        <p className="muted small">{KINDS_EXCUSED_FROM_REMEDY.includes(c.kind) ? t('case.checklistExcused') : t('case.checklistLead')}</p>
        <RemedyChecklist steps={c.remedySteps} />
      </Section>
      {c.analysis ? (
        <Section id="analysis" title={t('case.analysis')}>
          <p>{c.analysis.findings}</p>
          <p className="muted">{c.analysis.causes.map((x) => word(locale, 'usageCause', x)).join(', ')}</p>
        </Section>
      ) : null}
      {plan || c.rejection ? (
        <Section id="plan" title={t('case.plan')}>
          {plan ? (
            <>
              <p className="muted">
                {c.agreedPlan ? t('case.planAgreed', { by: c.agreedPlan.agreedBy, at: at(c.agreedPlan.at) }) : t('case.planProposed', { at: at(plan.at) })}
              </p>
              <DataTable
                caption={t('case.plan')}
                rows={plan.actions}
                rowKey={(a) => `${a.owner}-${a.description}-${a.dueDate}`}
                columns={[
                  { key: 'owner', label: t('case.kind'), render: (a) => t(`case.owner.${a.owner}`) },
                  { key: 'description', label: t('case.summary'), render: (a) => a.description },
                  { key: 'due', label: t('client.invoice.due'), render: (a) => formatDay(a.dueDate, locale) },
                ]}
              />
              {plan.goodwillGesture ? <p>{t('case.goodwill', { gesture: plan.goodwillGesture })}</p> : null}
            </>
          ) : null}
          {c.rejection ? <p>{t('case.planRejected', { at: at(c.rejection.at), reason: c.rejection.reason, date: formatDay(c.rejection.effectiveDate, locale) })}</p> : null}
        </Section>
      ) : null}
      {c.recommendation ? (
        <Section id="recommendation" title={t('case.recommendation')}>
          <ul>
            {c.recommendation.reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
          <p>
            {t('case.recommendationDetail', {
              date: formatDay(c.recommendation.effectiveDate, locale),
              provider: c.recommendation.recommendedProvider ?? '—',
              support: c.recommendation.transitionSupport ? t('yes') : t('no'),
            })}
          </p>
          {c.approval ? <p className="good">{t('case.approval', { by: c.approval.approvedBy, at: at(c.approval.at) })}</p> : null}
        </Section>
      ) : null}
      {c.closure ? <p className="badge">{t('case.closure', { at: at(c.closure.at), outcome: word(locale, 'caseOutcome', c.closure.outcome) })}</p> : null}
      {access.operate || access.approve ? <CaseActions kase={c} access={access} /> : null}
      {access.cases ? (
      <Section id="case-timeline" title={t('case.timeline')}>
        {history.isError ? <ErrorNotice error={history.error} /> : history.data ? <Timeline events={history.data.events} currency="" asOf={null} caption={t('case.timeline')} /> : <Loading />}
      </Section>
      ) : null}
    </>
  );
}
