/**
 * The subscriber as `GET /v1/subscribers/{id}` shows it. The application adds `version` (stream
 * version) and `openCases` (from the cases read model).
 */
import type { CostKind, Plan, Qualification, ReminderTone, Segment, TerminationKind } from '../contracts/events.js';
import { invoicesInOrder, overdueBalance } from './queries.js';
import type { InvoiceStatus, SubscriberState, SubscriberStatus, Suspension, TerminationNotice } from './state.js';

export interface InvoiceView {
  invoiceId: string;
  period: string;
  amount: number;
  dueDate: string;
  status: InvoiceStatus;
  /** Still owed on it. */
  owed: number;
  paid: number;
  writtenOff: number;
  issuedAt: string;
  missedAt: string | null;
  arrangedUntil: string | null;
  reminders: Array<{ tone: ReminderTone; at: string }>;
}

export interface SubscriberView {
  subscriberId: string;
  name: string;
  segment: Segment;
  status: Exclude<SubscriberStatus, 'none'>;
  plan: Plan;
  currency: string;
  salesRepId: string;
  qualification: Qualification;
  override: { by: string; justification: string } | null;
  noticeDays: number | null;
  enrolledAt: string;
  /** Σ still owed on open and missed invoices (minor units). */
  balance: number;
  /** Σ still owed on missed invoices. */
  overdue: number;
  consecutiveMissed: number;
  invoices: InvoiceView[];
  arrangement: { invoiceIds: string[]; payBy: string; agreedAt: string } | null;
  totals: { billed: number; paid: number; writtenOff: number; costToServe: number };
  costs: Array<{ kind: CostKind; amount: number; minutes: number | null; at: string }>;
  complaintCount: number;
  pendingCancellation: { reason: string; requestedEffectiveDate: string | null; requestedAt: string } | null;
  notice: TerminationNotice | null;
  suspension: Suspension | null;
  termination: { kind: TerminationKind; reasons: string[]; effectiveDate: string; finalBalance: number; at: string } | null;
  reactivations: number;
  lastOccurredAt: string | null;
}

/** A JSON-ready view of the state; throws a TypeError when the subscriber does not exist. */
export function subscriberView(state: SubscriberState): SubscriberView {
  if (!state.exists) throw new TypeError('subscriberView: the subscriber does not exist');
  return {
    subscriberId: state.subscriberId,
    name: state.name,
    segment: state.segment,
    status: state.status,
    plan: { ...state.plan },
    currency: state.plan.currency,
    salesRepId: state.salesRepId,
    qualification: { ...state.qualification },
    override: state.override ? { ...state.override } : null,
    noticeDays: state.noticeDays,
    enrolledAt: state.enrolledAt,
    balance: state.balance,
    overdue: overdueBalance(state),
    consecutiveMissed: state.consecutiveMissed,
    invoices: invoicesInOrder(state).map((i) => ({
      invoiceId: i.invoiceId,
      period: i.period,
      amount: i.amount,
      dueDate: i.dueDate,
      status: i.status,
      owed: i.owed,
      paid: i.paid,
      writtenOff: i.writtenOff,
      issuedAt: i.issuedAt,
      missedAt: i.missedAt,
      arrangedUntil: i.arrangedUntil,
      reminders: i.reminders.map((r) => ({ ...r })),
    })),
    arrangement: state.arrangement ? { ...state.arrangement, invoiceIds: [...state.arrangement.invoiceIds] } : null,
    totals: { billed: state.totalBilled, paid: state.totalPaid, writtenOff: state.totalWrittenOff, costToServe: state.totalCostToServe },
    costs: state.costs.map((c) => ({ kind: c.kind, amount: c.amount, minutes: c.minutes, at: c.at })),
    complaintCount: state.complaintCount,
    pendingCancellation: state.pendingCancellation ? { ...state.pendingCancellation } : null,
    notice: state.notice ? { ...state.notice, reasons: [...state.notice.reasons] } : null,
    suspension: state.suspension ? { ...state.suspension } : null,
    termination: state.termination ? { ...state.termination, reasons: [...state.termination.reasons] } : null,
    reactivations: state.reactivations,
    lastOccurredAt: state.lastOccurredAt,
  };
}
