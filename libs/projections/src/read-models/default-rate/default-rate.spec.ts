import type { ProjectedEvent } from '../../projection.js';
import { defaultRateInvoiceKeys, evolveDefaultRate, type DefaultRateChanges, type DefaultRateLoaded } from './evolve.js';

/** Given stored rows and events, then what the default-rate read model writes: no database. */
const S = 'sub-1';
let position = 0;
const se = (type: string, data: Record<string, unknown>, occurredAt: string, subscriberId = S): ProjectedEvent =>
  ({ type, data: { subscriberId, occurredAt, ...data }, position: String(++position), streamId: `subscriber-${subscriberId}`, occurredAt }) as ProjectedEvent;
const enrolled = (segment = 'b2c', currency = 'ARS') =>
  se('SubscriberEnrolled', { name: 'Ana', segment, plan: { code: 'basic', monthlyFee: 3000, currency }, salesRepId: 'r', qualification: { needsService: true, valuesService: true, canPay: true } }, '2026-01-01T09:00:00.000Z');
const invoice = (id: string, due: string, amount = 3000) => se('InvoiceIssued', { invoiceId: id, period: due.slice(0, 7), amount, dueDate: due }, '2026-01-01T10:00:00.000Z');
const miss = (id: string, due: string, at: string, amount = 3000) => se('PaymentMissed', { invoiceId: id, amount, dueDate: due, consecutiveMissed: 1 }, at);
const pay = (id: string, amount: number, at: string) => se('PaymentReceived', { invoiceId: id, amount }, at);

const nothing: DefaultRateLoaded = { subscribers: [], invoices: [] };

/** Folds the events one batch at a time, carrying the written rows over as the database would. */
function given(batches: ProjectedEvent[][]): DefaultRateChanges[] {
  const subscribers = new Map<string, DefaultRateLoaded['subscribers'][number]>();
  const invoices = new Map<string, DefaultRateLoaded['invoices'][number]>();
  return batches.map((events) => {
    const out = evolveDefaultRate({ subscribers: [...subscribers.values()], invoices: [...invoices.values()] }, events);
    for (const r of out.subscribers) if (!subscribers.has(r.subscriber_id)) subscribers.set(r.subscriber_id, r);
    for (const r of [...out.invoices.created, ...out.invoices.changed]) invoices.set(r.invoice_key, r);
    return out;
  });
}

describe('default-rate read model: given events, then rows', () => {
  it('an invoice joins the cohort of its due month, under its subscriber’s segment and currency', () => {
    const [out] = given([[enrolled('b2b', 'EUR'), invoice('i1', '2026-02-10')]]);
    expect(out!.subscribers).toEqual([{ subscriber_id: S, segment: 'b2b', currency: 'EUR' }]);
    expect(out!.invoices.created).toEqual([
      { invoice_key: `${S}/i1`, segment: 'b2b', currency: 'EUR', due_date: '2026-02-10', due_month: '2026-02', amount: 3000, owed: 3000, missed: false, open_span_from: null },
    ]);
    expect(out!.months).toEqual([expect.objectContaining({ currency: 'EUR', segment: 'b2b', month: '2026-02', invoices_due: 1, amount_due: 3000, invoices_defaulted: 0 })]);
  });

  it('a missed invoice defaults in its cohort and opens an aging span from the month it was missed', () => {
    const [, out] = given([[enrolled(), invoice('i1', '2026-01-10')], [miss('i1', '2026-01-10', '2026-01-11T00:00:00.000Z')]]);
    expect(out!.months).toEqual([expect.objectContaining({ month: '2026-01', invoices_defaulted: 1, amount_defaulted: 3000, invoices_due: 0 })]);
    expect(out!.spans).toEqual({ deleted: [], saved: [{ invoice_key: `${S}/i1`, from_month: '2026-01', to_month: null, segment: 'b2c', currency: 'ARS', due_date: '2026-01-10', owed: 3000 }] });
    expect(out!.invoices.changed).toEqual([expect.objectContaining({ missed: true, open_span_from: '2026-01' })]);
  });

  it('a part payment in a later month closes the span at that month and opens one with what is still owed', () => {
    const outs = given([[enrolled(), invoice('i1', '2026-01-10')], [miss('i1', '2026-01-10', '2026-01-11T00:00:00.000Z')], [pay('i1', 1000, '2026-03-05T00:00:00.000Z')]]);
    const out = outs[2]!;
    expect(out.spans.saved).toEqual([
      expect.objectContaining({ from_month: '2026-01', to_month: '2026-03', owed: 3000 }),
      expect.objectContaining({ from_month: '2026-03', to_month: null, owed: 2000 }),
    ]);
    expect(out.months).toEqual([expect.objectContaining({ month: '2026-01', amount_recovered: 1000, invoices_recovered: 0 })]);
  });

  it('paid in full in the month it was missed, the span is deleted and the invoice counts as recovered', () => {
    const [, out] = given([[enrolled(), invoice('i1', '2026-01-10')], [miss('i1', '2026-01-10', '2026-01-11T00:00:00.000Z'), pay('i1', 3000, '2026-01-20T00:00:00.000Z')]]);
    expect(out!.spans).toEqual({ deleted: [{ invoice_key: `${S}/i1`, from_month: '2026-01' }], saved: [] });
    expect(out!.months).toEqual([expect.objectContaining({ invoices_defaulted: 1, invoices_recovered: 1, amount_recovered: 3000 })]);
    expect(out!.invoices.changed).toEqual([expect.objectContaining({ owed: 0, open_span_from: null })]);
  });

  it('a write-off counts in the cohort and ends the aging of what was written off', () => {
    const outs = given([
      [enrolled(), invoice('i1', '2026-01-10')],
      [miss('i1', '2026-01-10', '2026-01-11T00:00:00.000Z')],
      [se('DebtWrittenOff', { invoiceIds: ['i1', 'i-unknown'], amount: 3000 }, '2026-02-20T00:00:00.000Z')],
    ]);
    expect(outs[2]!.months).toEqual([expect.objectContaining({ month: '2026-01', amount_written_off: 3000 })]);
    expect(outs[2]!.spans.saved).toEqual([expect.objectContaining({ from_month: '2026-01', to_month: '2026-02', owed: 3000 })]);
  });

  it('a payment on an invoice not missed recovers nothing; an overpayment applies only what is owed', () => {
    const [, out] = given([[enrolled(), invoice('i1', '2026-01-10')], [pay('i1', 5000, '2026-01-09T00:00:00.000Z')]]);
    expect(out!.months).toEqual([]);
    expect(out!.spans).toEqual({ deleted: [], saved: [] });
    expect(out!.invoices.changed).toEqual([expect.objectContaining({ owed: 0, missed: false })]);
  });

  it('events of a subscriber never enrolled change nothing, and their invoices are not even looked up', () => {
    const events = [invoice('i1', '2026-01-10'), miss('i1', '2026-01-10', '2026-01-11T00:00:00.000Z')];
    expect(defaultRateInvoiceKeys(events, new Set())).toEqual([]);
    expect(evolveDefaultRate(nothing, events)).toEqual({ subscribers: [], invoices: { created: [], changed: [] }, spans: { deleted: [], saved: [] }, months: [] });
  });

  it('leaves the stored rows it was given untouched', () => {
    const [first] = given([[enrolled(), invoice('i1', '2026-01-10')]]);
    const stored: DefaultRateLoaded = { subscribers: first!.subscribers, invoices: first!.invoices.created };
    const snapshot = JSON.stringify(stored);
    evolveDefaultRate(stored, [miss('i1', '2026-01-10', '2026-01-11T00:00:00.000Z'), pay('i1', 3000, '2026-02-01T00:00:00.000Z')]);
    expect(JSON.stringify(stored)).toBe(snapshot);
  });
});
