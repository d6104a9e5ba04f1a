/**
 * The operator's commands on a client (api.md "Commands"), each with what the console can check
 * before sending: the domain still decides, and a refusal comes back with its rule.
 */
import type { InvoiceView, SubscriberView } from '../api/views.js';
import { formatMoney } from './format.js';
import {
  addDays,
  AT_FIELD,
  atOf,
  command,
  dayOf,
  effectiveNow,
  flag,
  isDate,
  list,
  moneyInput,
  optional,
  parseMoney,
  text,
  type BodyOf,
  type CommandContext,
  type CommandSpec,
  type Option,
} from './command-kit.js';
import { vocabularyValues, word } from './vocabulary.js';

/** domain.md §4 `arrangement-too-long`. */
export const MAX_ARRANGEMENT_DAYS = 30;

/** The currency codes the contract accepts (an enum in the OpenAPI document); the service validates. */
type Currency = BodyOf<'/v1/subscribers'>['plan']['currency'];
type MigrationTarget = BodyOf<'/v1/subscribers/{id}/migrations'>['target'];

const currencyOf = (ctx: CommandContext): Currency => (ctx.subscriber?.currency ?? 'EUR') as Currency;
const money = (ctx: CommandContext, minor: number) => formatMoney(minor, currencyOf(ctx), ctx.locale);
const amount = (v: Record<string, unknown>, name: string, ctx: CommandContext): number => parseMoney(String(v[name] ?? ''), currencyOf(ctx)) ?? 0;

function invoiceOptions(ctx: CommandContext, accept: (i: InvoiceView) => boolean): Option[] {
  return (ctx.subscriber?.invoices ?? []).filter(accept).map((i) => ({ value: i.invoiceId, label: `${i.invoiceId} · ${i.period} · ${money(ctx, i.owed)}` }));
}
const owed = (i: InvoiceView) => i.owed > 0 && (i.status === 'open' || i.status === 'missed');
const missedOwed = (i: InvoiceView) => i.status === 'missed' && i.owed > 0;
const firstOf = (options: Option[]): string => options[0]?.value ?? '';

export const ISSUE_INVOICE = command({
  id: 'issue-invoice',
  path: '/v1/subscribers/{id}/invoices',
  target: 'subscriber',
  role: 'operator',
  fields: [
    { name: 'period', kind: 'month', required: true },
    { name: 'invoiceId', kind: 'text', required: true, help: 'help.invoiceId' },
    { name: 'amount', kind: 'money', required: true },
    { name: 'dueDate', kind: 'date', required: true },
    AT_FIELD,
  ],
  initial: (ctx) => {
    const period = ctx.now.slice(0, 7);
    return { period, invoiceId: `inv-${period}`, amount: moneyInput(ctx.subscriber?.plan.monthlyFee ?? 0, currencyOf(ctx)), dueDate: addDays(dayOf(ctx.now), 10), at: '' };
  },
  check: (v, ctx) => (amount(v, 'amount', ctx) < 1 && text(v, 'amount') !== '' ? [{ field: 'amount', message: 'check.positive' }] : []),
  body: (v, ctx) => ({ invoiceId: text(v, 'invoiceId'), period: text(v, 'period'), amount: amount(v, 'amount', ctx), dueDate: text(v, 'dueDate'), ...atOf(v) }),
});

export const RECORD_PAYMENT = command({
  id: 'record-payment',
  path: '/v1/subscribers/{id}/payments',
  target: 'subscriber',
  role: 'operator',
  fields: [{ name: 'invoiceId', kind: 'select', required: true, optionsFrom: (ctx) => invoiceOptions(ctx, owed) }, { name: 'amount', kind: 'money', required: true }, AT_FIELD],
  initial: (ctx) => {
    const first = ctx.subscriber?.invoices.find(owed);
    return { invoiceId: first?.invoiceId ?? '', amount: first ? moneyInput(first.owed, currencyOf(ctx)) : '', at: '' };
  },
  check: (v, ctx) => {
    const inv = ctx.subscriber?.invoices.find((i) => i.invoiceId === text(v, 'invoiceId'));
    const paid = parseMoney(text(v, 'amount'), currencyOf(ctx));
    if (paid === null) return [];
    if (paid < 1) return [{ field: 'amount', message: 'check.positive' }];
    return inv && paid > inv.owed ? [{ field: 'amount', message: 'check.overpayment', values: { owed: money(ctx, inv.owed) } }] : [];
  },
  body: (v, ctx) => ({ invoiceId: text(v, 'invoiceId'), amount: amount(v, 'amount', ctx), ...atOf(v) }),
});

export const RECORD_MISSED_PAYMENT = command({
  id: 'record-missed-payment',
  path: '/v1/subscribers/{id}/missed-payments',
  target: 'subscriber',
  role: 'operator',
  fields: [{ name: 'invoiceId', kind: 'select', required: true, optionsFrom: (ctx) => invoiceOptions(ctx, (i) => i.status === 'open') }, AT_FIELD],
  initial: (ctx) => ({ invoiceId: firstOf(invoiceOptions(ctx, (i) => i.status === 'open')), at: '' }),
  body: (v) => ({ invoiceId: text(v, 'invoiceId'), ...atOf(v) }),
});

export const SEND_REMINDER = command({
  id: 'send-reminder',
  path: '/v1/subscribers/{id}/reminders',
  target: 'subscriber',
  role: 'operator',
  fields: [
    { name: 'invoiceId', kind: 'select', required: true, optionsFrom: (ctx) => invoiceOptions(ctx, owed) },
    { name: 'tone', kind: 'select', required: true, options: vocabularyValues('reminderTone'), vocabulary: 'reminderTone', help: 'help.tone' },
    AT_FIELD,
  ],
  initial: (ctx) => ({ invoiceId: firstOf(invoiceOptions(ctx, owed)), tone: 'friendly', at: '' }),
  body: (v) => ({ invoiceId: text(v, 'invoiceId'), tone: text(v, 'tone') as 'friendly', ...atOf(v) }),
});

export const AGREE_ARRANGEMENT = command({
  id: 'agree-arrangement',
  path: '/v1/subscribers/{id}/payment-arrangements',
  target: 'subscriber',
  role: 'operator',
  fields: [
    { name: 'invoiceIds', kind: 'checkboxes', required: true, optionsFrom: (ctx) => invoiceOptions(ctx, owed) },
    { name: 'payBy', kind: 'date', required: true, help: 'help.payBy' },
    AT_FIELD,
  ],
  initial: (ctx) => ({ invoiceIds: invoiceOptions(ctx, missedOwed).map((o) => o.value), payBy: addDays(dayOf(ctx.now), 14), at: '' }),
  check: (v, ctx) => {
    const payBy = text(v, 'payBy');
    if (!isDate(payBy)) return [];
    const today = dayOf(effectiveNow(v, ctx));
    const latest = addDays(today, MAX_ARRANGEMENT_DAYS);
    if (payBy > latest) return [{ field: 'payBy', message: 'check.payByTooLate', values: { latest } }];
    if (payBy < today) return [{ field: 'payBy', message: 'check.payByPast', values: { today } }];
    return [];
  },
  body: (v) => ({ invoiceIds: list(v, 'invoiceIds'), payBy: text(v, 'payBy'), ...atOf(v) }),
});

export const SUSPEND = command({
  id: 'suspend',
  path: '/v1/subscribers/{id}/suspension',
  target: 'subscriber',
  role: 'operator',
  fields: [
    { name: 'reason', kind: 'select', required: true, options: vocabularyValues('suspensionReason'), vocabulary: 'suspensionReason' },
    { name: 'writeOff', kind: 'checkbox', help: 'help.writeOff', showIf: (v) => v['reason'] === 'non_payment' },
    AT_FIELD,
  ],
  initial: () => ({ reason: 'non_payment', writeOff: true, at: '' }),
  check: (v, ctx) =>
    v['reason'] === 'non_payment' && !(ctx.subscriber?.invoices ?? []).some(missedOwed) ? [{ field: 'reason', message: 'check.noMissedInvoice' }] : [],
  body: (v) => ({ reason: text(v, 'reason') as 'non_payment', ...(v['reason'] === 'non_payment' ? { writeOff: flag(v, 'writeOff') } : {}), ...atOf(v) }),
});

export const REINSTATE = command({
  id: 'reinstate',
  path: '/v1/subscribers/{id}/reinstatement',
  target: 'subscriber',
  role: 'operator',
  fields: [{ name: 'reason', kind: 'textarea', required: true }, AT_FIELD],
  initial: () => ({ reason: '', at: '' }),
  body: (v) => ({ reason: text(v, 'reason'), ...atOf(v) }),
});

export const WRITE_OFF = command({
  id: 'write-off',
  path: '/v1/subscribers/{id}/debt-write-offs',
  target: 'subscriber',
  role: 'operator',
  fields: [{ name: 'invoiceIds', kind: 'checkboxes', required: true, optionsFrom: (ctx) => invoiceOptions(ctx, owed) }, AT_FIELD],
  initial: (ctx) => ({ invoiceIds: invoiceOptions(ctx, missedOwed).map((o) => o.value), at: '' }),
  body: (v) => ({ invoiceIds: list(v, 'invoiceIds'), ...atOf(v) }),
});

export const RECORD_COST = command({
  id: 'record-cost',
  path: '/v1/subscribers/{id}/costs',
  target: 'subscriber',
  role: 'operator',
  fields: [
    { name: 'kind', kind: 'select', required: true, options: vocabularyValues('costKind'), vocabulary: 'costKind' },
    { name: 'amount', kind: 'money', required: true },
    { name: 'minutes', kind: 'count' },
    { name: 'note', kind: 'textarea' },
    AT_FIELD,
  ],
  initial: () => ({ kind: 'service_visit', amount: '', minutes: '', note: '', at: '' }),
  body: (v, ctx) => {
    const minutes = text(v, 'minutes');
    return { kind: text(v, 'kind') as 'other', amount: amount(v, 'amount', ctx), ...(minutes ? { minutes: Number(minutes) } : {}), note: optional(text(v, 'note')), ...atOf(v) };
  },
});

export const LOG_COMPLAINT = command({
  id: 'log-complaint',
  path: '/v1/subscribers/{id}/complaints',
  target: 'subscriber',
  role: 'operator',
  fields: [{ name: 'category', kind: 'text', required: true }, { name: 'description', kind: 'textarea', required: true }, AT_FIELD],
  initial: () => ({ category: '', description: '', at: '' }),
  body: (v) => ({ category: text(v, 'category'), description: text(v, 'description'), ...atOf(v) }),
});

export const CHANGE_PLAN = command({
  id: 'change-plan',
  path: '/v1/subscribers/{id}/plan-changes',
  target: 'subscriber',
  role: 'operator',
  fields: [
    { name: 'planCode', kind: 'text', required: true },
    { name: 'monthlyFee', kind: 'money', required: true },
    { name: 'reason', kind: 'select', required: true, options: vocabularyValues('planChangeReason'), vocabulary: 'planChangeReason' },
    AT_FIELD,
  ],
  initial: (ctx) => ({ planCode: ctx.subscriber?.plan.code ?? '', monthlyFee: moneyInput(ctx.subscriber?.plan.monthlyFee ?? 0, currencyOf(ctx)), reason: 'renegotiated', at: '' }),
  body: (v, ctx) => ({ to: { code: text(v, 'planCode'), monthlyFee: amount(v, 'monthlyFee', ctx) }, reason: text(v, 'reason') as 'renegotiated', ...atOf(v) }),
});

const isTarget = (target: string) => (v: Record<string, unknown>) => v['target'] === target;
export const MIGRATE = command({
  id: 'migrate',
  path: '/v1/subscribers/{id}/migrations',
  target: 'subscriber',
  role: 'operator',
  fields: [
    { name: 'target', kind: 'select', required: true, options: vocabularyValues('migrationTarget'), vocabulary: 'migrationTarget', help: 'help.migrate' },
    { name: 'planCode', kind: 'text', required: true, showIf: isTarget('plan') },
    { name: 'monthlyFee', kind: 'money', required: true, showIf: isTarget('plan') },
    { name: 'partner', kind: 'text', required: true, showIf: isTarget('partner') },
    { name: 'channel', kind: 'text', required: true, showIf: isTarget('channel') },
    { name: 'caseId', kind: 'select', optionsFrom: (ctx) => (ctx.subscriber?.openCases ?? []).map((c) => ({ value: c.caseId, label: `${c.caseId} (${word(ctx.locale, 'caseKind', c.kind)})` })) },
    AT_FIELD,
  ],
  initial: (ctx) => ({ target: 'plan', planCode: '', monthlyFee: '', partner: '', channel: '', caseId: ctx.kase?.caseId ?? '', at: '' }),
  body: (v, ctx) => {
    const target = text(v, 'target') as MigrationTarget;
    return {
      target,
      ...(target === 'plan' ? { toPlan: { code: text(v, 'planCode'), monthlyFee: amount(v, 'monthlyFee', ctx), currency: currencyOf(ctx) } } : {}),
      ...(target === 'partner' ? { partner: text(v, 'partner') } : {}),
      ...(target === 'channel' ? { channel: text(v, 'channel') } : {}),
      caseId: optional(text(v, 'caseId')),
      ...atOf(v),
    };
  },
});

export const REQUEST_CANCELLATION = command({
  id: 'request-cancellation',
  path: '/v1/subscribers/{id}/cancellation-requests',
  target: 'subscriber',
  role: 'operator',
  fields: [{ name: 'reason', kind: 'textarea', required: true }, { name: 'requestedEffectiveDate', kind: 'date' }, AT_FIELD],
  initial: () => ({ reason: '', requestedEffectiveDate: '', at: '' }),
  body: (v) => ({ reason: text(v, 'reason'), requestedEffectiveDate: optional(text(v, 'requestedEffectiveDate')), ...atOf(v) }),
});

export const REACTIVATE = command({
  id: 'reactivate',
  path: '/v1/subscribers/{id}/reactivation',
  target: 'subscriber',
  role: 'operator',
  fields: [{ name: 'planCode', kind: 'text', required: true }, { name: 'monthlyFee', kind: 'money', required: true }, AT_FIELD],
  initial: (ctx) => ({ planCode: ctx.subscriber?.plan.code ?? '', monthlyFee: moneyInput(ctx.subscriber?.plan.monthlyFee ?? 0, currencyOf(ctx)), at: '' }),
  body: (v, ctx) => ({ plan: { code: text(v, 'planCode'), monthlyFee: amount(v, 'monthlyFee', ctx), currency: currencyOf(ctx) }, ...atOf(v) }),
});

/** Opening a case from the client's page: a new aggregate, so no If-Match. */
export const OPEN_CASE = command({
  id: 'open-case',
  path: '/v1/cases',
  target: 'new',
  role: 'operator',
  fields: [
    { name: 'kind', kind: 'select', required: true, options: vocabularyValues('caseKind'), vocabulary: 'caseKind' },
    { name: 'summary', kind: 'textarea', required: true },
    { name: 'caseId', kind: 'text', help: 'help.caseId' },
    AT_FIELD,
  ],
  initial: () => ({ kind: 'unprofitable', summary: '', caseId: '', at: '' }),
  check: (v, ctx) =>
    (ctx.subscriber?.openCases ?? []).some((c) => c.kind === v['kind']) ? [{ field: 'kind', message: 'check.caseAlreadyOpen' }] : [],
  body: (v, ctx) => ({ subscriberId: ctx.subscriber?.subscriberId ?? '', kind: text(v, 'kind') as 'unprofitable', summary: text(v, 'summary'), caseId: optional(text(v, 'caseId')), ...atOf(v) }),
});

const QUESTIONS = ['needsService', 'valuesService', 'canPay'] as const;
const unqualified = (v: Record<string, unknown>) => QUESTIONS.some((q) => v[q] === false);

/** Enrolment: the three qualification questions, and an override (who and why) when one is "no". */
export const ENROL = command({
  id: 'enrol',
  path: '/v1/subscribers',
  target: 'new',
  role: 'operator',
  fields: [
    { name: 'subscriberId', kind: 'text', help: 'help.subscriberId' },
    { name: 'name', kind: 'text', required: true },
    { name: 'segment', kind: 'select', required: true, options: vocabularyValues('segment'), vocabulary: 'segment' },
    { name: 'salesRepId', kind: 'text', required: true },
    { name: 'planCode', kind: 'text', required: true },
    { name: 'monthlyFee', kind: 'money', required: true },
    { name: 'currency', kind: 'text', required: true },
    { name: 'noticeDays', kind: 'count', help: 'help.noticeDays' },
    ...QUESTIONS.map((q) => ({ name: q, kind: 'yesno' as const, required: true })),
    { name: 'overrideBy', kind: 'text', required: true, showIf: unqualified, help: 'help.override' },
    { name: 'overrideJustification', kind: 'textarea', required: true, showIf: unqualified },
    AT_FIELD,
  ],
  initial: () => ({
    subscriberId: '',
    name: '',
    segment: 'b2c',
    salesRepId: '',
    planCode: '',
    monthlyFee: '',
    currency: 'EUR',
    noticeDays: '',
    needsService: true,
    valuesService: true,
    canPay: true,
    overrideBy: '',
    overrideJustification: '',
    at: '',
  }),
  check: (v) => (/^[A-Z]{3}$/.test(text(v, 'currency')) ? [] : [{ field: 'currency', message: 'check.currency' }]),
  body: (v) => {
    const currency = text(v, 'currency') as Currency;
    const noticeDays = text(v, 'noticeDays');
    return {
      subscriberId: optional(text(v, 'subscriberId')),
      name: text(v, 'name'),
      segment: text(v, 'segment') as 'b2c',
      salesRepId: text(v, 'salesRepId'),
      plan: { code: text(v, 'planCode'), monthlyFee: parseMoney(text(v, 'monthlyFee'), currency) ?? 0, currency },
      qualification: { needsService: v['needsService'] === true, valuesService: v['valuesService'] === true, canPay: v['canPay'] === true },
      ...(noticeDays ? { noticeDays: Number(noticeDays) } : {}),
      ...(unqualified(v) ? { override: { by: text(v, 'overrideBy'), justification: text(v, 'overrideJustification') } } : {}),
      ...atOf(v),
    };
  },
});

export const SUBSCRIBER_COMMANDS: readonly CommandSpec[] = [
  ISSUE_INVOICE,
  RECORD_PAYMENT,
  RECORD_MISSED_PAYMENT,
  SEND_REMINDER,
  AGREE_ARRANGEMENT,
  SUSPEND,
  REINSTATE,
  WRITE_OFF,
  RECORD_COST,
  LOG_COMPLAINT,
  CHANGE_PLAN,
  MIGRATE,
  REQUEST_CANCELLATION,
  REACTIVATE,
  OPEN_CASE,
];

/** An action offered on the client's page; `warning` names a rule the service will apply (said before sending). */
export interface OfferedCommand {
  spec: CommandSpec;
  warning?: 'no-billing-while-suspended';
}

/**
 * Which commands make sense for the client as it stands. Invoicing stays on offer while suspended,
 * with the rule said up front: billing staff do try, and the refusal explains why.
 */
export function subscriberCommandsFor(s: SubscriberView): OfferedCommand[] {
  const has = (accept: (i: InvoiceView) => boolean) => s.invoices.some(accept);
  const offered: OfferedCommand[] = [];
  const add = (spec: CommandSpec, when: boolean, warning?: OfferedCommand['warning']) => {
    if (when) offered.push(warning ? { spec, warning } : { spec });
  };
  const serving = s.status === 'active' || s.status === 'notice';
  const live = s.status !== 'terminated';
  add(ISSUE_INVOICE, live, s.status === 'suspended' ? 'no-billing-while-suspended' : undefined);
  add(RECORD_PAYMENT, has(owed));
  add(RECORD_MISSED_PAYMENT, live && has((i) => i.status === 'open'));
  add(SEND_REMINDER, live && has(owed));
  add(AGREE_ARRANGEMENT, live && has(missedOwed));
  add(SUSPEND, serving);
  add(REINSTATE, s.status === 'suspended');
  add(WRITE_OFF, live && has(owed));
  add(RECORD_COST, live);
  add(LOG_COMPLAINT, live);
  add(CHANGE_PLAN, live);
  add(MIGRATE, live);
  add(REQUEST_CANCELLATION, live && s.pendingCancellation === null && s.notice === null);
  add(REACTIVATE, s.status === 'terminated');
  add(OPEN_CASE, live);
  return offered;
}
