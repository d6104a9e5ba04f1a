/**
 * Pure questions about a subscriber's state, shared by the decider, the scheduler and the
 * process managers so they always agree.
 */
import type { CaseKind, Segment } from '../contracts/events.js';
import type { DunningPolicy } from '../dunning/policy.js';
import { DAY_MS, dateStartMs, daysPastDue, instantMs } from '../shared/time.js';
import type { InvoiceState, SubscriberState } from './state.js';

/** Invoices in issue order. */
export function invoicesInOrder(state: SubscriberState): InvoiceState[] {
  return state.invoiceOrder.map((id) => state.invoices[id]).filter((i): i is InvoiceState => i !== undefined);
}

/** Missed invoices with something still owed. */
export function missedUnpaid(state: SubscriberState): InvoiceState[] {
  return invoicesInOrder(state).filter((i) => i.status === 'missed' && i.owed > 0);
}

/** Σ owed on missed invoices. */
export function overdueBalance(state: SubscriberState): number {
  return missedUnpaid(state).reduce((s, i) => s + i.owed, 0);
}

/** An open invoice more than `graceDays` days past due at `at`: to be recorded missed. */
function isMissable(invoice: InvoiceState, at: string, policy: DunningPolicy): boolean {
  return invoice.status === 'open' && invoice.owed > 0 && daysPastDue(at, invoice.dueDate) > policy.graceDays;
}

/** Open invoices to record missed as of `at`, by due date then issue order. */
export function invoicesToRecordMissed(state: SubscriberState, at: string, policy: DunningPolicy): InvoiceState[] {
  return invoicesInOrder(state)
    .filter((i) => isMissable(i, at, policy))
    .sort((a, b) => (a.dueDate < b.dueDate ? -1 : a.dueDate > b.dueDate ? 1 : 0));
}

/**
 * The instant from which a missed, unpaid invoice makes a non-payment suspension due:
 * with an arrangement, the end of its payBy day (the arrangement is broken); otherwise its due
 * date + `suspendAfterDays` at 00:00Z.
 */
export function suspensionTriggerMs(invoice: InvoiceState, policy: DunningPolicy): number {
  if (invoice.arrangedUntil !== null) return dateStartMs(invoice.arrangedUntil) + DAY_MS;
  return dateStartMs(invoice.dueDate) + policy.suspendAfterDays * DAY_MS;
}

/** Missed, unpaid invoices whose suspension trigger has been reached at `at`. */
function invoicesDueForSuspension(state: SubscriberState, at: string, policy: DunningPolicy): InvoiceState[] {
  const t = instantMs(at);
  return missedUnpaid(state).filter((i) => t >= suspensionTriggerMs(i, policy));
}

/**
 * The dunning policy wants a non-payment suspension at `at`: the service is being delivered
 * (active or under notice) and a missed invoice is still unpaid `suspendAfterDays` past due
 * without an arrangement in force (or past its arrangement's payBy).
 */
export function isSuspensionDue(state: SubscriberState, at: string, policy: DunningPolicy): boolean {
  return (state.status === 'active' || state.status === 'notice') && invoicesDueForSuspension(state, at, policy).length > 0;
}

/** A termination notice in force whose effective date (00:00Z) has been reached at `at`. */
export function isNoticeEffective(state: SubscriberState, at: string): boolean {
  return state.notice !== null && state.status !== 'terminated' && instantMs(at) >= dateStartMs(state.notice.effectiveDate);
}

/**
 * Whether a payment now reinstates automatically: suspended for non-payment, no debt was written
 * off during the suspension, and no missed invoice is still owed.
 */
export function isAutomaticReinstatementDue(state: SubscriberState): boolean {
  return (
    state.status === 'suspended' &&
    state.suspension?.reason === 'non_payment' &&
    !state.suspension.writtenOff &&
    missedUnpaid(state).length === 0
  );
}

/** What a case needs to know about its subscriber. */
export interface SubscriberFacts {
  status: SubscriberState['status'];
  segment: Segment;
  /** Contractual notice days; null/undefined = segment default. */
  noticeDays?: number | null;
}

export function subscriberFacts(state: SubscriberState): SubscriberFacts {
  if (!state.exists) throw new TypeError('subscriberFacts: the subscriber does not exist');
  return { status: state.status, segment: state.segment, noticeDays: state.noticeDays };
}

/**
 * Minimum notice (domain.md §4 `notice-too-short`): 15 days for a `non_payment` case, else the
 * contract's `noticeDays` when set, else 60 days for b2b and 15 for b2c.
 */
function minimumNoticeDays(facts: { segment: Segment; noticeDays?: number | null | undefined }, caseKind?: CaseKind | null): number {
  if (caseKind === 'non_payment') return 15;
  if (facts.noticeDays !== undefined && facts.noticeDays !== null) return facts.noticeDays;
  return facts.segment === 'b2b' ? 60 : 15;
}

/** Earliest effective date a notice given at `at` may carry. */
export function earliestEffectiveDate(facts: { segment: Segment; noticeDays?: number | null | undefined }, at: string, caseKind?: CaseKind | null): string {
  const noticeDate = new Date(instantMs(at)).toISOString().slice(0, 10);
  return new Date(dateStartMs(noticeDate) + minimumNoticeDays(facts, caseKind) * DAY_MS).toISOString().slice(0, 10);
}

/** Cost to serve and payments over the trailing window `(asOf − days, asOf]`. */
export function trailingProfitability(state: SubscriberState, asOf: string, days = 90): { costToServe: number; paid: number; from: string; to: string } {
  const to = instantMs(asOf);
  const from = to - days * DAY_MS;
  const inWindow = (at: string) => {
    const t = instantMs(at);
    return t > from && t <= to;
  };
  return {
    costToServe: state.costs.filter((c) => inWindow(c.at)).reduce((s, c) => s + c.amount, 0),
    paid: state.payments.filter((p) => inWindow(p.at)).reduce((s, p) => s + p.amount, 0),
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
  };
}

/**
 * The profitability of a trailing window is judged only for a subscriber who was a customer the
 * whole window (since enrolment or the last reactivation, at or before its start) and is `active`
 * or `suspended` (domain.md §5): a brand-new client whose first service visit comes before its
 * first invoice is not unprofitable, and a client under notice or gone is past judging.
 * The analytics flag `unprofitable` (§6) follows the same rule so the flag and the case agree.
 */
export function hasFullProfitabilityWindow(state: SubscriberState, asOf: string, days = 90): boolean {
  if (state.status !== 'active' && state.status !== 'suspended') return false;
  if (state.customerSince === null) return false;
  return instantMs(state.customerSince) <= instantMs(asOf) - days * DAY_MS;
}
