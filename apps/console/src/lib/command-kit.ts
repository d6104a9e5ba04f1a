/**
 * The vocabulary of the console's forms: a command is declared once (route, fields, client-side
 * checks, body) and ActionForm renders, checks and sends it. Pure: time comes in the context, so
 * the checks are unit-tested (commands.spec.ts) without a browser or a clock.
 *
 * Bodies are typed from the generated OpenAPI schema: a contract change that breaks a form breaks
 * the console's type-check (test/console/contract.test.ts).
 */
import type { paths } from '../api/schema.js';
import type { CaseView, SubscriberView } from '../api/views.js';
import type { FormMessageKey } from '../i18n/forms.js';
import { currencyDigits, type Locale } from './format.js';
import type { VocabularyName } from './vocabulary.js';

/** Routes that take a JSON command body with POST. */
export type CommandPath = {
  [P in keyof paths]: paths[P] extends { post: { requestBody?: { content: { 'application/json': unknown } } } } ? P : never;
}[keyof paths];
export type BodyOf<P extends CommandPath> = paths[P] extends { post: { requestBody?: { content: { 'application/json': infer B } } } } ? B : never;

export type FieldKind = 'text' | 'textarea' | 'money' | 'date' | 'month' | 'instant' | 'count' | 'select' | 'yesno' | 'checkbox' | 'checkboxes' | 'actions';

export interface PlanActionRow {
  owner: 'provider' | 'client';
  description: string;
  dueDate: string;
}
export type FieldValue = string | boolean | string[] | PlanActionRow[];
export type FormValues = Record<string, FieldValue>;

export interface Option {
  value: string;
  /** Words to show; absent → the vocabulary's word or the value itself. */
  label?: string;
}

/** What a form knows when it opens and when it checks: the record shown, the reader's day and language. */
export interface CommandContext {
  /** The instant the form treats as now (ISO-8601 UTC): checks are made against it, or against `at` when given. */
  now: string;
  locale: Locale;
  subscriber?: SubscriberView;
  kase?: CaseView;
}

export interface FieldSpec {
  name: string;
  kind: FieldKind;
  /** Label key; default `field.<name>`. */
  label?: FormMessageKey;
  help?: FormMessageKey;
  required?: boolean;
  options?: readonly string[];
  vocabulary?: VocabularyName;
  optionsFrom?: (ctx: CommandContext) => Option[];
  /** Shown (and sent) only when this holds for the current values. */
  showIf?: (values: FormValues) => boolean;
}

export interface FieldCheck {
  field: string;
  message: FormMessageKey;
  values?: Record<string, string | number>;
}

export type CommandId =
  | 'enrol'
  | 'issue-invoice'
  | 'record-payment'
  | 'record-missed-payment'
  | 'send-reminder'
  | 'agree-arrangement'
  | 'suspend'
  | 'reinstate'
  | 'write-off'
  | 'record-cost'
  | 'log-complaint'
  | 'change-plan'
  | 'migrate'
  | 'request-cancellation'
  | 'reactivate'
  | 'open-case'
  | 'document-incident'
  | 'take-step'
  | 'skip-step'
  | 'analyze-usage'
  | 'propose-plan'
  | 'agree-plan'
  | 'reject-plan'
  | 'recommend-termination'
  | 'approve-termination'
  | 'close-case';

export interface CommandSpec<P extends CommandPath = CommandPath> {
  id: CommandId;
  path: P;
  /** Whose id fills `{id}` and whose version goes into If-Match; `new` creates an aggregate (no precondition). */
  target: 'subscriber' | 'case' | 'new';
  role: 'operator' | 'executive';
  fields: readonly FieldSpec[];
  initial?: (ctx: CommandContext) => FormValues;
  check?: (values: FormValues, ctx: CommandContext) => FieldCheck[];
  /** Values the fields' help texts show (e.g. the earliest effective date). */
  helpValues?: (values: FormValues, ctx: CommandContext) => Record<string, string | number>;
  body: (values: FormValues, ctx: CommandContext) => BodyOf<P>;
}

/** Keeps each spec's path and body type tied together (the array of specs widens them). */
export function command<P extends CommandPath>(spec: CommandSpec<P>): CommandSpec {
  return spec as unknown as CommandSpec;
}

/** The optional business time every command may carry (blank = the server's now). */
export const AT_FIELD: FieldSpec = { name: 'at', kind: 'instant', label: 'field.at', help: 'help.at' };

// ---- values ----

export const text = (values: FormValues, name: string): string => {
  const v = values[name];
  return typeof v === 'string' ? v.trim() : '';
};
export const list = (values: FormValues, name: string): string[] => {
  const v = values[name];
  return Array.isArray(v) ? (v as string[]).filter((x) => typeof x === 'string') : [];
};
export const flag = (values: FormValues, name: string): boolean => values[name] === true;
export const optional = (value: string): string | undefined => (value === '' ? undefined : value);

/**
 * A typed amount ("300", "300.5", "300,50") as integer minor units of `currency`, by string
 * manipulation only — never a float on the way. Null when it is not an amount (or has more
 * decimals than the currency, or is ≥ 10^12 minor units).
 */
export function parseMoney(input: string, currency: string): number | null {
  const digits = currencyDigits(currency);
  const m = /^(\d{1,13})(?:[.,](\d*))?$/.exec(input.trim().replace(/[\s\u00a0]/g, ''));
  if (!m) return null;
  const fraction = m[2] ?? '';
  if (fraction.length > digits) return null;
  const minor = Number(`${m[1]}${fraction.padEnd(digits, '0')}`);
  return Number.isSafeInteger(minor) && minor < 1e12 ? minor : null;
}

/** Minor units as the text a money field starts with ("300.00"). */
export function moneyInput(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  const s = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, '0');
  return digits === 0 ? s : `${s.slice(0, -digits)}.${s.slice(-digits)}`;
}

export function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/** `datetime-local` has no zone: the console reads and writes it as UTC (and says so in the label). */
export function localToInstant(local: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(local)) return null;
  const iso = `${local.length === 16 ? `${local}:00` : local}Z`;
  return Number.isNaN(Date.parse(iso)) ? null : iso;
}
export const instantToLocal = (instant: string): string => instant.slice(0, 16);

/** The instant a command is checked against: its `at` when given, else the form's now. */
export function effectiveNow(values: FormValues, ctx: CommandContext): string {
  return localToInstant(text(values, 'at')) ?? ctx.now;
}
export const dayOf = (instant: string): string => new Date(instant).toISOString().slice(0, 10);

/** The generic checks every field kind gets: required, and well-formed money, dates, months, instants, counts. */
export function fieldChecks(fields: readonly FieldSpec[], values: FormValues, currency: string): FieldCheck[] {
  const problems: FieldCheck[] = [];
  for (const f of fields) {
    if (f.showIf && !f.showIf(values)) continue;
    const raw = values[f.name];
    const empty = raw === undefined || raw === '' || (Array.isArray(raw) && raw.length === 0) || (typeof raw === 'string' && raw.trim() === '');
    if (empty) {
      if (f.required) problems.push({ field: f.name, message: f.kind === 'checkboxes' ? 'check.chooseOne' : 'check.required' });
      continue;
    }
    const v = typeof raw === 'string' ? raw.trim() : '';
    if (f.kind === 'money' && parseMoney(v, currency) === null) problems.push({ field: f.name, message: 'check.money', values: { digits: currencyDigits(currency) } });
    if (f.kind === 'date' && !isDate(v)) problems.push({ field: f.name, message: 'check.date' });
    if (f.kind === 'month' && !/^\d{4}-(0[1-9]|1[0-2])$/.test(v)) problems.push({ field: f.name, message: 'check.month' });
    if (f.kind === 'instant' && localToInstant(v) === null) problems.push({ field: f.name, message: 'check.instant' });
    if (f.kind === 'count' && !/^\d{1,6}$/.test(v)) problems.push({ field: f.name, message: 'check.count' });
  }
  return problems;
}

/** `at` for the body: the instant typed, or nothing (the server's now). */
export function atOf(values: FormValues): { at?: string } {
  const at = localToInstant(text(values, 'at'));
  return at ? { at } : {};
}
