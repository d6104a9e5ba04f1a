/**
 * Every lifecycle event as a sentence a person reads in the timeline ("Payment of 300.00 EUR
 * received for invoice 2026-11"). Pure: the spec checks every event type in both languages.
 */
import { formatDay, formatInstant, formatMoney, type Locale } from './format.js';
import { word } from './vocabulary.js';

export interface Envelope {
  id: string;
  position: string;
  streamId: string;
  version: number;
  type: string;
  data: Record<string, unknown>;
  occurredAt: string;
  metadata: Record<string, unknown>;
}

/** The event types the timeline knows; keep in step with the API's `/v1/events/schemas`. */
export const KNOWN_EVENT_TYPES = [
  'SubscriberEnrolled',
  'InvoiceIssued',
  'PaymentReceived',
  'PaymentReminderSent',
  'PaymentMissed',
  'PaymentArrangementAgreed',
  'ServiceSuspended',
  'DebtWrittenOff',
  'ServiceReinstated',
  'CostToServeRecorded',
  'ComplaintLogged',
  'PlanChanged',
  'ClientMigrated',
  'CancellationRequested',
  'CancellationWithdrawn',
  'TerminationNoticeGiven',
  'SubscriberTerminated',
  'SubscriberReactivated',
  'CaseOpened',
  'IncidentDocumented',
  'RemedyStepTaken',
  'RemedyStepSkipped',
  'UsageAnalyzed',
  'RetentionPlanProposed',
  'RetentionPlanAgreed',
  'RetentionPlanRejected',
  'TerminationRecommended',
  'TerminationApproved',
  'CaseClosed',
] as const;
export type KnownEventType = (typeof KNOWN_EVENT_TYPES)[number];

type Data = Record<string, unknown>;
const s = (v: unknown): string => (v === undefined || v === null ? '—' : String(v));
const n = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const list = (v: unknown): string => (Array.isArray(v) ? v.map(String).join(', ') : s(v));

interface Ctx {
  locale: Locale;
  /** The subscriber's currency, for money fields. */
  currency: string;
}

/** A one-line description of the event in the chosen language. */
export function describeEvent(event: Pick<Envelope, 'type' | 'data'>, ctx: Ctx): string {
  const d = event.data as Data;
  const money = (field: string) => formatMoney(n(d[field]), ctx.currency, ctx.locale);
  const day = (field: string) => formatDay(s(d[field]), ctx.locale);
  const plan = (p: unknown) => {
    const terms = (p ?? {}) as { code?: string; monthlyFee?: number; currency?: string };
    return `${s(terms.code)} (${formatMoney(n(terms.monthlyFee), terms.currency ?? ctx.currency, ctx.locale)}${ctx.locale === 'es' ? '/mes' : '/month'})`;
  };
  const type = event.type as KnownEventType;
  const L = ctx.locale;
  const w = (v: Parameters<typeof word>[1], value: unknown) => word(L, v, s(value));
  if (L === 'es') {
    switch (type) {
      case 'SubscriberEnrolled':
        return `Alta de ${s(d['name'])} (${w('segment', d['segment'])}) en el plan ${plan(d['plan'])}, vendedor ${s(d['salesRepId'])}${d['override'] ? '; cualificación forzada' : ''}`;
      case 'InvoiceIssued':
        return `Factura ${s(d['invoiceId'])} emitida por ${money('amount')} (periodo ${s(d['period'])}, vence el ${day('dueDate')})`;
      case 'PaymentReceived':
        return `Pago de ${money('amount')} recibido para la factura ${s(d['invoiceId'])}`;
      case 'PaymentReminderSent':
        return `Recordatorio de pago (${w('reminderTone', d['tone'] ?? 'friendly')}) enviado por la factura ${s(d['invoiceId'])}`;
      case 'PaymentMissed':
        return `Impago de la factura ${s(d['invoiceId'])}: ${money('amount')} pendientes (${s(d['consecutiveMissed'])} seguidas)`;
      case 'PaymentArrangementAgreed':
        return `Acuerdo de pago: las facturas ${list(d['invoiceIds'])} se pagarán antes del ${day('payBy')}`;
      case 'ServiceSuspended':
        return `Servicio suspendido por ${w('suspensionReason', d['reason'])}; ${money('outstanding')} pendientes`;
      case 'DebtWrittenOff':
        return `Deuda de ${money('amount')} cancelada como incobrable (facturas ${list(d['invoiceIds'])})`;
      case 'ServiceReinstated':
        return `Servicio restablecido: ${s(d['reason'])}`;
      case 'CostToServeRecorded':
        return `Coste de servicio registrado: ${w('costKind', d['kind'])}, ${money('amount')}${d['minutes'] !== undefined ? `, ${s(d['minutes'])} min` : ''}`;
      case 'ComplaintLogged':
        return `Queja registrada (${s(d['category'])}): ${s(d['description'])}`;
      case 'PlanChanged': {
        const from = d['from'] as Data | undefined;
        const to = d['to'] as Data | undefined;
        return `Cambio de plan (${w('planChangeReason', d['reason'])}): de ${s(from?.['code'])} a ${s(to?.['code'])}, ${formatMoney(n(to?.['monthlyFee']), ctx.currency, L)}/mes`;
      }
      case 'ClientMigrated':
        return `Cliente migrado a ${w('migrationTarget', d['target'])}${d['toPlan'] ? `: ${plan(d['toPlan'])}` : ''}${d['partner'] ? ` (${s(d['partner'])})` : ''}${d['channel'] ? ` (${s(d['channel'])})` : ''}`;
      case 'CancellationRequested':
        return `El cliente pidió la baja: ${s(d['reason'])}${d['requestedEffectiveDate'] ? `, a partir del ${day('requestedEffectiveDate')}` : ''}`;
      case 'CancellationWithdrawn':
        return `Solicitud de baja retirada (caso ${s(d['caseId'])})`;
      case 'TerminationNoticeGiven':
        return `Preaviso de baja dado por ${w('initiator', d['initiatedBy'])}, efectivo el ${day('effectiveDate')}: ${list(d['reasons'])}${d['recommendedProvider'] ? `; proveedor recomendado: ${s(d['recommendedProvider'])}` : ''}`;
      case 'SubscriberTerminated':
        return `Baja ${w('terminationKind', d['kind'])} efectiva el ${day('effectiveDate')}; saldo final ${money('finalBalance')}`;
      case 'SubscriberReactivated':
        return `Cliente reactivado en el plan ${plan(d['plan'])}`;
      case 'CaseOpened':
        return `Caso de ${w('caseKind', d['kind'])} abierto: ${s(d['summary'])}`;
      case 'IncidentDocumented':
        return `Incidencia documentada (${formatInstant(s(d['incidentAt']), L)}): ${s(d['description'])}`;
      case 'RemedyStepTaken':
        return `Paso «${w('remedyStep', d['step'])}» realizado: ${w('remedyOutcome', d['outcome'])}${d['notes'] ? ` — ${s(d['notes'])}` : ''}`;
      case 'RemedyStepSkipped':
        return `Paso «${w('remedyStep', d['step'])}» omitido: ${s(d['justification'])}`;
      case 'UsageAnalyzed':
        return `Uso analizado: ${s(d['findings'])} (causas: ${(d['causes'] as unknown[] | undefined ?? []).map((c) => w('usageCause', c)).join(', ')})`;
      case 'RetentionPlanProposed':
        return `Plan de retención propuesto con ${(d['actions'] as unknown[] | undefined ?? []).length} acciones`;
      case 'RetentionPlanAgreed':
        return `Plan de retención acordado por ${s(d['agreedBy'])} con ${(d['actions'] as unknown[] | undefined ?? []).length} acciones`;
      case 'RetentionPlanRejected':
        return `Plan de retención rechazado: ${s(d['reason'])}; baja efectiva el ${day('effectiveDate')}`;
      case 'TerminationRecommended':
        return `Baja recomendada para el ${day('effectiveDate')}: ${list(d['reasons'])}${d['recommendedProvider'] ? `; proveedor recomendado: ${s(d['recommendedProvider'])}` : ''}`;
      case 'TerminationApproved':
        return `Baja aprobada por ${s(d['approvedBy'])}`;
      case 'CaseClosed':
        return `Caso cerrado: ${w('caseOutcome', d['outcome'])}`;
      default:
        return unknownType(type, L);
    }
  }
  switch (type) {
    case 'SubscriberEnrolled':
      return `${s(d['name'])} enrolled (${w('segment', d['segment'])}) on plan ${plan(d['plan'])}, sales rep ${s(d['salesRepId'])}${d['override'] ? '; qualification overridden' : ''}`;
    case 'InvoiceIssued':
      return `Invoice ${s(d['invoiceId'])} issued for ${money('amount')} (period ${s(d['period'])}, due ${day('dueDate')})`;
    case 'PaymentReceived':
      return `Payment of ${money('amount')} received for invoice ${s(d['invoiceId'])}`;
    case 'PaymentReminderSent':
      return `${capital(w('reminderTone', d['tone'] ?? 'friendly'))} payment reminder sent for invoice ${s(d['invoiceId'])}`;
    case 'PaymentMissed':
      return `Invoice ${s(d['invoiceId'])} missed: ${money('amount')} still owed (${s(d['consecutiveMissed'])} in a row)`;
    case 'PaymentArrangementAgreed':
      return `Payment arrangement agreed: invoices ${list(d['invoiceIds'])} to be paid by ${day('payBy')}`;
    case 'ServiceSuspended':
      return `Service suspended for ${w('suspensionReason', d['reason'])}; ${money('outstanding')} outstanding`;
    case 'DebtWrittenOff':
      return `${money('amount')} written off (invoices ${list(d['invoiceIds'])})`;
    case 'ServiceReinstated':
      return `Service reinstated: ${s(d['reason'])}`;
    case 'CostToServeRecorded':
      return `Cost to serve recorded: ${w('costKind', d['kind'])}, ${money('amount')}${d['minutes'] !== undefined ? `, ${s(d['minutes'])} min` : ''}`;
    case 'ComplaintLogged':
      return `Complaint logged (${s(d['category'])}): ${s(d['description'])}`;
    case 'PlanChanged': {
      const from = d['from'] as Data | undefined;
      const to = d['to'] as Data | undefined;
      return `Plan changed (${w('planChangeReason', d['reason'])}): from ${s(from?.['code'])} to ${s(to?.['code'])}, ${formatMoney(n(to?.['monthlyFee']), ctx.currency, L)}/month`;
    }
    case 'ClientMigrated':
      return `Client migrated to ${w('migrationTarget', d['target'])}${d['toPlan'] ? `: ${plan(d['toPlan'])}` : ''}${d['partner'] ? ` (${s(d['partner'])})` : ''}${d['channel'] ? ` (${s(d['channel'])})` : ''}`;
    case 'CancellationRequested':
      return `The client asked to cancel: ${s(d['reason'])}${d['requestedEffectiveDate'] ? `, from ${day('requestedEffectiveDate')}` : ''}`;
    case 'CancellationWithdrawn':
      return `Cancellation withdrawn (case ${s(d['caseId'])})`;
    case 'TerminationNoticeGiven':
      return `Termination notice given by ${w('initiator', d['initiatedBy'])}, effective ${day('effectiveDate')}: ${list(d['reasons'])}${d['recommendedProvider'] ? `; recommended provider: ${s(d['recommendedProvider'])}` : ''}`;
    case 'SubscriberTerminated':
      return `${capital(w('terminationKind', d['kind']))} termination effective ${day('effectiveDate')}; final balance ${money('finalBalance')}`;
    case 'SubscriberReactivated':
      return `Client reactivated on plan ${plan(d['plan'])}`;
    case 'CaseOpened':
      return `Case opened (${w('caseKind', d['kind'])}): ${s(d['summary'])}`;
    case 'IncidentDocumented':
      return `Incident documented (${formatInstant(s(d['incidentAt']), L)}): ${s(d['description'])}`;
    case 'RemedyStepTaken':
      return `Remedy step "${w('remedyStep', d['step'])}" taken: ${w('remedyOutcome', d['outcome'])}${d['notes'] ? ` — ${s(d['notes'])}` : ''}`;
    case 'RemedyStepSkipped':
      return `Remedy step "${w('remedyStep', d['step'])}" skipped: ${s(d['justification'])}`;
    case 'UsageAnalyzed':
      return `Usage analysed: ${s(d['findings'])} (causes: ${(d['causes'] as unknown[] | undefined ?? []).map((c) => w('usageCause', c)).join(', ')})`;
    case 'RetentionPlanProposed':
      return `Retention plan proposed with ${(d['actions'] as unknown[] | undefined ?? []).length} actions`;
    case 'RetentionPlanAgreed':
      return `Retention plan agreed by ${s(d['agreedBy'])} with ${(d['actions'] as unknown[] | undefined ?? []).length} actions`;
    case 'RetentionPlanRejected':
      return `Retention plan rejected: ${s(d['reason'])}; termination effective ${day('effectiveDate')}`;
    case 'TerminationRecommended':
      return `Termination recommended for ${day('effectiveDate')}: ${list(d['reasons'])}${d['recommendedProvider'] ? `; recommended provider: ${s(d['recommendedProvider'])}` : ''}`;
    case 'TerminationApproved':
      return `Termination approved by ${s(d['approvedBy'])}`;
    case 'CaseClosed':
      return `Case closed: ${w('caseOutcome', d['outcome'])}`;
    default:
      return unknownType(type, L);
  }
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function unknownType(type: never, locale: Locale): string {
  // A newer service may emit a type this console does not know yet: say so, never hide it.
  return locale === 'es' ? `Evento ${String(type)}` : `${String(type)} event`;
}

/** Who did it, from the metadata the store keeps ("system" for the scheduler and policies). */
export function actorOf(event: Pick<Envelope, 'metadata'>): { actor: string; role: string } {
  const m = event.metadata ?? {};
  const role = Array.isArray(m['role']) ? (m['role'] as unknown[]).join(', ') : s(m['role']);
  return { actor: s(m['actor']), role };
}

/** Events strictly after `asOf` (business time) are shown greyed: the state shown excludes them. */
export function isAfter(event: Pick<Envelope, 'occurredAt'>, asOf: string | null): boolean {
  if (!asOf) return false;
  return Date.parse(event.occurredAt) > Date.parse(asOf);
}
