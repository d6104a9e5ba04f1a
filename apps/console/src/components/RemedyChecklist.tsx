/**
 * The five-step remedy's four steps of a case as a checklist — taken (when, outcome, notes),
 * skipped (when, why) or still to do — as the case screen and the executive's approval card show it.
 */
import type { CaseView } from '../api/views.js';
import { useI18n } from '../i18n/i18n.js';
import { REMEDY_STEPS } from '../lib/commands.js';
import { formatInstant } from '../lib/format.js';
import { word } from '../lib/vocabulary.js';

export function RemedyChecklist({ steps }: { steps: CaseView['remedySteps'] }) {
  const { t, locale } = useI18n();
  const at = (iso: string) => formatInstant(iso, locale);
  return (
    <ol className="checklist">
      {REMEDY_STEPS.map((step) => {
        const r = steps[step];
        return (
          <li key={step} data-step={step} className={r ? (r.taken ? 'taken' : 'skipped') : 'pending'}>
            <strong>{word(locale, 'remedyStep', step)}</strong>{' '}
            {r
              ? r.taken
                ? t('case.remedy.taken', { at: at(r.at), outcome: word(locale, 'remedyOutcome', r.outcome) }) + (r.notes ? ` — ${r.notes}` : '')
                : t('case.remedy.skipped', { at: at(r.at), justification: r.justification ?? '' })
              : t('case.remedy.pending')}
          </li>
        );
      })}
    </ol>
  );
}
