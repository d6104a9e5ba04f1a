import { applyLifecycle, invoiceKey, mrrOf, type LifecycleState } from '../lifecycle.js';
import type { ProjectedEvent, Projection, ProjectionContext } from '../projection.js';
import { insertRows, loadByKeys, saveRows, type Column } from '../sql.js';
import { DAY_MS } from '../months.js';

/** Trailing window of the profitability flags (domain.md §4, profitability watch). */
export const TRAILING_DAYS = 90;

interface SubscriberRow extends LifecycleState {
  subscriber_id: string;
  name: string;
  segment: string;
  balance: number;
  sales_rep_id: string;
  enrolled_at: string;
  terminated_at: string | null;
  /** Enrolment or last reactivation: the tenure the `unprofitable` flag asks for (domain.md §5). */
  customer_since: string;
  billed: number;
  collected: number;
  cost_to_serve: number;
  written_off: number;
  missed_unpaid: number;
  open_cases: number;
  complaints: number;
  updated_at: string;
}

interface InvoiceRow {
  invoice_key: string;
  subscriber_id: string;
  amount: number;
  owed: number;
  missed: boolean;
}

const SUBSCRIBER_COLUMNS: Column[] = [
  { name: 'subscriber_id', type: 'text' },
  { name: 'name', type: 'text' },
  { name: 'segment', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'plan_code', type: 'text' },
  { name: 'currency', type: 'text' },
  { name: 'monthly_fee', type: 'bigint' },
  { name: 'mrr', type: 'bigint' },
  { name: 'balance', type: 'bigint' },
  { name: 'sales_rep_id', type: 'text' },
  { name: 'enrolled_at', type: 'timestamptz' },
  { name: 'terminated_at', type: 'timestamptz' },
  { name: 'customer_since', type: 'timestamptz' },
  { name: 'notice_by', type: 'text' },
  { name: 'billed', type: 'bigint' },
  { name: 'collected', type: 'bigint' },
  { name: 'cost_to_serve', type: 'bigint' },
  { name: 'written_off', type: 'bigint' },
  { name: 'missed_unpaid', type: 'int' },
  { name: 'open_cases', type: 'int' },
  { name: 'complaints', type: 'int' },
  { name: 'updated_at', type: 'timestamptz' },
];
const INVOICE_COLUMNS: Column[] = [
  { name: 'invoice_key', type: 'text' },
  { name: 'subscriber_id', type: 'text' },
  { name: 'amount', type: 'bigint' },
  { name: 'owed', type: 'bigint' },
  { name: 'missed', type: 'boolean' },
];
const LEDGER_COLUMNS: Column[] = [
  { name: 'subscriber_id', type: 'text' },
  { name: 'at', type: 'timestamptz' },
  { name: 'billed', type: 'bigint' },
  { name: 'collected', type: 'bigint' },
  { name: 'cost', type: 'bigint' },
];

const iso = (v: unknown): string | null => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());

function fromDb(r: Record<string, unknown>): SubscriberRow {
  return {
    subscriber_id: r.subscriber_id as string,
    name: r.name as string,
    segment: r.segment as string,
    status: r.status as LifecycleState['status'],
    noticeBy: (r.notice_by as LifecycleState['noticeBy']) ?? null,
    planCode: r.plan_code as string,
    currency: r.currency as string,
    fee: Number(r.monthly_fee),
    balance: Number(r.balance),
    sales_rep_id: r.sales_rep_id as string,
    enrolled_at: iso(r.enrolled_at)!,
    terminated_at: iso(r.terminated_at),
    customer_since: iso(r.customer_since)!,
    billed: Number(r.billed),
    collected: Number(r.collected),
    cost_to_serve: Number(r.cost_to_serve),
    written_off: Number(r.written_off),
    missed_unpaid: Number(r.missed_unpaid),
    open_cases: Number(r.open_cases),
    complaints: Number(r.complaints),
    updated_at: iso(r.updated_at)!,
  };
}

function toDb(s: SubscriberRow): Record<string, unknown> {
  return {
    subscriber_id: s.subscriber_id,
    name: s.name,
    segment: s.segment,
    status: s.status,
    plan_code: s.planCode,
    currency: s.currency,
    monthly_fee: s.fee,
    mrr: mrrOf(s),
    balance: s.balance,
    sales_rep_id: s.sales_rep_id,
    enrolled_at: s.enrolled_at,
    terminated_at: s.terminated_at,
    customer_since: s.customer_since,
    notice_by: s.noticeBy,
    billed: s.billed,
    collected: s.collected,
    cost_to_serve: s.cost_to_serve,
    written_off: s.written_off,
    missed_unpaid: s.missed_unpaid,
    open_cases: s.open_cases,
    complaints: s.complaints,
    updated_at: s.updated_at,
  };
}

/**
 * Per-subscriber state with money totals, balance, default and case flags and a pruned
 * trailing-90-day ledger. Two read models have this shape (`subscribers`, the list, and
 * `client-profitability`), each in its own tables under its own checkpoint.
 */
function subscriberLedgerProjection(name: string, prefix: string, description: string): Projection {
  const main = prefix;
  const invoices = `${prefix}_invoices`;
  const ledger = `${prefix}_ledger`;
  return {
    name,
    description,
    tables: [main, invoices, ledger],
    // No type filter: every event moves the projection's "now" (asOf), which the trailing window uses.
    async apply(events: readonly ProjectedEvent[], ctx: ProjectionContext): Promise<void> {
      const subIds = new Set<string>();
      for (const e of events) subIds.add(e.data.subscriberId);
      const subs = new Map<string, SubscriberRow>();
      for (const r of await loadByKeys<Record<string, unknown>>(ctx.tx, ctx.table(main), 'subscriber_id', subIds)) subs.set(r.subscriber_id as string, fromDb(r));
      const storedSubs = new Set(subs.keys());
      // An invoice row is only ever written with its subscriber's: a subscriber not stored yet has
      // none, so only the stored subscribers' invoices are looked up (in a catch-up, few).
      const invKeys = new Set<string>();
      for (const e of events) {
        if (!storedSubs.has(e.data.subscriberId)) continue;
        if (e.type === 'InvoiceIssued' || e.type === 'PaymentReceived' || e.type === 'PaymentMissed') invKeys.add(invoiceKey(e.data.subscriberId, e.data.invoiceId));
        if (e.type === 'DebtWrittenOff') for (const id of e.data.invoiceIds) invKeys.add(invoiceKey(e.data.subscriberId, id));
      }
      const invs = new Map<string, InvoiceRow>();
      for (const r of await loadByKeys<InvoiceRow>(ctx.tx, ctx.table(invoices), 'invoice_key', invKeys)) {
        invs.set(r.invoice_key, { ...r, amount: Number(r.amount), owed: Number(r.owed) });
      }
      const storedInvs = new Set(invs.keys());
      const dirtySubs = new Set<string>();
      const dirtyInvs = new Set<string>();
      const ledgerRows: Record<string, unknown>[] = [];

      for (const e of events) {
        const id = e.data.subscriberId;
        if (e.type === 'SubscriberEnrolled') {
          if (subs.has(id)) continue;
          const d = e.data;
          subs.set(id, {
            subscriber_id: id,
            name: d.name,
            segment: d.segment,
            status: 'active',
            noticeBy: null,
            planCode: d.plan.code,
            currency: d.plan.currency,
            fee: d.plan.monthlyFee,
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

      await saveRows(ctx.tx, ctx.table(main), SUBSCRIBER_COLUMNS, ['subscriber_id'], [...dirtySubs].map((id) => toDb(subs.get(id)!)), (r) => !storedSubs.has(r.subscriber_id as string));
      const changedInvs = [...dirtyInvs].map((k) => invs.get(k)!) as unknown as Record<string, unknown>[];
      await saveRows(ctx.tx, ctx.table(invoices), INVOICE_COLUMNS, ['invoice_key'], changedInvs, (r) => !storedInvs.has(r.invoice_key as string));
      const horizon = new Date(Date.parse(ctx.asOf) - TRAILING_DAYS * DAY_MS).toISOString();
      // Entries at or before the horizon can never be inside a trailing window again ("now" only moves forward).
      await insertRows(ctx.tx, ctx.table(ledger), LEDGER_COLUMNS, ledgerRows.filter((r) => (r.at as string) > horizon));
      await ctx.tx.query(`DELETE FROM ${ctx.table(ledger)} WHERE at <= $1`, [horizon]);
    },
  };
}

/** `subscribers`: the list behind `GET /v1/subscribers`. */
export const subscribersProjection = subscriberLedgerProjection('subscribers', 'rm_subscribers', 'Subscribers list: status, plan, balance, flags');
/** `client-profitability`: lifetime and trailing-90-day margins behind `GET /v1/analytics/clients`. */
export const clientProfitabilityProjection = subscriberLedgerProjection(
  'client-profitability',
  'rm_client_profitability',
  'Per-client billed, collected, cost to serve and margin, lifetime and trailing 90 days',
);
