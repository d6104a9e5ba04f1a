import { applyLifecycle, enrolledState, invoiceKey, mrrOf, type LifecycleState } from '../../lifecycle.js';
import { DAY_MS } from '../../months.js';
import type { ProjectedEvent } from '../../projection.js';
import type { EvolveContext } from '../read-model.js';
import type { LedgerEntryRow, LedgerInvoiceRow, LedgerSubscriberRow } from './table.js';

/** Trailing window of the profitability flags (domain.md §4, profitability watch). */
export const TRAILING_DAYS = 90;

/** A subscriber as the fold works on it: its row, with the lifecycle in the shape {@link applyLifecycle} folds. */
type SubscriberState = Omit<LedgerSubscriberRow, 'status' | 'notice_by' | 'plan_code' | 'currency' | 'monthly_fee' | 'mrr'> & LifecycleState;

function stateOf(r: LedgerSubscriberRow): SubscriberState {
  const { status, notice_by, plan_code, currency, monthly_fee, mrr: _mrr, ...rest } = r;
  return { ...rest, status: status as LifecycleState['status'], noticeBy: notice_by as LifecycleState['noticeBy'], planCode: plan_code, currency, fee: monthly_fee };
}

function rowOf(s: SubscriberState): LedgerSubscriberRow {
  const { status, noticeBy, planCode, currency, fee, ...rest } = s;
  return { ...rest, status, notice_by: noticeBy, plan_code: planCode, currency, monthly_fee: fee, mrr: mrrOf(s) };
}

/** The stored rows a batch needs: its subscribers, and their invoices it mentions. */
export interface SubscriberLedgerLoaded {
  subscribers: readonly LedgerSubscriberRow[];
  invoices: readonly LedgerInvoiceRow[];
}

/** What a batch writes: rows created (none stored) and changed, and the ledger entries still inside the window. */
export interface SubscriberLedgerWrites {
  subscribers: { created: LedgerSubscriberRow[]; changed: LedgerSubscriberRow[] };
  invoices: { created: LedgerInvoiceRow[]; changed: LedgerInvoiceRow[] };
  ledger: LedgerEntryRow[];
  /** Entries at or before this instant can never be inside a trailing window again ("now" only moves forward): pruned. */
  horizon: string;
}

/**
 * The invoices the batch needs. An invoice row is only ever written with its subscriber's: a
 * subscriber not stored yet has none, so only the stored subscribers' invoices are looked up (in a
 * catch-up, few).
 */
export function ledgerInvoiceKeys(events: readonly ProjectedEvent[], storedSubscribers: ReadonlySet<string>): string[] {
  const keys: string[] = [];
  for (const e of events) {
    if (!storedSubscribers.has(e.data.subscriberId)) continue;
    if (e.type === 'InvoiceIssued' || e.type === 'PaymentReceived' || e.type === 'PaymentMissed') keys.push(invoiceKey(e.data.subscriberId, e.data.invoiceId));
    if (e.type === 'DebtWrittenOff') for (const id of e.data.invoiceIds) keys.push(invoiceKey(e.data.subscriberId, id));
  }
  return keys;
}

/**
 * Pure: the stored rows and a batch → what to write. Per subscriber: lifecycle (the projections'
 * status transitions, lifecycle.ts), money totals, balance, default and case flags, and the
 * entries of a trailing-90-day ledger up to `asOf`.
 */
export function evolveSubscriberLedger(loaded: SubscriberLedgerLoaded, events: readonly ProjectedEvent[], ctx: EvolveContext): SubscriberLedgerWrites {
  const subs = new Map<string, SubscriberState>(loaded.subscribers.map((r) => [r.subscriber_id, stateOf(r)]));
  const storedSubs = new Set(subs.keys());
  const invs = new Map<string, LedgerInvoiceRow>(loaded.invoices.map((r) => [r.invoice_key, { ...r }]));
  const storedInvs = new Set(invs.keys());
  const dirtySubs = new Set<string>();
  const dirtyInvs = new Set<string>();
  const ledgerRows: LedgerEntryRow[] = [];

  for (const e of events) {
    const id = e.data.subscriberId;
    if (e.type === 'SubscriberEnrolled') {
      if (subs.has(id)) continue;
      const d = e.data;
      subs.set(id, {
        ...enrolledState(e),
        subscriber_id: id,
        name: d.name,
        segment: d.segment,
        balance: 0,
        sales_rep_id: d.salesRepId,
        enrolled_at: e.occurredAt,
        terminated_at: null,
        customer_since: e.occurredAt,
        billed: 0,
        collected: 0,
        cost_to_serve: 0,
        written_off: 0,
        missed_unpaid: 0,
        open_cases: 0,
        complaints: 0,
        updated_at: e.occurredAt,
      });
      dirtySubs.add(id);
      continue;
    }
    const s = subs.get(id);
    // Events of a subscriber never enrolled (foreign or corrupt data) have nothing to attach to.
    if (!s) continue;
    dirtySubs.add(id);
    if (e.occurredAt > s.updated_at) s.updated_at = e.occurredAt;
    applyLifecycle(s, e);
    switch (e.type) {
      case 'SubscriberTerminated':
        s.terminated_at = e.occurredAt;
        break;
      case 'SubscriberReactivated':
        s.terminated_at = null;
        s.customer_since = e.occurredAt;
        break;
      case 'InvoiceIssued': {
        const key = invoiceKey(id, e.data.invoiceId);
        if (invs.has(key)) break;
        invs.set(key, { invoice_key: key, subscriber_id: id, amount: e.data.amount, owed: e.data.amount, missed: false });
        dirtyInvs.add(key);
        s.billed += e.data.amount;
        s.balance += e.data.amount;
        ledgerRows.push({ subscriber_id: id, at: e.occurredAt, billed: e.data.amount, collected: 0, cost: 0 });
        break;
      }
      case 'PaymentReceived': {
        s.collected += e.data.amount;
        ledgerRows.push({ subscriber_id: id, at: e.occurredAt, billed: 0, collected: e.data.amount, cost: 0 });
        const inv = invs.get(invoiceKey(id, e.data.invoiceId));
        if (!inv) break;
        const applied = Math.min(inv.owed, e.data.amount);
        inv.owed -= applied;
        s.balance -= applied;
        if (inv.missed && applied > 0 && inv.owed === 0) s.missed_unpaid -= 1;
        dirtyInvs.add(inv.invoice_key);
        break;
      }
      case 'PaymentMissed': {
        const inv = invs.get(invoiceKey(id, e.data.invoiceId));
        if (!inv || inv.missed) break;
        inv.missed = true;
        if (inv.owed > 0) s.missed_unpaid += 1;
        dirtyInvs.add(inv.invoice_key);
        break;
      }
      case 'DebtWrittenOff':
        for (const invoiceId of e.data.invoiceIds) {
          const inv = invs.get(invoiceKey(id, invoiceId));
          if (!inv || inv.owed === 0) continue;
          s.written_off += inv.owed;
          s.balance -= inv.owed;
          if (inv.missed) s.missed_unpaid -= 1;
          inv.owed = 0;
          dirtyInvs.add(inv.invoice_key);
        }
        break;
      case 'CostToServeRecorded':
        s.cost_to_serve += e.data.amount;
        ledgerRows.push({ subscriber_id: id, at: e.occurredAt, billed: 0, collected: 0, cost: e.data.amount });
        break;
      case 'ComplaintLogged':
        s.complaints += 1;
        break;
      case 'CaseOpened':
        s.open_cases += 1;
        break;
      case 'CaseClosed':
        s.open_cases = Math.max(0, s.open_cases - 1);
        break;
      default:
        break;
    }
  }

  const horizon = new Date(Date.parse(ctx.asOf) - TRAILING_DAYS * DAY_MS).toISOString();
  const split = <R>(ids: Set<string>, stored: Set<string>, row: (id: string) => R) => ({
    created: [...ids].filter((id) => !stored.has(id)).map(row),
    changed: [...ids].filter((id) => stored.has(id)).map(row),
  });
  return {
    subscribers: split(dirtySubs, storedSubs, (id) => rowOf(subs.get(id)!)),
    invoices: split(dirtyInvs, storedInvs, (k) => invs.get(k)!),
    ledger: ledgerRows.filter((r) => r.at > horizon),
    horizon,
  };
}
