import type { ProjectedEvent } from '../../projection.js';
import { evolveSubscriberLedger, ledgerInvoiceKeys, type SubscriberLedgerLoaded, type SubscriberLedgerWrites } from './evolve.js';

/** Given stored rows and events, then what a subscriber-ledger read model writes: no database. */
const S = 'sub-1';
let position = 0;
const se = (type: string, data: Record<string, unknown>, occurredAt: string, subscriberId = S): ProjectedEvent =>
  ({ type, data: { subscriberId, occurredAt, ...data }, position: String(++position), streamId: `subscriber-${subscriberId}`, occurredAt }) as ProjectedEvent;
const enrolled = (at = '2026-01-01T09:00:00.000Z') =>
  se('SubscriberEnrolled', { name: 'Ana Pérez', segment: 'b2c', plan: { code: 'basic', monthlyFee: 3000, currency: 'ARS' }, salesRepId: 'rep-1', qualification: { needsService: true, valuesService: true, canPay: true } }, at);
const invoice = (id: string, at: string, amount = 3000) => se('InvoiceIssued', { invoiceId: id, period: at.slice(0, 7), amount, dueDate: at.slice(0, 10) }, at);
const miss = (id: string, at: string, amount = 3000) => se('PaymentMissed', { invoiceId: id, amount, dueDate: at.slice(0, 10), consecutiveMissed: 1 }, at);
const pay = (id: string, amount: number, at: string) => se('PaymentReceived', { invoiceId: id, amount }, at);

/** Folds batch after batch, carrying the written rows over as the database would; returns every batch's writes. */
function given(batches: ProjectedEvent[][]): SubscriberLedgerWrites[] {
  const subscribers = new Map<string, SubscriberLedgerLoaded['subscribers'][number]>();
  const invoices = new Map<string, SubscriberLedgerLoaded['invoices'][number]>();
  return batches.map((events) => {
    const asOf = events.map((e) => e.occurredAt).sort().at(-1)!;
    const out = evolveSubscriberLedger({ subscribers: [...subscribers.values()], invoices: [...invoices.values()] }, events, { asOf });
    for (const r of [...out.subscribers.created, ...out.subscribers.changed]) subscribers.set(r.subscriber_id, r);
    for (const r of [...out.invoices.created, ...out.invoices.changed]) invoices.set(r.invoice_key, r);
    return out;
  });
}
const last = (writes: SubscriberLedgerWrites[]) => {
  const w = writes.at(-1)!;
  return [...w.subscribers.created, ...w.subscribers.changed][0];
};

describe('subscriber-ledger read model: given events, then rows', () => {
  it('an enrolment writes an active row with its plan as MRR and zero money', () => {
    const [out] = given([[enrolled()]]);
    expect(out!.subscribers).toEqual({
      created: [
        {
          subscriber_id: S,
          name: 'Ana Pérez',
          segment: 'b2c',
          status: 'active',
          notice_by: null,
          plan_code: 'basic',
          currency: 'ARS',
          monthly_fee: 3000,
          mrr: 3000,
          balance: 0,
          sales_rep_id: 'rep-1',
          enrolled_at: '2026-01-01T09:00:00.000Z',
          terminated_at: null,
          customer_since: '2026-01-01T09:00:00.000Z',
          billed: 0,
          collected: 0,
          cost_to_serve: 0,
          written_off: 0,
          missed_unpaid: 0,
          open_cases: 0,
          complaints: 0,
          updated_at: '2026-01-01T09:00:00.000Z',
        },
      ],
      changed: [],
    });
  });

  it('billing, a missed invoice, a part payment and a write-off move balance, totals and the default flag', () => {
    const writes = given([
      [enrolled(), invoice('i1', '2026-01-05T00:00:00.000Z')],
      [miss('i1', '2026-01-20T00:00:00.000Z'), pay('i1', 1000, '2026-01-25T00:00:00.000Z')],
      [se('DebtWrittenOff', { invoiceIds: ['i1'], amount: 2000 }, '2026-02-10T00:00:00.000Z')],
    ]);
    expect(writes[1]!.subscribers.changed[0]).toMatchObject({ billed: 3000, collected: 1000, balance: 2000, missed_unpaid: 1 });
    expect(writes[2]!.subscribers.changed[0]).toMatchObject({ balance: 0, written_off: 2000, missed_unpaid: 0, updated_at: '2026-02-10T00:00:00.000Z' });
    expect(writes[2]!.invoices.changed).toEqual([{ invoice_key: `${S}/i1`, subscriber_id: S, amount: 3000, owed: 0, missed: true }]);
  });

  it('status, notice and MRR follow the lifecycle; a reactivation restarts the tenure', () => {
    const writes = given([
      [enrolled()],
      [se('ServiceSuspended', { reason: 'abuse', outstanding: 0 }, '2026-02-01T00:00:00.000Z')],
      [se('TerminationNoticeGiven', { initiatedBy: 'client', reasons: ['moving'], effectiveDate: '2026-03-01' }, '2026-02-02T00:00:00.000Z')],
      [se('SubscriberTerminated', { kind: 'voluntary', reasons: ['moving'], effectiveDate: '2026-03-01', finalBalance: 0, planAtTermination: { code: 'basic', monthlyFee: 3000, currency: 'ARS' } }, '2026-03-01T00:00:00.000Z')],
      [se('SubscriberReactivated', { plan: { code: 'winback', monthlyFee: 2500, currency: 'ARS' } }, '2026-05-01T00:00:00.000Z')],
    ]);
    expect(writes.map((w) => w.subscribers.changed[0] ?? w.subscribers.created[0]).map((r) => [r!.status, r!.notice_by, r!.mrr])).toEqual([
      ['active', null, 3000],
      ['suspended', null, 0],
      ['suspended', 'client', 0],
      ['terminated', null, 0],
      ['active', null, 2500],
    ]);
    expect(last(writes)).toMatchObject({ plan_code: 'winback', terminated_at: null, customer_since: '2026-05-01T00:00:00.000Z' });
  });

  it('cases and complaints count on the subscriber row', () => {
    const c = (type: string, data: Record<string, unknown>, at: string) => se(type, { caseId: 'case-1', ...data }, at);
    const writes = given([[enrolled(), c('CaseOpened', { kind: 'complaints', summary: 's', openedBy: 'op' }, '2026-01-02T00:00:00.000Z'), se('ComplaintLogged', { category: 'c', description: 'd' }, '2026-01-03T00:00:00.000Z')], [c('CaseClosed', { outcome: 'resolved' }, '2026-01-04T00:00:00.000Z'), c('CaseClosed', { outcome: 'resolved' }, '2026-01-05T00:00:00.000Z')]]);
    expect(writes[0]!.subscribers.created[0]).toMatchObject({ open_cases: 1, complaints: 1 });
    expect(writes[1]!.subscribers.changed[0]).toMatchObject({ open_cases: 0 });
  });

  it('the ledger gets only entries inside the trailing 90 days up to asOf, and prunes the rest', () => {
    const writes = evolveSubscriberLedger({ subscribers: [], invoices: [] }, [enrolled(), invoice('i1', '2026-01-05T00:00:00.000Z'), se('CostToServeRecorded', { kind: 'other', amount: 700 }, '2026-04-20T00:00:00.000Z')], { asOf: '2026-04-20T00:00:00.000Z' });
    expect(writes.horizon).toBe('2026-01-20T00:00:00.000Z');
    expect(writes.ledger).toEqual([{ subscriber_id: S, at: '2026-04-20T00:00:00.000Z', billed: 0, collected: 0, cost: 700 }]);
    expect(writes.subscribers.created[0]).toMatchObject({ billed: 3000, cost_to_serve: 700 });
  });

  it('events of a subscriber never enrolled change nothing and look up no invoice; stored rows are left untouched', () => {
    const stray = [invoice('i1', '2026-01-05T00:00:00.000Z'), pay('i1', 10, '2026-01-06T00:00:00.000Z')];
    expect(ledgerInvoiceKeys(stray, new Set())).toEqual([]);
    expect(evolveSubscriberLedger({ subscribers: [], invoices: [] }, stray, { asOf: '2026-01-06T00:00:00.000Z' })).toEqual({
      subscribers: { created: [], changed: [] },
      invoices: { created: [], changed: [] },
      ledger: [],
      horizon: '2025-10-08T00:00:00.000Z',
    });
    const [first] = given([[enrolled(), invoice('i1', '2026-01-05T00:00:00.000Z')]]);
    const stored: SubscriberLedgerLoaded = { subscribers: first!.subscribers.created, invoices: first!.invoices.created };
    const snapshot = JSON.stringify(stored);
    const again = evolveSubscriberLedger(stored, [enrolled(), pay('i1', 3000, '2026-01-07T00:00:00.000Z')], { asOf: '2026-01-07T00:00:00.000Z' });
    expect(JSON.stringify(stored)).toBe(snapshot);
    // A second enrolment of a stored subscriber is ignored; the payment applies.
    expect(again.subscribers).toEqual({ created: [], changed: [expect.objectContaining({ name: 'Ana Pérez', balance: 0, collected: 3000 })] });
  });
});
