/**
 * Renders, checks and sends one CommandSpec.
 *
 * - Checks what it can before sending (the spec's checks); nothing is sent while one fails.
 * - `If-Match` carries the version the screen shows, so a decision made on a stale view is 412,
 *   never applied to a record the operator did not see; the 412 reloads the record.
 * - One `Idempotency-Key` per distinct submission: a double click, a retry after a lost answer or
 *   a re-render re-sends the same key (the service records once and replays its answer); the key
 *   changes only when what is sent changes, or after a success.
 * - A refusal shows the rule in words beside its code (`data-code`, for people and tests alike).
 */
import { useId, useRef, useState, type FormEvent } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { api } from '../api/client.js';
import { notePosition } from '../api/operations.js';
import { useI18n } from '../i18n/i18n.js';
import type { MessageKey } from '../i18n/messages.js';
import { ruleSentence } from '../i18n/rules.js';
import { fieldChecks, type CommandContext, type CommandSpec, type FieldCheck, type FieldValue, type FormValues } from '../lib/commands.js';
import { Field } from './Fields.js';

export interface CommandAnswer {
  id: string;
  version: number;
  position: string;
  events: string[];
}

type Outcome =
  | { kind: 'idle' }
  | { kind: 'sending' }
  | { kind: 'checks' }
  | { kind: 'recorded'; answer: CommandAnswer }
  | { kind: 'refused'; status: number; code: string; detail: string; errors: Array<{ field: string; message: string }>; requestId?: string };

export interface ActionFormProps {
  spec: CommandSpec;
  ctx: CommandContext;
  /** The aggregate `{id}` names (subscriber or case); absent for a creation. */
  targetId?: string;
  /** The version the screen shows: sent as If-Match. */
  version?: number;
  title?: string;
  /** A rule the service will apply, said before sending. */
  warning?: string;
  onRecorded?(answer: CommandAnswer): void;
}

/** A random key that also works outside secure contexts (crypto.randomUUID needs one). */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return `console-${crypto.randomUUID()}`;
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function ActionForm({ spec, ctx, targetId, version, title, warning, onRecorded }: ActionFormProps) {
  const { t } = useI18n();
  const formId = useId();
  const queryClient = useQueryClient();
  const [values, setValues] = useState<FormValues>(() => spec.initial?.(ctx) ?? {});
  const [problems, setProblems] = useState<FieldCheck[]>([]);
  const [outcome, setOutcome] = useState<Outcome>({ kind: 'idle' });
  // The submission the current key belongs to: the same request again reuses it.
  const submission = useRef<{ fingerprint: string; key: string } | null>(null);
  // A second click before React re-renders the disabled button must not send a second request.
  const inFlight = useRef(false);
  const sending = outcome.kind === 'sending';
  const heading = title ?? t(`form.${spec.id}` as MessageKey);

  const onChange = (name: string, value: FieldValue) => {
    setValues((v) => ({ ...v, [name]: value }));
    setProblems((p) => p.filter((x) => x.field !== name && !x.field.startsWith(`${name}.`)));
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (inFlight.current) return;
    const currency = ctx.subscriber?.currency ?? (typeof values['currency'] === 'string' ? values['currency'] : 'EUR');
    const found = [...fieldChecks(spec.fields, values, currency), ...(spec.check?.(values, ctx) ?? [])];
    setProblems(found);
    if (found.length > 0) {
      setOutcome({ kind: 'checks' });
      return;
    }
    const body = JSON.parse(JSON.stringify(spec.body(values, ctx))) as Record<string, unknown>;
    const ifMatch = spec.target !== 'new' && version !== undefined ? `"${version}"` : undefined;
    const fingerprint = JSON.stringify([spec.path, targetId, ifMatch, body]);
    if (submission.current?.fingerprint !== fingerprint) submission.current = { fingerprint, key: newIdempotencyKey() };
    const headers: Record<string, string> = { 'Idempotency-Key': submission.current.key };
    if (ifMatch) headers['If-Match'] = ifMatch;
    setOutcome({ kind: 'sending' });
    inFlight.current = true;
    try {
      await send(body, headers);
    } finally {
      inFlight.current = false;
    }
  };

  const send = async (body: Record<string, unknown>, headers: Record<string, string>) => {
    let result: { data?: unknown; error?: unknown; response: Response };
    try {
      result = await api.POST(spec.path as never, { params: { path: { id: targetId ?? '' } }, body, headers } as never);
    } catch (error) {
      setOutcome({ kind: 'refused', status: 0, code: 'network-error', detail: String((error as Error)?.message ?? error), errors: [] });
      return;
    }
    const { response } = result;
    if (response.ok) {
      const answer = result.data as CommandAnswer;
      notePosition(answer.position);
      submission.current = null;
      setOutcome({ kind: 'recorded', answer });
      setValues(spec.initial?.(ctx) ?? {});
      await queryClient.invalidateQueries();
      onRecorded?.(answer);
      return;
    }
    const problem = (result.error ?? {}) as { code?: unknown; detail?: unknown; errors?: unknown; instance?: unknown };
    const code = typeof problem.code === 'string' ? problem.code : response.status === 412 ? 'precondition-failed' : 'client-error';
    const errors = Array.isArray(problem.errors) ? (problem.errors as Array<{ field: string; message: string }>) : [];
    const requestId = typeof problem.instance === 'string' ? problem.instance.split(':').at(-1) : undefined;
    setOutcome({ kind: 'refused', status: response.status, code, detail: typeof problem.detail === 'string' ? problem.detail : response.statusText, errors, ...(requestId ? { requestId } : {}) });
    // Stale view: show the record as it is now; the next send carries its new version (and key).
    if (response.status === 412) await queryClient.invalidateQueries();
  };

  const errorFor = (name: string) => {
    const mine = problems.filter((p) => p.field === name || p.field.startsWith(`${name}.`));
    return mine.length > 0 ? [...new Set(mine.map((p) => t(p.message as MessageKey, p.values)))].join(' ') : undefined;
  };
  const shown = spec.fields.filter((f) => !f.showIf || f.showIf(values));

  return (
    <form className="action-form" onSubmit={(e) => void submit(e)} aria-labelledby={`${formId}-title`} data-command={spec.id} noValidate>
      <h3 id={`${formId}-title`}>{heading}</h3>
      {warning ? (
        <p className="warn" role="note">
          {t('form.warning', { rule: warning })}
        </p>
      ) : null}
      {shown.map((f) => (
        <Field key={f.name} id={formId} field={f} value={values[f.name]} options={f.optionsFrom ? f.optionsFrom(ctx) : (f.options ?? []).map((value) => ({ value }))} error={errorFor(f.name)} helpValues={spec.helpValues?.(values, ctx)} onChange={onChange} />
      ))}
      <div className="row">
        <button type="submit" disabled={sending} aria-busy={sending}>
          {sending ? t('form.sending') : heading}
        </button>
      </div>
      <Answer outcome={outcome} />
    </form>
  );
}

function Answer({ outcome }: { outcome: Outcome }) {
  const { t, locale } = useI18n();
  switch (outcome.kind) {
    case 'idle':
    case 'sending':
      return null;
    case 'checks':
      return (
        <p className="error" role="alert" data-code="client-checks">
          {t('form.fixFields')}
        </p>
      );
    case 'recorded':
      return (
        <p className="good" role="status" data-recorded={outcome.answer.events.join(' ')}>
          <strong>{t('form.recorded')}</strong>: {outcome.answer.events.join(', ')}
        </p>
      );
    case 'refused': {
      const stale = outcome.status === 412;
      return (
        <div className="error" role="alert" data-code={outcome.code} data-status={outcome.status}>
          <strong>{stale ? t('form.changedMeanwhile') : t('form.refused')}</strong>: {ruleSentence(locale, outcome.code, outcome.detail)} <code>{outcome.code}</code>
          {outcome.detail && !stale ? <span className="muted small detail"> — {outcome.detail}</span> : null}
          {outcome.errors.length > 0 ? (
            <ul>
              {outcome.errors.map((e) => (
                <li key={`${e.field}:${e.message}`}>
                  <code>{e.field}</code> {e.message}
                </li>
              ))}
            </ul>
          ) : null}
          {outcome.requestId ? <span className="muted small"> ({t('form.requestId', { id: outcome.requestId })})</span> : null}
        </div>
      );
    }
    default: {
      const never: never = outcome;
      return never;
    }
  }
}
