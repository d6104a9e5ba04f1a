import { invoiceKey } from '../../lifecycle.js';
import { monthOf } from '../../months.js';
import type { ProjectedEvent } from '../../projection.js';
import { countersOf } from '../read-model.js';
import { defaultRateTable, type DefaultRateInvoiceRow, type DefaultRateMonthRow, type DefaultRateSpanRow, type DefaultRateSubscriberRow } from './table.js';

/** The stored rows a batch needs: its subscribers' segments and the invoices it mentions. */
export interface DefaultRateLoaded {
  subscribers: readonly DefaultRateSubscriberRow[];
  invoices: readonly DefaultRateInvoiceRow[];
}

/** What a batch writes. Month rows are deltas (added to what is stored). */
export interface DefaultRateChanges {
  /** Subscribers enrolled in the batch (a row already stored is kept). */
  subscribers: DefaultRateSubscriberRow[];
  /** Invoices issued in the batch (none stored before) and stored invoices it changed. */
  invoices: { created: DefaultRateInvoiceRow[]; changed: DefaultRateInvoiceRow[] };
  /** Spans whose amount fell to zero in the month they opened, and the spans to write whole. */
  spans: { deleted: Pick<DefaultRateSpanRow, 'invoice_key' | 'from_month'>[]; saved: DefaultRateSpanRow[] };
  months: DefaultRateMonthRow[];
}

type SpanState = DefaultRateSpanRow & { deleted: boolean };

/** The subscribers whose rows the batch needs (the others' events change nothing here). */
export function defaultRateSubscriberIds(events: readonly ProjectedEvent[]): string[] {
  return events
    .filter((e) => e.type === 'InvoiceIssued' || e.type === 'PaymentReceived' || e.type === 'PaymentMissed' || e.type === 'DebtWrittenOff')
    .map((e) => e.data.subscriberId);
}

/**
 * The invoices the batch needs. An invoice is only stored for a subscriber stored before it: one
 * not stored yet has none, so only the stored subscribers' invoices are looked up (in a catch-up, few).
 */
export function defaultRateInvoiceKeys(events: readonly ProjectedEvent[], storedSubscribers: ReadonlySet<string>): string[] {
  const keys: string[] = [];
  for (const e of events) {
    if (!storedSubscribers.has(e.data.subscriberId)) continue;
    if (e.type === 'InvoiceIssued' || e.type === 'PaymentReceived' || e.type === 'PaymentMissed') keys.push(invoiceKey(e.data.subscriberId, e.data.invoiceId));
    if (e.type === 'DebtWrittenOff') for (const id of e.data.invoiceIds) keys.push(invoiceKey(e.data.subscriberId, id));
  }
  return keys;
}

/**
 * Pure: stored rows and a batch → what to write. Aging is kept as spans: a missed invoice owing
 * `owed` counts in the aging of every month M with `from_month ≤ M < to_month` (the month-end
 * snapshot is the first instant of M+1, i.e. the state after every event of M). A payment or
 * write-off in month X closes the open span at X and opens one from X with the new amount; its
 * bucket at month M follows from `due_date` alone. So a month's aging never changes once later
 * events arrive for later months, and the state stays one row per missed invoice and change.
 */
export function evolveDefaultRate(loaded: DefaultRateLoaded, events: readonly ProjectedEvent[]): DefaultRateChanges {
  const segments = new Map<string, { segment: string; currency: string }>(loaded.subscribers.map((r) => [r.subscriber_id, { segment: r.segment, currency: r.currency }]));
  const invs = new Map<string, DefaultRateInvoiceRow>(loaded.invoices.map((r) => [r.invoice_key, { ...r }]));
  const storedInvs = new Set(invs.keys());
  const newSubs: DefaultRateSubscriberRow[] = [];
  const dirtyInvs = new Set<string>();
  const spans = new Map<string, SpanState>();
  const months = countersOf(defaultRateTable);
  const cohortOf = (inv: DefaultRateInvoiceRow) => months.at({ currency: inv.currency, segment: inv.segment, month: inv.due_month });

  const span = (inv: DefaultRateInvoiceRow, from: string, owedIfNew: number): SpanState => {
    const k = `${inv.invoice_key}\u0000${from}`;
    let s = spans.get(k);
    if (!s) {
      // The open span in the database always carries the invoice's current owed amount.
      s = { invoice_key: inv.invoice_key, from_month: from, to_month: null, segment: inv.segment, currency: inv.currency, due_date: inv.due_date, owed: owedIfNew, deleted: false };
      spans.set(k, s);
    }
    return s;
  };
  /** The owed amount of a missed invoice changes in `month`: later month-ends see the new amount. */
  const owedChanged = (inv: DefaultRateInvoiceRow, month: string, owedBefore: number) => {
    if (!inv.missed) return;
    if (inv.open_span_from === month) {
      const s = span(inv, month, owedBefore);
      s.owed = inv.owed;
      s.deleted = inv.owed === 0;
      if (s.deleted) inv.open_span_from = null;
      return;
    }
    if (inv.open_span_from !== null) span(inv, inv.open_span_from, owedBefore).to_month = month;
    inv.open_span_from = null;
    if (inv.owed > 0) {
      const s = span(inv, month, inv.owed);
      s.owed = inv.owed;
      s.to_month = null;
      s.deleted = false;
      inv.open_span_from = month;
    }
  };

  for (const e of events) {
    switch (e.type) {
      case 'SubscriberEnrolled':
        if (!segments.has(e.data.subscriberId)) {
          segments.set(e.data.subscriberId, { segment: e.data.segment, currency: e.data.plan.currency });
          newSubs.push({ subscriber_id: e.data.subscriberId, segment: e.data.segment, currency: e.data.plan.currency });
        }
        break;
      case 'InvoiceIssued': {
        const key = invoiceKey(e.data.subscriberId, e.data.invoiceId);
        const sub = segments.get(e.data.subscriberId);
        if (!sub || invs.has(key)) break;
        const inv: DefaultRateInvoiceRow = {
          invoice_key: key,
          segment: sub.segment,
          currency: sub.currency,
          due_date: e.data.dueDate,
          due_month: e.data.dueDate.slice(0, 7),
          amount: e.data.amount,
          owed: e.data.amount,
          missed: false,
          open_span_from: null,
        };
        invs.set(key, inv);
        dirtyInvs.add(key);
        const c = cohortOf(inv);
        c.invoices_due += 1;
        c.amount_due += inv.amount;
        break;
      }
      case 'PaymentReceived': {
        const inv = invs.get(invoiceKey(e.data.subscriberId, e.data.invoiceId));
        if (!inv) break;
        const applied = Math.min(inv.owed, e.data.amount);
        if (applied === 0) break;
        const before = inv.owed;
        inv.owed -= applied;
        dirtyInvs.add(inv.invoice_key);
        if (inv.missed) {
          const c = cohortOf(inv);
          c.amount_recovered += applied;
          if (inv.owed === 0) c.invoices_recovered += 1;
        }
        owedChanged(inv, monthOf(e.occurredAt), before);
        break;
      }
      case 'PaymentMissed': {
        const inv = invs.get(invoiceKey(e.data.subscriberId, e.data.invoiceId));
        if (!inv || inv.missed) break;
        inv.missed = true;
        dirtyInvs.add(inv.invoice_key);
        const c = cohortOf(inv);
        c.invoices_defaulted += 1;
        c.amount_defaulted += e.data.amount;
        if (inv.owed > 0) {
          const month = monthOf(e.occurredAt);
          const s = span(inv, month, inv.owed);
          s.owed = inv.owed;
          s.deleted = false;
          inv.open_span_from = month;
        }
        break;
      }
      case 'DebtWrittenOff':
        for (const id of e.data.invoiceIds) {
          const inv = invs.get(invoiceKey(e.data.subscriberId, id));
          if (!inv || inv.owed === 0) continue;
          const before = inv.owed;
          cohortOf(inv).amount_written_off += inv.owed;
          inv.owed = 0;
          dirtyInvs.add(inv.invoice_key);
          owedChanged(inv, monthOf(e.occurredAt), before);
        }
        break;
      default:
        break;
    }
  }
  const dirty = [...dirtyInvs].map((k) => invs.get(k)!);
  const all = [...spans.values()];
  return {
    subscribers: newSubs,
    invoices: { created: dirty.filter((r) => !storedInvs.has(r.invoice_key)), changed: dirty.filter((r) => storedInvs.has(r.invoice_key)) },
    spans: {
      deleted: all.filter((s) => s.deleted).map((s) => ({ invoice_key: s.invoice_key, from_month: s.from_month })),
      saved: all.filter((s) => !s.deleted).map(({ deleted: _d, ...row }) => row),
    },
    months: months.rows() as DefaultRateMonthRow[],
  };
}
