/**
 * The subscriber's evolve: folds events into the state types of `state.ts`. Kept apart from them
 * because the fold over every event type is the longest part and changes with each new event.
 */
import type { SubscriberEvent, SubscriberEventOf } from '../contracts/events.js';
import { counted } from '../shared/decider.js';
import { initialSubscriberState, type EnrolledSubscriber, type InvoiceState, type SubscriberState } from './state.js';

function withInvoice(state: SubscriberState, invoiceId: string, f: (i: InvoiceState) => InvoiceState): Readonly<Record<string, InvoiceState>> {
  const inv = state.invoices[invoiceId];
  if (!inv) return state.invoices;
  return { ...state.invoices, [invoiceId]: f(inv) };
}

function sumOwed(invoices: Readonly<Record<string, InvoiceState>>): number {
  let total = 0;
  for (const inv of Object.values(invoices)) total += inv.owed;
  return total;
}

/**
 * Folds one event into the state. Total over every subscriber event type. A stream starts with
 * SubscriberEnrolled (the decider refuses anything else first), so another event on an unenrolled
 * state only counts.
 */
export function evolveSubscriber(state: EnrolledSubscriber, event: SubscriberEvent): EnrolledSubscriber;
export function evolveSubscriber(state: SubscriberState, event: SubscriberEventOf<'SubscriberEnrolled'>): EnrolledSubscriber;
export function evolveSubscriber(state: SubscriberState, event: SubscriberEvent): SubscriberState;
export function evolveSubscriber(state: SubscriberState, event: SubscriberEvent): SubscriberState {
  if (event.type === 'SubscriberEnrolled') {
    const d = event.data;
    return {
      ...counted(state, event),
      exists: true,
      subscriberId: d.subscriberId,
      status: 'active',
      name: d.name,
      segment: d.segment,
      plan: { ...d.plan },
      salesRepId: d.salesRepId,
      qualification: { ...d.qualification },
      override: d.override ? { ...d.override } : null,
      noticeDays: d.noticeDays ?? null,
      enrolledAt: d.occurredAt,
      customerSince: d.occurredAt,
    };
  }
  if (!state.exists) return counted(state, event);
  return evolveEnrolled(state, event);
}

function evolveEnrolled(state: EnrolledSubscriber, event: Exclude<SubscriberEvent, { type: 'SubscriberEnrolled' }>): EnrolledSubscriber {
  const base = counted(state, event);
  switch (event.type) {
    case 'InvoiceIssued': {
      const d = event.data;
      const invoice: InvoiceState = {
        invoiceId: d.invoiceId,
        period: d.period,
        amount: d.amount,
        dueDate: d.dueDate,
        issuedAt: d.occurredAt,
        status: 'open',
        paid: 0,
        writtenOff: 0,
        owed: d.amount,
        missedAt: null,
        reminders: [],
        arrangedUntil: null,
      };
      const invoices = { ...state.invoices, [d.invoiceId]: invoice };
      return {
        ...base,
        invoices,
        invoiceOrder: [...state.invoiceOrder, d.invoiceId],
        balance: sumOwed(invoices),
        totalBilled: state.totalBilled + d.amount,
      };
    }
    case 'PaymentReceived': {
      const d = event.data;
      const before = state.invoices[d.invoiceId];
      const invoices = withInvoice(state, d.invoiceId, (i) => {
        const owed = Math.max(0, i.owed - d.amount);
        return { ...i, paid: i.paid + d.amount, owed, status: owed === 0 ? 'paid' : i.status };
      });
      const paidOnTime = before !== undefined && before.missedAt === null && before.owed - d.amount <= 0;
      return {
        ...base,
        invoices,
        balance: sumOwed(invoices),
        consecutiveMissed: paidOnTime ? 0 : state.consecutiveMissed,
        payments: [...state.payments, { amount: d.amount, at: d.occurredAt }],
        totalPaid: state.totalPaid + d.amount,
      };
    }
    case 'PaymentReminderSent': {
      const d = event.data;
      return {
        ...base,
        invoices: withInvoice(state, d.invoiceId, (i) => ({ ...i, reminders: [...i.reminders, { tone: d.tone, at: d.occurredAt }] })),
      };
    }
    case 'PaymentMissed': {
      const d = event.data;
      return {
        ...base,
        invoices: withInvoice(state, d.invoiceId, (i) => ({ ...i, status: 'missed', missedAt: d.occurredAt })),
        consecutiveMissed: d.consecutiveMissed,
      };
    }
    case 'PaymentArrangementAgreed': {
      const d = event.data;
      let invoices = state.invoices;
      for (const id of d.invoiceIds) {
        const inv = invoices[id];
        if (inv) invoices = { ...invoices, [id]: { ...inv, arrangedUntil: d.payBy } };
      }
      return { ...base, invoices, arrangement: { invoiceIds: [...d.invoiceIds], payBy: d.payBy, agreedAt: d.occurredAt } };
    }
    case 'ServiceSuspended': {
      const d = event.data;
      return {
        ...base,
        status: 'suspended',
        suspension: { reason: d.reason, since: d.occurredAt, outstanding: d.outstanding, writtenOff: false },
      };
    }
    case 'DebtWrittenOff': {
      const d = event.data;
      let invoices = state.invoices;
      let total = 0;
      for (const id of d.invoiceIds) {
        const inv = invoices[id];
        if (!inv) continue;
        total += inv.owed;
        invoices = { ...invoices, [id]: { ...inv, writtenOff: inv.writtenOff + inv.owed, owed: 0, status: 'written_off' } };
      }
      return {
        ...base,
        invoices,
        balance: sumOwed(invoices),
        totalWrittenOff: state.totalWrittenOff + total,
        suspension: state.suspension ? { ...state.suspension, writtenOff: true } : null,
      };
    }
    case 'ServiceReinstated':
      return { ...base, status: state.notice ? 'notice' : 'active', suspension: null };
    case 'CostToServeRecorded': {
      const d = event.data;
      return {
        ...base,
        costs: [...state.costs, { kind: d.kind, amount: d.amount, minutes: d.minutes ?? null, at: d.occurredAt }],
        totalCostToServe: state.totalCostToServe + d.amount,
      };
    }
    case 'ComplaintLogged':
      return { ...base, complaintCount: state.complaintCount + 1 };
    case 'PlanChanged': {
      const d = event.data;
      return { ...base, plan: { code: d.to.code, monthlyFee: d.to.monthlyFee, currency: state.plan.currency } };
    }
    case 'ClientMigrated': {
      const d = event.data;
      return {
        ...base,
        plan: d.toPlan ? { ...d.toPlan } : state.plan,
        partnerMigration:
          d.target === 'partner' ? { partner: d.partner ?? '', caseId: d.caseId ?? null, at: d.occurredAt } : state.partnerMigration,
      };
    }
    case 'CancellationRequested': {
      const d = event.data;
      return {
        ...base,
        pendingCancellation: { reason: d.reason, requestedEffectiveDate: d.requestedEffectiveDate ?? null, requestedAt: d.occurredAt },
      };
    }
    case 'CancellationWithdrawn': {
      const clientNotice = state.notice?.initiatedBy === 'client';
      return {
        ...base,
        pendingCancellation: null,
        notice: clientNotice ? null : state.notice,
        status: clientNotice && state.status === 'notice' ? 'active' : state.status,
      };
    }
    case 'TerminationNoticeGiven': {
      const d = event.data;
      return {
        ...base,
        notice: {
          initiatedBy: d.initiatedBy,
          reasons: [...d.reasons],
          effectiveDate: d.effectiveDate,
          recommendedProvider: d.recommendedProvider ?? null,
          caseId: d.caseId ?? null,
          approvedBy: d.approvedBy ?? null,
          givenAt: d.occurredAt,
        },
        status: state.status === 'suspended' ? 'suspended' : 'notice',
        pendingCancellation: d.initiatedBy === 'client' ? null : state.pendingCancellation,
      };
    }
    case 'SubscriberTerminated': {
      const d = event.data;
      return {
        ...base,
        status: 'terminated',
        termination: { kind: d.kind, reasons: [...d.reasons], effectiveDate: d.effectiveDate, finalBalance: d.finalBalance, at: d.occurredAt },
        terminatedAt: d.occurredAt,
        notice: null,
        pendingCancellation: null,
        suspension: null,
        partnerMigration: null,
        arrangement: null,
      };
    }
    case 'SubscriberReactivated': {
      const d = event.data;
      return {
        ...base,
        status: 'active',
        plan: { ...d.plan },
        termination: null,
        terminatedAt: null,
        customerSince: d.occurredAt,
        reactivations: state.reactivations + 1,
      };
    }
    default: {
      const unreachable: never = event;
      throw new TypeError(`evolveSubscriber: unknown event ${(unreachable as { type: string }).type}`);
    }
  }
}

/** Folds a whole stream (from the initial state unless given). */
export function foldSubscriber(events: Iterable<SubscriberEvent>, from: SubscriberState = initialSubscriberState()): SubscriberState {
  let s = from;
  for (const e of events) s = evolveSubscriber(s, e);
  return s;
}
