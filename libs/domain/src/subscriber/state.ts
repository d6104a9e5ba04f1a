/**
 * Subscriber state: what the rules need, folded from the stream by {@link evolveSubscriber}.
 * States are immutable values (evolve returns a new one; nothing is mutated).
 */
import type {
  CostKind,
  Initiator,
  Plan,
  Qualification,
  ReminderTone,
  Segment,
  SubscriberEvent,
  SuspensionReason,
  TerminationKind,
} from '../contracts/events.js';

export type SubscriberStatus = 'none' | 'active' | 'suspended' | 'notice' | 'terminated';
export type InvoiceStatus = 'open' | 'paid' | 'missed' | 'written_off';

export interface InvoiceState {
  readonly invoiceId: string;
  readonly period: string;
  readonly amount: number;
  readonly dueDate: string;
  readonly issuedAt: string;
  readonly status: InvoiceStatus;
  /** Received so far. */
  readonly paid: number;
  readonly writtenOff: number;
  /** Still owed: amount − paid − writtenOff. */
  readonly owed: number;
  /** When it was recorded missed (kept after it is paid: the default happened). */
  readonly missedAt: string | null;
  readonly reminders: ReadonlyArray<{ readonly tone: ReminderTone; readonly at: string }>;
  /** `payBy` of the payment arrangement covering it, if any. */
  readonly arrangedUntil: string | null;
}

export interface PaymentArrangement {
  readonly invoiceIds: readonly string[];
  readonly payBy: string;
  readonly agreedAt: string;
}

export interface TerminationNotice {
  readonly initiatedBy: Initiator;
  readonly reasons: readonly string[];
  readonly effectiveDate: string;
  readonly recommendedProvider: string | null;
  readonly caseId: string | null;
  readonly approvedBy: string | null;
  readonly givenAt: string;
}

export interface Suspension {
  readonly reason: SuspensionReason;
  readonly since: string;
  readonly outstanding: number;
  /** Debt was written off during this suspension: reinstatement is then the operator's decision. */
  readonly writtenOff: boolean;
}

export interface Termination {
  readonly kind: TerminationKind;
  readonly reasons: readonly string[];
  readonly effectiveDate: string;
  readonly finalBalance: number;
  readonly at: string;
}

export interface LedgerEntry {
  readonly amount: number;
  readonly at: string;
}

/** What every subscriber state has, enrolled or not: the ledger, the folds' counters. */
interface SubscriberLedger {
  readonly override: { readonly by: string; readonly justification: string } | null;
  /** Contractual notice days; null = the segment's default. */
  readonly noticeDays: number | null;
  readonly invoices: Readonly<Record<string, InvoiceState>>;
  /** Invoice ids in issue order. */
  readonly invoiceOrder: readonly string[];
  /** Σ owed over open and missed invoices; never negative. */
  readonly balance: number;
  readonly consecutiveMissed: number;
  /** The latest arrangement agreed (in force until the end of its payBy day). */
  readonly arrangement: PaymentArrangement | null;
  readonly payments: readonly LedgerEntry[];
  readonly costs: ReadonlyArray<LedgerEntry & { readonly kind: CostKind; readonly minutes: number | null }>;
  readonly totalBilled: number;
  readonly totalPaid: number;
  readonly totalWrittenOff: number;
  readonly totalCostToServe: number;
  readonly complaintCount: number;
  readonly pendingCancellation: { readonly reason: string; readonly requestedEffectiveDate: string | null; readonly requestedAt: string } | null;
  readonly notice: TerminationNotice | null;
  readonly suspension: Suspension | null;
  /** A migration to a partner not yet followed by the termination it implies. */
  readonly partnerMigration: { readonly partner: string; readonly caseId: string | null; readonly at: string } | null;
  /** Set while terminated. */
  readonly termination: Termination | null;
  readonly terminatedAt: string | null;
  readonly reactivations: number;
  readonly lastOccurredAt: string | null;
  /** Events folded so far (stream version + 1). */
  readonly eventCount: number;
}

/** Before SubscriberEnrolled: the application answers 404; every command but enrolment is refused. */
export interface UnenrolledSubscriber extends SubscriberLedger {
  readonly exists: false;
  readonly status: 'none';
  readonly subscriberId: null;
  readonly name: null;
  readonly segment: null;
  readonly plan: null;
  readonly salesRepId: null;
  readonly qualification: null;
  readonly enrolledAt: null;
  readonly customerSince: null;
}

/** From SubscriberEnrolled on (terminated included: a terminated subscriber keeps its record). */
export interface EnrolledSubscriber extends SubscriberLedger {
  readonly exists: true;
  readonly status: Exclude<SubscriberStatus, 'none'>;
  readonly subscriberId: string;
  readonly name: string;
  readonly segment: Segment;
  /** Current plan (changed by PlanChanged, ClientMigrated with toPlan, SubscriberReactivated). */
  readonly plan: Plan;
  readonly salesRepId: string;
  readonly qualification: Qualification;
  readonly enrolledAt: string;
  /**
   * Since when the subscriber has been a customer without a break: the enrolment, or the last
   * reactivation (kept while terminated; the status says whether it is still a customer).
   */
  readonly customerSince: string;
}

export type SubscriberState = UnenrolledSubscriber | EnrolledSubscriber;

export function initialSubscriberState(): UnenrolledSubscriber {
  return {
    exists: false,
    subscriberId: null,
    status: 'none',
    name: null,
    segment: null,
    plan: null,
    salesRepId: null,
    qualification: null,
    override: null,
    noticeDays: null,
    enrolledAt: null,
    customerSince: null,
    invoices: {},
    invoiceOrder: [],
    balance: 0,
    consecutiveMissed: 0,
    arrangement: null,
    payments: [],
    costs: [],
    totalBilled: 0,
    totalPaid: 0,
    totalWrittenOff: 0,
    totalCostToServe: 0,
    complaintCount: 0,
    pendingCancellation: null,
    notice: null,
    suspension: null,
    partnerMigration: null,
    termination: null,
    terminatedAt: null,
    reactivations: 0,
    lastOccurredAt: null,
    eventCount: 0,
  };
}

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
export function evolveSubscriber(state: SubscriberState, event: SubscriberEvent): SubscriberState {
  if (event.type === 'SubscriberEnrolled') {
    const d = event.data;
    return {
      ...state,
      lastOccurredAt: d.occurredAt,
      eventCount: state.eventCount + 1,
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
  if (!state.exists) return { ...state, lastOccurredAt: event.data.occurredAt, eventCount: state.eventCount + 1 };
  return evolveEnrolled(state, event);
}

function evolveEnrolled(state: EnrolledSubscriber, event: Exclude<SubscriberEvent, { type: 'SubscriberEnrolled' }>): EnrolledSubscriber {
  const base = { ...state, lastOccurredAt: event.data.occurredAt, eventCount: state.eventCount + 1 };
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
      const currency = state.plan?.currency ?? '';
      return { ...base, plan: { code: d.to.code, monthlyFee: d.to.monthlyFee, currency } };
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
