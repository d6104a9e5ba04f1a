/**
 * What operators do from a client's or a case's page, and enrolment: one action chosen at a time,
 * rendered by ActionForm from its CommandSpec. After a success the form closes and the panel says
 * what was recorded (the record itself is already refreshed).
 */
import { useState } from 'react';
import { useSubscriber } from '../api/queries.js';
import type { CaseView, SubscriberView } from '../api/views.js';
import { ActionForm, type CommandAnswer } from '../components/ActionForm.js';
import { Section } from '../components/Status.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages.js';
import { ruleSentence } from '../i18n/rules.js';
import type { Access } from '../lib/access.js';
import {
  AGREE_PLAN,
  ANALYZE_USAGE,
  APPROVE_TERMINATION,
  CLOSE_CASE,
  DOCUMENT_INCIDENT,
  ENROL,
  earliestEffectiveDate,
  minimumNoticeDays,
  PROPOSE_PLAN,
  recommendationAllowed,
  RECOMMEND_TERMINATION,
  REJECT_PLAN,
  REMEDY_STEPS,
  skipStep,
  subscriberCommandsFor,
  takeStep,
  type CommandContext,
  type CommandSpec,
} from '../lib/commands.js';
import { formatDay, formatInstant } from '../lib/format.js';
import { letterAvailable } from '../lib/letter.js';
import { hrefTo } from '../lib/route.js';
import { word } from '../lib/vocabulary.js';

interface Choice {
  key: string;
  spec: CommandSpec;
  title: string;
  disabled?: string;
  warning?: string;
}

/** "Recorded: …" after the form closed, announced once. */
function RecordedBanner({ recorded }: { recorded: { title: string; events: string[] } | null }) {
  const { t } = useI18n();
  if (!recorded) return null;
  return (
    <p className="good" role="status" data-recorded={recorded.events.join(' ')}>
      <strong>{t('form.recorded')}</strong>: {recorded.title} — {recorded.events.join(', ')}
    </p>
  );
}

/** The action chooser and the chosen form. */
function ActionPanel({ choices, ctx, targetId, version, onRecorded }: { choices: Choice[]; ctx: CommandContext; targetId: string; version: number; onRecorded?(choice: Choice, answer: CommandAnswer): void }) {
  const { t } = useI18n();
  const [chosen, setChosen] = useState('');
  const [recorded, setRecorded] = useState<{ title: string; events: string[] } | null>(null);
  const choice = choices.find((c) => c.key === chosen && !c.disabled);
  return (
    <div className="actions">
      <RecordedBanner recorded={recorded} />
      {choices.length === 0 ? null : (
      <label className="field">
        {t('actions.choose')}
        <select
          name="action"
          value={choice ? chosen : ''}
          onChange={(e) => {
            setChosen(e.target.value);
            setRecorded(null);
          }}
        >
          <option value="">—</option>
          {choices.map((c) => (
            <option key={c.key} value={c.key} disabled={c.disabled !== undefined}>
              {c.title}
            </option>
          ))}
        </select>
      </label>
      )}
      {choices
        .filter((c) => c.disabled)
        .map((c) => (
          <p key={c.key} className="muted small" data-blocked={c.spec.id}>
            {c.disabled}
          </p>
        ))}
      {choice ? (
        <ActionForm
          key={choice.key}
          spec={choice.spec}
          ctx={ctx}
          targetId={targetId}
          version={version}
          title={choice.title}
          warning={choice.warning}
          onRecorded={(answer) => {
            setChosen('');
            setRecorded({ title: choice.title, events: answer.events });
            onRecorded?.(choice, answer);
          }}
        />
      ) : null}
    </div>
  );
}

export function ClientActions({ subscriber }: { subscriber: SubscriberView }) {
  const { t, locale } = useI18n();
  const choices: Choice[] = subscriberCommandsFor(subscriber).map((o) => ({
    key: o.spec.id,
    spec: o.spec,
    title: t(`form.${o.spec.id}` as MessageKey),
    ...(o.warning ? { warning: ruleSentence(locale, o.warning) } : {}),
  }));
  const ctx: CommandContext = { now: new Date().toISOString(), locale, subscriber };
  return (
    <Section id="actions" title={t('actions.title')}>
      <p className="muted">{t('actions.lead')}</p>
      <ActionPanel
        choices={choices}
        ctx={ctx}
        targetId={subscriber.subscriberId}
        version={subscriber.version}
        onRecorded={(choice, answer) => {
          if (choice.spec.id === 'open-case') window.location.hash = hrefTo('cases', answer.id);
        }}
      />
    </Section>
  );
}

/** The remedy checklist with take/skip per step, and every other action the case allows now. */
export function CaseActions({ kase, access }: { kase: CaseView; access: Access }) {
  const { t, locale } = useI18n();
  const subscriber = useSubscriber(kase.subscriberId, null, access.operate);
  const s = subscriber.data;
  const ctx: CommandContext = { now: new Date().toISOString(), locale, kase, ...(s ? { subscriber: s } : {}) };
  const open = kase.status === 'open';
  const stepWord = (step: string) => word(locale, 'remedyStep', step);
  const choices: Choice[] = [];
  if (access.operate && open) {
    choices.push({ key: 'document-incident', spec: DOCUMENT_INCIDENT, title: t('form.document-incident') });
    if (kase.kind !== 'retention' || !kase.analysis) {
      for (const step of REMEDY_STEPS) {
        choices.push({ key: `take-${step}`, spec: takeStep(step), title: t('form.take-step', { step: stepWord(step) }) });
        choices.push({ key: `skip-${step}`, spec: skipStep(step), title: t('form.skip-step', { step: stepWord(step) }) });
      }
    }
    if (kase.kind === 'retention') {
      const settled = kase.agreedPlan !== null || kase.rejection !== null;
      if (!settled) choices.push({ key: 'analyze-usage', spec: ANALYZE_USAGE, title: t('form.analyze-usage') });
      if (!settled && kase.analysis) choices.push({ key: 'propose-plan', spec: PROPOSE_PLAN, title: t('form.propose-plan') });
      if (!settled && kase.proposedPlan) {
        choices.push({ key: 'agree-plan', spec: AGREE_PLAN, title: t('form.agree-plan') });
        choices.push({ key: 'reject-plan', spec: REJECT_PLAN, title: t('form.reject-plan') });
      }
    }
    if (!kase.approval) {
      const allowed = recommendationAllowed(kase);
      choices.push({
        key: 'recommend-termination',
        spec: RECOMMEND_TERMINATION,
        title: t('form.recommend-termination'),
        ...(allowed.allowed ? {} : { disabled: t('case.recommendBlocked', { steps: allowed.missing.map(stepWord).join(', ') }) }),
      });
    }
    choices.push({ key: 'close-case', spec: CLOSE_CASE, title: t('form.close-case') });
  }
  return (
    <Section id="case-actions" title={t('case.actions')}>
        {s && !kase.approval && open ? (
          <p className="muted" data-earliest={earliestEffectiveDate(s, ctx.now, kase.kind)}>
            {t('case.earliest', { date: formatDay(earliestEffectiveDate(s, ctx.now, kase.kind), locale), days: minimumNoticeDays(s, kase.kind) })}
          </p>
        ) : null}
        {kase.recommendation && !kase.approval ? (
          <p className="warn" data-awaiting-approval="">
            {t('case.awaitingApproval', { at: formatInstant(kase.recommendation.at, locale) })}
            {access.approve ? null : <> {t('case.operatorCannotApprove')}</>}
          </p>
        ) : null}
        {access.approve && open && kase.recommendation && !kase.approval ? <ActionForm spec={APPROVE_TERMINATION} ctx={ctx} targetId={kase.caseId} version={kase.version} /> : null}
        {letterAvailable(kase) ? (
          <p>
            <a href={`${hrefTo('cases', kase.caseId)}/letter`}>{t('case.letter')}</a>
          </p>
        ) : null}
        {/* Stays mounted on a closed case, so "Recorded: Close the case" is still said. */}
        {access.operate && s ? <ActionPanel choices={choices} ctx={ctx} targetId={kase.caseId} version={kase.version} /> : null}
    </Section>
  );
}

export function EnrolScreen() {
  const { t, locale } = useI18n();
  const [done, setDone] = useState<string | null>(null);
  return (
    <>
      <h1>{t('form.enrol')}</h1>
      <p className="muted">{t('enrol.lead')}</p>
      {done ? (
        <p className="good" role="status" data-recorded="SubscriberEnrolled">
          <strong>{t('form.recorded')}</strong>: <a href={hrefTo('clients', done)}>{t('enrol.done')}</a> ({done})
        </p>
      ) : null}
      <ActionForm spec={ENROL} ctx={{ now: new Date().toISOString(), locale }} onRecorded={(answer) => setDone(answer.id)} />
    </>
  );
}
