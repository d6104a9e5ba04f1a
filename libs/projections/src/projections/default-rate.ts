import { invoiceKey } from '../lifecycle.js';
import { monthOf } from '../months.js';
import type { ProjectedEvent, Projection, ProjectionContext } from '../projection.js';
import { Counters, deleteRows, loadByKeys, saveRows, upsertRows, type Column } from '../sql.js';

interface InvoiceRow {
  invoice_key: string;
  segment: string;
  currency: string;
  due_date: string;
  due_month: string;
  amount: number;
  owed: number;
  missed: boolean;
  open_span_from: string | null;
}

interface SpanRow {
  invoice_key: string;
  from_month: string;
  to_month: string | null;
  segment: string;
  currency: string;
  due_date: string;
  owed: number;
  deleted?: boolean;
}

const INVOICE_COLUMNS: Column[] = [
  { name: 'invoice_key', type: 'text' },
  { name: 'segment', type: 'text' },
  { name: 'currency', type: 'text' },
  { name: 'due_date', type: 'date' },
  { name: 'due_month', type: 'text' },
  { name: 'amount', type: 'bigint' },
  { name: 'owed', type: 'bigint' },
  { name: 'missed', type: 'boolean' },
  { name: 'open_span_from', type: 'text' },
];
const SPAN_COLUMNS: Column[] = [
  { name: 'invoice_key', type: 'text' },
  { name: 'from_month', type: 'text' },
  { name: 'to_month', type: 'text' },
  { name: 'segment', type: 'text' },
  { name: 'currency', type: 'text' },
  { name: 'due_date', type: 'date' },
  { name: 'owed', type: 'bigint' },
];
const SPAN_KEY: Column[] = SPAN_COLUMNS.slice(0, 2);
const MONTH_COLUMNS: Column[] = [
  { name: 'currency', type: 'text' },
  { name: 'segment', type: 'text' },
  { name: 'month', type: 'text' },
  { name: 'invoices_due', type: 'int' },
  { name: 'amount_due', type: 'bigint' },
  { name: 'invoices_defaulted', type: 'int' },
  { name: 'amount_defaulted', type: 'bigint' },
  { name: 'invoices_recovered', type: 'int' },
  { name: 'amount_recovered', type: 'bigint' },
  { name: 'amount_written_off', type: 'bigint' },
];
const zero = () => ({
  invoices_due: 0,
  amount_due: 0,
  invoices_defaulted: 0,
  amount_defaulted: 0,
  invoices_recovered: 0,
  amount_recovered: 0,
  amount_written_off: 0,
});

const SUBSCRIBER_COLUMNS: Column[] = [
  { name: 'subscriber_id', type: 'text' },
  { name: 'segment', type: 'text' },
  { name: 'currency', type: 'text' },
];

const dateText = (v: unknown): string => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/**
 * `default-rate`: invoice cohorts by due month, plus the aging of missed invoices as it was at
 * each month's end.
 *
 * Aging is kept as spans: a missed invoice owing `owed` contributes to the aging of every month M
 * with `from_month ≤ M < to_month` (the month-end snapshot is the first instant of M+1, i.e.
 * the state after every event of M). A payment or write-off in month X closes the open span at X
 * and opens one from X with the new amount; its bucket at month M follows from `due_date` alone.
 * So a month's aging never changes once later events arrive for later months, the state stays
 * one row per missed invoice and change, and the query derives buckets exactly.
 */
export const defaultRateProjection: Projection = {
  name: 'default-rate',
  description: 'Invoice cohorts by due month: default, recovery, write-off and month-end aging',
  tables: ['rm_default_rate', 'rm_default_rate_invoices', 'rm_default_rate_aging_spans', 'rm_default_rate_subscribers'],
  // No type filter: the forecast takes "now" from this projection's latest business time.
  async apply(events: readonly ProjectedEvent[], ctx: ProjectionContext): Promise<void> {
    const subIds = new Set<string>();
    for (const e of events) {
      if (e.type === 'InvoiceIssued' || e.type === 'PaymentReceived' || e.type === 'PaymentMissed' || e.type === 'DebtWrittenOff') subIds.add(e.data.subscriberId);
    }
    const segments = new Map<string, { segment: string; currency: string }>();
    for (const r of await loadByKeys<{ subscriber_id: string; segment: string; currency: string }>(ctx.tx, ctx.table('rm_default_rate_subscribers'), 'subscriber_id', subIds)) {
      segments.set(r.subscriber_id, { segment: r.segment, currency: r.currency });
    }
    // An invoice is only stored for a subscriber stored before it: one not stored yet has none, so
    // only the stored subscribers' invoices are looked up (in a catch-up, few).
    const invKeys = new Set<string>();
    for (const e of events) {
      if (!segments.has(e.data.subscriberId)) continue;
      if (e.type === 'InvoiceIssued' || e.type === 'PaymentReceived' || e.type === 'PaymentMissed') invKeys.add(invoiceKey(e.data.subscriberId, e.data.invoiceId));
      if (e.type === 'DebtWrittenOff') for (const id of e.data.invoiceIds) invKeys.add(invoiceKey(e.data.subscriberId, id));
    }
    const invs = new Map<string, InvoiceRow>();
    for (const r of await loadByKeys<Record<string, unknown>>(ctx.tx, ctx.table('rm_default_rate_invoices'), 'invoice_key', invKeys)) {
      invs.set(r.invoice_key as string, {
        ...(r as unknown as InvoiceRow),
        due_date: dateText(r.due_date),
        amount: Number(r.amount),
        owed: Number(r.owed),
      });
    }
    const storedInvs = new Set(invs.keys());
    const newSubs: Record<string, unknown>[] = [];
    const dirtyInvs = new Set<string>();
    const spans = new Map<string, SpanRow>();
    const months = new Counters<{ currency: string; segment: string; month: string }, ReturnType<typeof zero>>(zero);
    const cohortOf = (inv: InvoiceRow) => months.at({ currency: inv.currency, segment: inv.segment, month: inv.due_month });

    const span = (inv: InvoiceRow, from: string, owedIfNew: number): SpanRow => {
      const k = `${inv.invoice_key}\u0000${from}`;
      let s = spans.get(k);
      if (!s) {
        // The open span in the database always carries the invoice's current owed amount.
        s = { invoice_key: inv.invoice_key, from_month: from, to_month: null, segment: inv.segment, currency: inv.currency, due_date: inv.due_date, owed: owedIfNew };
        spans.set(k, s);
      }
      return s;
    };
    /** The owed amount of a missed invoice changes in `month`: later month-ends see the new amount. */
    const owedChanged = (inv: InvoiceRow, month: string, owedBefore: number) => {
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
          const inv: InvoiceRow = {
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
    await upsertRows(ctx.tx, ctx.table('rm_default_rate_subscribers'), SUBSCRIBER_COLUMNS, ['subscriber_id'], newSubs, 'ignore');
    await saveRows(ctx.tx, ctx.table('rm_default_rate_invoices'), INVOICE_COLUMNS, ['invoice_key'], [...dirtyInvs].map((k) => invs.get(k)! as unknown as Record<string, unknown>), (r) => !storedInvs.has(r.invoice_key as string));
    const all = [...spans.values()];
    await deleteRows(ctx.tx, ctx.table('rm_default_rate_aging_spans'), SPAN_KEY, all.filter((s) => s.deleted).map((s) => ({ invoice_key: s.invoice_key, from_month: s.from_month })));
    await upsertRows(
      ctx.tx,
      ctx.table('rm_default_rate_aging_spans'),
      SPAN_COLUMNS,
      ['invoice_key', 'from_month'],
      all.filter((s) => !s.deleted).map(({ deleted: _d, ...row }) => row),
      'replace',
    );
    await upsertRows(ctx.tx, ctx.table('rm_default_rate'), MONTH_COLUMNS, ['currency', 'segment', 'month'], months.rows(), 'add');
  },
};
