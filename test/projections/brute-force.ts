/**
 * The reference: every analytics response computed the slow, obvious way from the raw log —
 * fold each subscriber's stream with the domain's own `evolveSubscriber` up to the instant a
 * definition of domain.md §6 asks about, and count. Deliberately shares no code with
 * libs/projections, so the two only agree when both read the definitions the same way.
 */
import { daysPastDue, foldSubscriber, upcastEvent, type DomainEvent, type SubscriberEvent, type SubscriberState } from '@libs/domain';
import type { EventStore, StoredEvent } from '@libs/event-store';
import { bruteForceChurn } from './brute-force-churn.js';
import { bruteForceCohorts } from './brute-force-cohorts.js';

export type E = DomainEvent & { occurredAt: string; ms: number; streamId: string };
export type Seg = 'all' | 'b2b' | 'b2c';
const DAY = 86_400_000;

export const monthOf = (iso: string) => iso.slice(0, 7);
export const startOf = (month: string) => Date.parse(`${month}-01T00:00:00.000Z`);
export const next = (month: string) => {
  const d = new Date(startOf(month));
  d.setUTCMonth(d.getUTCMonth() + 1);
  return d.toISOString().slice(0, 7);
};
const shift = (month: string, n: number) => {
  const d = new Date(startOf(month));
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 7);
};
export const months = (from: string, to: string) => {
  const out: string[] = [];
  for (let m = from; m <= to; m = next(m)) out.push(m);
  return out;
};
export const ratio = (a: number, b: number) => (b === 0 ? null : a / b);

/**
 * The whole log written so far. An empty page does not mean the end (nor does `headPosition`):
 * the gap-free reader holds events back behind any open transaction on the server — another
 * test's, in another database — so read until the store says nothing is readable or held back.
 */
export async function readLog(store: EventStore): Promise<StoredEvent[]> {
  const all: StoredEvent[] = [];
  let after = '0';
  for (;;) {
    const page = await store.readAll({ after, limit: 5000 });
    all.push(...page.events);
    after = page.last;
    if (page.events.length > 0) continue;
    // Backends that do not tell (caughtUp absent) hold nothing back.
    if (page.caughtUp !== false) return all;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export class BruteForce {
  readonly events: E[];
  readonly streams = new Map<string, E[]>();
  readonly segment = new Map<string, 'b2b' | 'b2c'>();
  readonly asOf: string | null;
  /** The currency every figure covers: the only one in the log, or the one {@link forCurrency} kept. */
  scopeCurrency: string | null = null;

  constructor(
    private readonly log: readonly StoredEvent[],
    scope: { asOf?: string | null } = {},
  ) {
    this.events = log.map((e) => {
      const up = upcastEvent({ type: e.type, data: e.data, schemaVersion: e.metadata.schemaVersion });
      return { ...up, occurredAt: e.occurredAt, ms: Date.parse(e.occurredAt), streamId: e.streamId } as E;
    });
    for (const e of this.events) {
      if (!e.streamId.startsWith('subscriber-')) continue;
      const id = e.data.subscriberId;
      this.streams.set(id, [...(this.streams.get(id) ?? []), e]);
      if (e.type === 'SubscriberEnrolled') this.segment.set(id, e.data.segment);
    }
    this.asOf = scope.asOf !== undefined ? scope.asOf : this.events.reduce<string | null>((m, e) => (m === null || e.occurredAt > m ? e.occurredAt : m), null);
    const inUse = new Set([...this.segment.keys()].map((id) => this.currencyOf(id)));
    if (inUse.size === 1) this.scopeCurrency = [...inUse][0];
  }

  /**
   * The brute force over one currency's subscribers only (domain.md §6: every figure, counts
   * included, covers that currency's subscribers); "now" stays the whole log's newest event.
   */
  forCurrency(currency: string): BruteForce {
    const ids = new Set([...this.segment.keys()].filter((id) => this.currencyOf(id) === currency));
    const bf = new BruteForce(
      this.log.filter((e) => ids.has((e.data as { subscriberId: string }).subscriberId)),
      { asOf: this.asOf },
    );
    bf.scopeCurrency = currency;
    return bf;
  }

  inSeg(id: string, seg: Seg) {
    return seg === 'all' || this.segment.get(id) === seg;
  }

  /** The subscriber's state after every event strictly before `t`. */
  stateBefore(id: string, t: number): SubscriberState {
    return foldSubscriber((this.streams.get(id) ?? []).filter((e) => e.ms < t) as unknown as SubscriberEvent[]);
  }
  /** The subscriber's state just before `e` in its stream. */
  stateBeforeEvent(e: E): SubscriberState {
    const stream = this.streams.get(e.data.subscriberId) ?? [];
    return foldSubscriber(stream.slice(0, stream.indexOf(e)) as unknown as SubscriberEvent[]);
  }
  final(id: string): SubscriberState {
    return foldSubscriber((this.streams.get(id) ?? []) as unknown as SubscriberEvent[]);
  }

  private ids(seg: Seg) {
    return [...this.segment.keys()].filter((id) => this.inSeg(id, seg));
  }
  inMonth(month: string, seg: Seg, type: string) {
    return this.events.filter((e) => e.type === type && monthOf(e.occurredAt) === month && this.inSeg(e.data.subscriberId, seg));
  }

  customersAndMrr(t: number, seg: Seg) {
    let customers = 0;
    let mrr = 0;
    for (const id of this.ids(seg)) {
      const s = this.stateBefore(id, t);
      if (s.status === 'active' || s.status === 'suspended' || s.status === 'notice') customers++;
      if (s.status === 'active' || s.status === 'notice') mrr += s.plan!.monthlyFee;
    }
    return { customers, mrr };
  }

  churn(from: string, to: string, seg: Seg) {
    return bruteForceChurn(this, from, to, seg);
  }

  defaultRate(from: string, to: string, seg: Seg) {
    const finals = new Map(this.ids(seg).map((id) => [id, this.final(id)]));
    return {
      segment: seg,
      currency: this.scopeCurrency,
      months: months(from, to).map((month) => {
        let invoicesDue = 0, amountDue = 0, invoicesDefaulted = 0, amountDefaulted = 0, invoicesRecovered = 0, amountRecovered = 0, amountWrittenOff = 0;
        for (const [id, s] of finals) {
          for (const inv of Object.values(s.invoices)) {
            if (inv.dueDate.slice(0, 7) !== month) continue;
            invoicesDue++;
            amountDue += inv.amount;
            amountWrittenOff += inv.writtenOff;
            const stream = this.streams.get(id)!;
            const missIndex = stream.findIndex((e) => e.type === 'PaymentMissed' && e.data.invoiceId === inv.invoiceId);
            if (missIndex < 0) continue;
            invoicesDefaulted++;
            const miss = stream[missIndex] as Extract<E, { type: 'PaymentMissed' }>;
            amountDefaulted += miss.data.amount;
            // What the payments after the miss took off the invoice.
            const owedAtMiss = foldSubscriber(stream.slice(0, missIndex + 1) as unknown as SubscriberEvent[]).invoices[inv.invoiceId].owed;
            let owed = owedAtMiss;
            for (const e of stream.slice(missIndex + 1)) {
              if (e.type === 'PaymentReceived' && e.data.invoiceId === inv.invoiceId) {
                const applied = Math.min(owed, e.data.amount);
                amountRecovered += applied;
                owed -= applied;
                if (applied > 0 && owed === 0) invoicesRecovered++;
              }
              if (e.type === 'DebtWrittenOff' && e.data.invoiceIds.includes(inv.invoiceId)) owed = 0;
            }
          }
        }
        const t = startOf(next(month));
        const aging = { '1-30': 0, '31-60': 0, '61-90': 0, '90+': 0 };
        const at = new Date(t).toISOString();
        for (const id of finals.keys()) {
          for (const inv of Object.values(this.stateBefore(id, t).invoices)) {
            if (inv.missedAt === null || inv.owed <= 0) continue;
            const d = daysPastDue(at, inv.dueDate);
            if (d >= 1 && d <= 30) aging['1-30'] += inv.owed;
            else if (d >= 31 && d <= 60) aging['31-60'] += inv.owed;
            else if (d >= 61 && d <= 90) aging['61-90'] += inv.owed;
            else if (d > 90) aging['90+'] += inv.owed;
          }
        }
        return {
          month,
          invoicesDue,
          amountDue,
          invoicesDefaulted,
          amountDefaulted,
          defaultRate: ratio(invoicesDefaulted, invoicesDue),
          amountDefaultRate: ratio(amountDefaulted, amountDue),
          invoicesRecovered,
          amountRecovered,
          amountWrittenOff,
          aging,
        };
      }),
    };
  }

  revenuePerClient(from: string, to: string, seg: Seg) {
    return {
      segment: seg,
      currency: this.scopeCurrency,
      months: months(from, to).map((month) => {
        const invoices = this.events.filter((e) => e.type === 'InvoiceIssued' && e.data.period === month && this.inSeg(e.data.subscriberId, seg)) as Array<
          Extract<E, { type: 'InvoiceIssued' }>
        >;
        const n = new Set(invoices.map((e) => e.data.subscriberId)).size;
        const billed = invoices.reduce((a, e) => a + e.data.amount, 0);
        const collected = (this.inMonth(month, seg, 'PaymentReceived') as Array<Extract<E, { type: 'PaymentReceived' }>>).reduce((a, e) => a + e.data.amount, 0);
        const cost = (this.inMonth(month, seg, 'CostToServeRecorded') as Array<Extract<E, { type: 'CostToServeRecorded' }>>).reduce((a, e) => a + e.data.amount, 0);
        return {
          month,
          clientsBilled: n,
          billed,
          collected,
          costToServe: cost,
          arpu: ratio(billed, n),
          collectedPerClient: ratio(collected, n),
          costPerClient: ratio(cost, n),
          marginPerClient: ratio(collected - cost, n),
        };
      }),
    };
  }

  private openCases(id: string) {
    const opened = this.events.filter((e) => e.type === 'CaseOpened' && e.data.subscriberId === id).length;
    const closed = this.events.filter((e) => e.type === 'CaseClosed' && e.data.subscriberId === id).length;
    return opened - closed;
  }

  private money(id: string, fromMs: number, toMs: number) {
    let billed = 0, collected = 0, cost = 0;
    for (const e of this.streams.get(id) ?? []) {
      if (e.ms <= fromMs || e.ms > toMs) continue;
      if (e.type === 'InvoiceIssued') billed += e.data.amount;
      if (e.type === 'PaymentReceived') collected += e.data.amount;
      if (e.type === 'CostToServeRecorded') cost += e.data.amount;
    }
    return { billed, collected, costToServe: cost, margin: collected - cost, marginRatio: ratio(collected - cost, collected) };
  }

  private flags(id: string, s: SubscriberState) {
    const now = Date.parse(this.asOf!);
    const t = this.money(id, now - 90 * DAY, now);
    const flags: string[] = [];
    // Judged only after a whole window as a customer since enrolment or the last reactivation (domain.md §5).
    const since = (this.streams.get(id) ?? []).filter((e) => e.type === 'SubscriberEnrolled' || e.type === 'SubscriberReactivated').at(-1)!.ms;
    const judged = (s.status === 'active' || s.status === 'suspended') && since <= now - 90 * DAY;
    if (judged && t.margin < 0) flags.push('unprofitable');
    if (Object.values(s.invoices).some((i) => i.missedAt !== null && i.owed > 0)) flags.push('in_default');
    if (this.openCases(id) > 0) flags.push('open_case');
    return flags;
  }

  clients(q: { sort: string; order: 'asc' | 'desc'; limit: number; segment: Seg; flag?: string }) {
    const now = Date.parse(this.asOf!);
    const rows = this.ids(q.segment).map((id) => {
      const s = this.final(id);
      return {
        subscriberId: id,
        name: s.name!,
        segment: s.segment!,
        status: s.status,
        salesRepId: s.salesRepId!,
        lifetime: this.money(id, -Infinity, Infinity),
        trailing90Days: this.money(id, now - 90 * DAY, now),
        flags: this.flags(id, s),
      };
    });
    const key = (r: (typeof rows)[number]): number | null =>
      q.sort === 'margin' ? r.lifetime.margin : q.sort === 'marginRatio' ? r.lifetime.marginRatio : q.sort === 'trailingMargin' ? r.trailing90Days.margin : (r.lifetime as unknown as Record<string, number>)[q.sort];
    const sorted = rows
      .filter((r) => !q.flag || r.flags.includes(q.flag))
      .sort((a, b) => {
        const x = key(a), y = key(b);
        if (x === null && y !== null) return 1;
        if (y === null && x !== null) return -1;
        if (x !== null && y !== null && x !== y) return q.order === 'asc' ? x - y : y - x;
        return a.subscriberId < b.subscriberId ? -1 : 1;
      });
    return { asOf: this.asOf, currency: this.scopeCurrency, clients: sorted.slice(0, q.limit) };
  }

  subscribers(q: { segment: Seg; status?: string; flag?: string }) {
    return this.ids(q.segment)
      .sort()
      .map((id) => {
        const s = this.final(id);
        return {
          subscriberId: id,
          name: s.name!,
          segment: s.segment!,
          status: s.status,
          plan: { code: s.plan!.code, monthlyFee: s.plan!.monthlyFee, currency: s.plan!.currency },
          mrr: s.status === 'active' || s.status === 'notice' ? s.plan!.monthlyFee : 0,
          balance: s.balance,
          salesRepId: s.salesRepId!,
          enrolledAt: s.enrolledAt!,
          terminatedAt: s.terminatedAt,
          openCases: this.openCases(id),
          flags: this.flags(id, s),
        };
      })
      .filter((r) => (!q.status || r.status === q.status) && (!q.flag || r.flags.includes(q.flag)));
  }

  cases(q: { subscriberId?: string; kind?: string; status?: string }) {
    const byCase = new Map<string, E[]>();
    for (const e of this.events) if (e.streamId.startsWith('case-')) byCase.set(e.streamId, [...(byCase.get(e.streamId) ?? []), e]);
    const out = [...byCase.values()].map((events) => {
      const opened = events[0] as Extract<E, { type: 'CaseOpened' }>;
      const closed = events.find((e) => e.type === 'CaseClosed') as Extract<E, { type: 'CaseClosed' }> | undefined;
      const last = events[events.length - 1];
      return {
        caseId: opened.data.caseId,
        subscriberId: opened.data.subscriberId,
        kind: opened.data.kind,
        status: closed ? 'closed' : 'open',
        summary: opened.data.summary,
        openedBy: opened.data.openedBy,
        openedAt: opened.occurredAt,
        closedAt: closed?.occurredAt ?? null,
        outcome: closed?.data.outcome ?? null,
        lastEventType: last.type,
        lastEventAt: last.occurredAt,
      };
    });
    return {
      cases: out
        .filter((c) => (!q.subscriberId || c.subscriberId === q.subscriberId) && (!q.kind || c.kind === q.kind) && (!q.status || c.status === q.status))
        .sort((a, b) => (a.openedAt !== b.openedAt ? (a.openedAt < b.openedAt ? -1 : 1) : a.caseId < b.caseId ? -1 : 1)),
    };
  }

  salesReps(from: string, to: string, seg: Seg) {
    return {
      segment: seg,
      currency: this.scopeCurrency,
      months: months(from, to).map((month) => {
        const enrolled = this.inMonth(month, seg, 'SubscriberEnrolled') as Array<Extract<E, { type: 'SubscriberEnrolled' }>>;
        const reps = [...new Set(enrolled.map((e) => e.data.salesRepId))].sort();
        return {
          month,
          reps: reps.map((rep) => {
            const mine = enrolled.filter((e) => e.data.salesRepId === rep);
            let churned = 0, due = 0, defaulted = 0;
            for (const e of mine) {
              const stream = this.streams.get(e.data.subscriberId)!;
              if (stream.some((x) => x.type === 'SubscriberTerminated' && x.ms - e.ms <= 90 * DAY)) churned++;
              due += stream.filter((x) => x.type === 'InvoiceIssued').length;
              defaulted += stream.filter((x) => x.type === 'PaymentMissed').length;
            }
            return {
              salesRepId: rep,
              newSubscribers: mine.length,
              newMrr: mine.reduce((a, x) => a + x.data.plan.monthlyFee, 0),
              churnedWithin90Days: churned,
              invoicesDue: due,
              invoicesDefaulted: defaulted,
              defaultRate: ratio(defaulted, due),
            };
          }),
        };
      }),
    };
  }

  /** The currency of each subscriber (its enrolment plan's; the domain never changes it). */
  currencyOf(id: string): string {
    const enrolment = (this.streams.get(id) ?? []).find((e) => e.type === 'SubscriberEnrolled') as Extract<E, { type: 'SubscriberEnrolled' }>;
    return enrolment.data.plan.currency;
  }

  /** The currency an answer covers: the one named, else the only one in use (several: the route refuses). */
  currency(requested?: string): string | null {
    if (requested) return requested;
    const inUse = [...new Set([...this.segment.keys()].map((id) => this.currencyOf(id)))].sort();
    if (inUse.length > 1) throw new Error(`currency required: ${inUse.join(', ')}`);
    return inUse[0] ?? null;
  }

  cohorts(from: string, to: string, seg: Seg, requested?: string) {
    return bruteForceCohorts(this, from, to, seg, requested);
  }

  forecast(n: number, seg: Seg) {
    const base = monthOf(this.asOf!);
    const trailing = months(shift(base, -3), shift(base, -1));
    const churn = this.churn(trailing[0], trailing[2], seg).months;
    const defaults = this.defaultRate(trailing[0], trailing[2], seg).months;
    const mean = (xs: number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
    const inputs = {
      segment: seg,
      currency: this.scopeCurrency,
      asOf: this.asOf,
      baseMonth: base,
      trailingMonths: trailing,
      mrr: this.customersAndMrr(Infinity, seg).mrr,
      revenueChurnRate: mean(churn.map((m) => m.revenueChurnRate).filter((r): r is number => r !== null)),
      newMrr: mean(churn.map((m) => m.mrrNew)),
      netExpansion: mean(churn.map((m) => m.mrrExpansion - m.mrrContraction)),
      amountDefaultRate: mean(defaults.map((m) => m.amountDefaultRate).filter((r): r is number => r !== null)),
    };
    let mrr = inputs.mrr;
    const out = [];
    for (let k = 1; k <= n; k++) {
      mrr = mrr * (1 - inputs.revenueChurnRate) + inputs.newMrr + inputs.netExpansion;
      out.push({ month: shift(base, k), mrr: Math.round(mrr), expectedCollections: Math.round(mrr * (1 - inputs.amountDefaultRate)) });
    }
    return { segment: seg, currency: this.scopeCurrency, inputs, months: out };
  }
}
