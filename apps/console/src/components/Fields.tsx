/**
 * One input per field kind of a CommandSpec. Module-level components with stable keys, so typing
 * never remounts an input (which would lose focus and the caret).
 */
import type { FieldSpec, FieldValue, Option, PlanActionRow } from '../lib/commands.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages.js';
import { word } from '../lib/vocabulary.js';

export interface FieldProps {
  id: string;
  field: FieldSpec;
  value: FieldValue | undefined;
  options: Option[];
  error?: string;
  helpValues?: Record<string, string | number>;
  onChange(name: string, value: FieldValue): void;
}

export function Field({ id, field, value, options, error, helpValues, onChange }: FieldProps) {
  const { t, locale } = useI18n();
  const label = t((field.label ?? `field.${field.name}`) as MessageKey);
  const inputId = `${id}-${field.name}`;
  const describedBy = [field.help ? `${inputId}-help` : '', error ? `${inputId}-error` : ''].filter(Boolean).join(' ') || undefined;
  const common = { id: inputId, name: field.name, 'aria-invalid': error ? true : undefined, 'aria-describedby': describedBy };
  const str = typeof value === 'string' ? value : '';
  const optionLabel = (o: Option) => o.label ?? (field.vocabulary ? word(locale, field.vocabulary, o.value) : o.value);
  const marker = field.required ? null : <span className="muted small"> {t('form.optional')}</span>;

  let control;
  switch (field.kind) {
    case 'textarea':
      control = <textarea {...common} rows={3} value={str} onChange={(e) => onChange(field.name, e.target.value)} />;
      break;
    case 'select':
      control = (
        <select {...common} value={str} onChange={(e) => onChange(field.name, e.target.value)}>
          {field.required ? null : <option value="">—</option>}
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {optionLabel(o)}
            </option>
          ))}
        </select>
      );
      break;
    case 'yesno':
      control = (
        <select {...common} value={value === false ? 'no' : 'yes'} onChange={(e) => onChange(field.name, e.target.value === 'yes')}>
          <option value="yes">{t('yes')}</option>
          <option value="no">{t('no')}</option>
        </select>
      );
      break;
    case 'checkbox':
      return (
        <div className="field check">
          <label htmlFor={inputId}>
            <input {...common} type="checkbox" checked={value === true} onChange={(e) => onChange(field.name, e.target.checked)} /> {label}
          </label>
          <Help id={inputId} field={field} values={helpValues} />
          <FieldError id={inputId} error={error} />
        </div>
      );
    case 'checkboxes': {
      const chosen = Array.isArray(value) ? (value as string[]) : [];
      return (
        <fieldset className="field" aria-describedby={describedBy} aria-invalid={error ? true : undefined}>
          <legend>
            {label}
            {marker}
          </legend>
          {options.length === 0 ? <p className="muted small">{t('common.none')}</p> : null}
          {options.map((o) => (
            <label key={o.value} className="check">
              <input
                type="checkbox"
                name={field.name}
                value={o.value}
                checked={chosen.includes(o.value)}
                onChange={(e) => onChange(field.name, e.target.checked ? [...chosen, o.value] : chosen.filter((x) => x !== o.value))}
              />{' '}
              {optionLabel(o)}
            </label>
          ))}
          <Help id={inputId} field={field} values={helpValues} />
          <FieldError id={inputId} error={error} />
        </fieldset>
      );
    }
    case 'actions':
      return <PlanActions id={inputId} rows={Array.isArray(value) ? (value as PlanActionRow[]) : []} error={error} onChange={(rows) => onChange(field.name, rows)} />;
    default: {
      const type = field.kind === 'date' ? 'date' : field.kind === 'month' ? 'month' : field.kind === 'instant' ? 'datetime-local' : 'text';
      const inputMode = field.kind === 'money' ? 'decimal' : field.kind === 'count' ? 'numeric' : undefined;
      control = <input {...common} type={type} inputMode={inputMode} value={str} autoComplete="off" onChange={(e) => onChange(field.name, e.target.value)} />;
    }
  }
  return (
    <div className="field">
      <label htmlFor={inputId}>
        {label}
        {marker}
      </label>
      {control}
      <Help id={inputId} field={field} values={helpValues} />
      <FieldError id={inputId} error={error} />
    </div>
  );
}

function Help({ id, field, values }: { id: string; field: FieldSpec; values?: Record<string, string | number> }) {
  const { t } = useI18n();
  if (!field.help) return null;
  return (
    <span id={`${id}-help`} className="muted small help">
      {t(field.help as MessageKey, values)}
    </span>
  );
}

function FieldError({ id, error }: { id: string; error?: string }) {
  if (!error) return null;
  return (
    <span id={`${id}-error`} className="field-error" role="alert">
      {error}
    </span>
  );
}

/** The retention plan editor: actions owned by the provider and by the client, each with a due date. */
function PlanActions({ id, rows, error, onChange }: { id: string; rows: PlanActionRow[]; error?: string; onChange(rows: PlanActionRow[]): void }) {
  const { t } = useI18n();
  const set = (i: number, patch: Partial<PlanActionRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const add = (owner: PlanActionRow['owner']) => onChange([...rows, { owner, description: '', dueDate: rows.at(-1)?.dueDate ?? '' }]);
  return (
    <fieldset className="field plan" aria-invalid={error ? true : undefined}>
      <legend>{t('field.actions')}</legend>
      <table>
        <thead>
          <tr>
            <th scope="col">{t('plan.owner')}</th>
            <th scope="col">{t('plan.description')}</th>
            <th scope="col">{t('plan.dueDate')}</th>
            <th scope="col">
              <span className="visually-hidden">{t('plan.remove')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            // Rows have no id of their own; the index is stable while typing (rows only move on add/remove).
            <tr key={i} data-owner={r.owner}>
              <td>
                <select aria-label={`${t('plan.owner')} ${i + 1}`} value={r.owner} onChange={(e) => set(i, { owner: e.target.value as PlanActionRow['owner'] })}>
                  <option value="provider">{t('case.owner.provider')}</option>
                  <option value="client">{t('case.owner.client')}</option>
                </select>
              </td>
              <td>
                <input aria-label={`${t('plan.description')} ${i + 1}`} name={`actions.${i}.description`} value={r.description} onChange={(e) => set(i, { description: e.target.value })} />
              </td>
              <td>
                <input aria-label={`${t('plan.dueDate')} ${i + 1}`} name={`actions.${i}.dueDate`} type="date" value={r.dueDate} onChange={(e) => set(i, { dueDate: e.target.value })} />
              </td>
              <td>
                <button type="button" className="secondary" onClick={() => onChange(rows.filter((_, j) => j !== i))}>
                  {t('plan.remove')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <button type="button" className="secondary" onClick={() => add('provider')}>
          {t('plan.addProvider')}
        </button>
        <button type="button" className="secondary" onClick={() => add('client')}>
          {t('plan.addClient')}
        </button>
      </div>
      <FieldError id={id} error={error} />
    </fieldset>
  );
}
