/**
 * Test histories for the projections: event builders and a seeded random-but-valid generator
 * that writes straight to the store (the domain's rules are respected loosely: the projections
 * only need histories the aggregates could have produced).
 */
import type { EventStore, NewEvent } from '@libs/event-store';

export interface HistoryEvent {
  streamId: string;
  type: string;
  data: Record<string, unknown>;
  occurredAt: string;
}

const PLAN = (code: string, monthlyFee: number, currency = 'EUR') => ({ code, monthlyFee, currency });
const Q = { needsService: true, valuesService: true, canPay: true };

/** Builds one history in order; every builder takes the event's instant. */
export class History {
  readonly events: HistoryEvent[] = [];
  /** Each subscriber's currency (its enrolment plan's; every later plan keeps it, as the domain does). */
  private readonly currencies = new Map<string, string>();
  private cur(id: string): string {
    return this.currencies.get(id) ?? 'EUR';
  }

  private sub(id: string, type: string, at: string, data: Record<string, unknown>): this {
    this.events.push({ streamId: `subscriber-${id}`, type, occurredAt: at, data: { subscriberId: id, occurredAt: at, ...data } });
    return this;
  }
  private kase(caseId: string, id: string, type: string, at: string, data: Record<string, unknown>): this {
    this.events.push({ streamId: `case-${caseId}`, type, occurredAt: at, data: { caseId, subscriberId: id, occurredAt: at, ...data } });
    return this;
  }

  enroll(id: string, at: string, o: { segment?: 'b2b' | 'b2c'; fee?: number; rep?: string; name?: string; currency?: string } = {}): this {
    this.currencies.set(id, o.currency ?? 'EUR');
    return this.sub(id, 'SubscriberEnrolled', at, {
      name: o.name ?? `Client ${id}`,
      segment: o.segment ?? 'b2c',
      plan: PLAN('basic', o.fee ?? 3000, o.currency),
      salesRepId: o.rep ?? 'rep-1',
      qualification: Q,
    });
  }
  invoice(id: string, invoiceId: string, at: string, o: { amount: number; due: string; period?: string }): this {
    return this.sub(id, 'InvoiceIssued', at, { invoiceId, period: o.period ?? o.due.slice(0, 7), amount: o.amount, dueDate: o.due });
  }
  pay(id: string, invoiceId: string, at: string, amount: number): this {
    return this.sub(id, 'PaymentReceived', at, { invoiceId, amount });
  }
  miss(id: string, invoiceId: string, at: string, o: { amount: number; due: string; consecutive?: number }): this {
    return this.sub(id, 'PaymentMissed', at, { invoiceId, amount: o.amount, dueDate: o.due, consecutiveMissed: o.consecutive ?? 1 });
  }
  remind(id: string, invoiceId: string, at: string): this {
    return this.sub(id, 'PaymentReminderSent', at, { invoiceId, tone: 'friendly' });
  }
  suspend(id: string, at: string, outstanding = 0): this {
    return this.sub(id, 'ServiceSuspended', at, { reason: 'non_payment', outstanding });
  }
  writeOff(id: string, invoiceIds: string[], at: string, amount: number): this {
    return this.sub(id, 'DebtWrittenOff', at, { invoiceIds, amount });
  }
  reinstate(id: string, at: string): this {
    return this.sub(id, 'ServiceReinstated', at, { reason: 'paid up' });
  }
  cost(id: string, at: string, amount: number): this {
    return this.sub(id, 'CostToServeRecorded', at, { kind: 'service_visit', amount });
  }
  complaint(id: string, at: string): this {
    return this.sub(id, 'ComplaintLogged', at, { category: 'billing', description: 'too expensive' });
  }
  changePlan(id: string, at: string, from: number, to: number): this {
    return this.sub(id, 'PlanChanged', at, { from: { code: 'basic', monthlyFee: from }, to: { code: to > from ? 'plus' : 'lite', monthlyFee: to }, reason: to > from ? 'upgrade' : 'downgrade' });
  }
  migrate(id: string, at: string, fee: number): this {
    return this.sub(id, 'ClientMigrated', at, { target: 'prepaid', toPlan: PLAN('prepaid', fee, this.cur(id)) });
  }
  cancel(id: string, at: string): this {
    return this.sub(id, 'CancellationRequested', at, { reason: 'moving' });
  }
  withdraw(id: string, caseId: string, at: string): this {
    return this.sub(id, 'CancellationWithdrawn', at, { caseId });
  }
  notice(id: string, at: string, effectiveDate: string, initiatedBy: 'provider' | 'client' = 'client'): this {
    return this.sub(id, 'TerminationNoticeGiven', at, { initiatedBy, reasons: ['moving'], effectiveDate });
  }
  terminate(id: string, at: string, o: { kind?: 'voluntary' | 'involuntary' | 'migrated'; fee: number; finalBalance?: number }): this {
    return this.sub(id, 'SubscriberTerminated', at, {
      kind: o.kind ?? 'voluntary',
      reasons: ['moving'],
      effectiveDate: at.slice(0, 10),
      finalBalance: o.finalBalance ?? 0,
      planAtTermination: PLAN('basic', o.fee, this.cur(id)),
    });
  }
  reactivate(id: string, at: string, fee: number): this {
    return this.sub(id, 'SubscriberReactivated', at, { plan: PLAN('basic', fee, this.cur(id)) });
  }
  openCase(caseId: string, id: string, at: string, kind = 'unprofitable'): this {
    return this.kase(caseId, id, 'CaseOpened', at, { kind, summary: 'costs too much', openedBy: 'op-1' });
  }
  caseStep(caseId: string, id: string, at: string): this {
    return this.kase(caseId, id, 'RemedyStepTaken', at, { step: 'reassess', notes: '', outcome: 'no_change' });
  }
  closeCase(caseId: string, id: string, at: string, outcome = 'resolved'): this {
    return this.kase(caseId, id, 'CaseClosed', at, { outcome });
  }
}

/** Appends a history in order, consecutive events of one stream in one append. */
export async function appendHistory(store: EventStore, events: readonly HistoryEvent[]): Promise<void> {
  let i = 0;
  while (i < events.length) {
    const streamId = events[i].streamId;
    const batch: NewEvent[] = [];
    while (i < events.length && events[i].streamId === streamId && batch.length < 500) {
      const e = events[i++];
      batch.push({ type: e.type, data: e.data, occurredAt: e.occurredAt, metadata: { schemaVersion: e.type === 'PaymentReminderSent' ? 2 : 1, actor: 'test' } });
    }
    await store.append(streamId, batch);
  }
}

/** Deterministic PRNG (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const dateOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface SimInvoice {
  id: string;
  amount: number;
  due: string;
  owed: number;
  missed: boolean;
  writtenOff: boolean;
  /** Day (ms) it will be paid (possibly partly first), or null: never. */
  payOn: number | null;
  partial: boolean;
}

interface SimSub {
  id: string;
  fee: number;
  segment: 'b2b' | 'b2c';
  status: 'active' | 'suspended' | 'notice' | 'terminated';
  risk: number;
  invoices: SimInvoice[];
  noticeEffective: string | null;
  noticeBy: 'client' | 'provider' | null;
  terminatedOn: number | null;
  openCase: string | null;
  n: number;
}

/**
 * A random history over `months` months from `startMonth`: enrolments, monthly invoices paid on
 * time, late, partly or never, the dunning sequence (missed, suspension, write-off, reinstatement,
 * involuntary termination), costs, plan changes, migrations, cancellations with notice and
 * withdrawal, reactivations and cases. Business time moves forward; some events fall exactly on
 * 00:00Z of a month's first day (terminations at an effective date), the edge the read models
 * define explicitly.
 */
export function randomHistory(seed: number, o: { subscribers: number; months: number; startMonth?: string; reps?: number; currencies?: readonly string[] }): HistoryEvent[] {
  const rnd = prng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rnd() * xs.length)];
  const h = new History();
  const start = Date.parse(`${o.startMonth ?? '2024-01'}-01T00:00:00Z`);
  const end = new Date(start);
  end.setUTCMonth(end.getUTCMonth() + o.months);
  const days = Math.round((end.getTime() - start) / DAY);
  const subs: SimSub[] = [];
  const enrolDay = new Map<number, number[]>();
  for (let i = 0; i < o.subscribers; i++) {
    const d = rnd() < 0.4 ? 0 : Math.floor(rnd() * (days - 5));
    enrolDay.set(d, [...(enrolDay.get(d) ?? []), i]);
  }
  let caseSeq = 0;
  for (let day = 0; day < days; day++) {
    const dayMs = start + day * DAY;
    const date = dateOf(dayMs);
    let second = 0;
    // Scheduler-like events first, at 00:00:00Z and the seconds after.
    const at = () => new Date(dayMs + second++ * 1000).toISOString();
    for (const s of subs) {
      if (s.status === 'notice' && s.noticeEffective !== null && s.noticeEffective <= date) {
        h.terminate(s.id, at(), { kind: s.noticeBy === 'provider' ? 'involuntary' : 'voluntary', fee: s.fee, finalBalance: s.invoices.reduce((a, i) => a + i.owed, 0) });
        s.status = 'terminated';
        s.terminatedOn = dayMs;
        s.noticeEffective = null;
        s.noticeBy = null;
      }
      for (const inv of s.invoices) {
        if (!inv.missed && !inv.writtenOff && inv.owed > 0 && inv.due < date) {
          inv.missed = true;
          h.miss(s.id, inv.id, at(), { amount: inv.owed, due: inv.due });
          if (rnd() < 0.5) h.remind(s.id, inv.id, at());
        }
      }
      const overdue = s.invoices.filter((i) => i.missed && i.owed > 0 && Date.parse(i.due) + 15 * DAY <= dayMs);
      if (s.status !== 'terminated' && s.status !== 'suspended' && overdue.length > 0) {
        h.suspend(s.id, at(), overdue.reduce((a, i) => a + i.owed, 0));
        s.status = 'suspended';
        if (rnd() < 0.5) {
          const total = overdue.reduce((a, i) => a + i.owed, 0);
          h.writeOff(s.id, overdue.map((i) => i.id), at(), total);
          for (const i of overdue) {
            i.owed = 0;
            i.writtenOff = true;
          }
        }
      }
    }
    second = Math.max(second, 3600 * 9);
    for (const i of enrolDay.get(day) ?? []) {
      const segment = rnd() < 0.3 ? 'b2b' : 'b2c';
      const fee = segment === 'b2b' ? pick([15000, 30000, 60000]) : pick([3000, 4500, 6000]);
      const sub: SimSub = { id: `s${String(i).padStart(4, '0')}`, fee, segment, status: 'active', risk: rnd() * 0.5, invoices: [], noticeEffective: null, noticeBy: null, terminatedOn: null, openCase: null, n: 0 };
      subs.push(sub);
      // A second currency, when asked for, without drawing from the generator (same histories otherwise).
      const currencies = o.currencies ?? ['EUR'];
      h.enroll(sub.id, at(), { segment, fee, rep: `rep-${1 + Math.floor(rnd() * (o.reps ?? 3))}`, currency: currencies[subs.length % currencies.length] });
    }
    for (const s of subs) {
      if (s.status === 'terminated') {
        if (s.terminatedOn !== null && dayMs - s.terminatedOn > 30 * DAY && rnd() < 0.01) {
          h.reactivate(s.id, at(), s.fee);
          s.status = 'active';
        }
        // Terminated clients still pay what they owe.
      }
      if (date.endsWith('-01') && (s.status === 'active' || s.status === 'notice')) {
        const due = `${date.slice(0, 8)}${pick(['05', '10', '15', '28'])}`;
        const inv: SimInvoice = { id: `${s.id}-i${s.n++}`, amount: s.fee, due, owed: s.fee, missed: false, writtenOff: false, payOn: null, partial: false };
        const r = rnd();
        const dueMs = Date.parse(due);
        if (r > s.risk) inv.payOn = dueMs - Math.floor(rnd() * 4) * DAY;
        else if (r > s.risk * 0.4) inv.payOn = dueMs + (1 + Math.floor(rnd() * 120)) * DAY;
        inv.partial = rnd() < 0.2;
        s.invoices.push(inv);
        h.invoice(s.id, inv.id, at(), { amount: inv.amount, due, period: date.slice(0, 7) });
      }
      for (const inv of s.invoices) {
        if (inv.payOn !== null && inv.payOn <= dayMs && inv.owed > 0 && !inv.writtenOff) {
          const amount = inv.partial ? Math.ceil(inv.owed / 2) : inv.owed;
          h.pay(s.id, inv.id, at(), amount);
          inv.owed -= amount;
          inv.payOn = inv.partial ? dayMs + 20 * DAY : null;
          inv.partial = false;
          if (s.status === 'suspended' && s.invoices.every((i) => !i.missed || i.owed === 0)) {
            h.reinstate(s.id, at());
            s.status = s.noticeEffective ? 'notice' : 'active';
          }
        }
      }
      if (s.status === 'terminated') continue;
      if (rnd() < 0.02) h.cost(s.id, at(), pick([1500, 4000, 12000]));
      if (rnd() < 0.005) h.complaint(s.id, at());
      if (s.status === 'suspended' && rnd() < 0.02) {
        h.terminate(s.id, at(), { kind: 'involuntary', fee: s.fee, finalBalance: s.invoices.reduce((a, i) => a + i.owed, 0) });
        s.status = 'terminated';
        s.terminatedOn = dayMs;
        s.noticeEffective = null;
        s.noticeBy = null;
        continue;
      }
      if (s.status === 'active' && rnd() < 0.004) {
        const to = rnd() < 0.5 ? s.fee + 1500 : Math.max(1000, s.fee - 1500);
        h.changePlan(s.id, at(), s.fee, to);
        s.fee = to;
      }
      if (s.status === 'active' && rnd() < 0.002) {
        s.fee = Math.max(1000, s.fee - 500);
        h.migrate(s.id, at(), s.fee);
      }
      if (s.status === 'active' && rnd() < 0.006) {
        // Some notices take effect on the first of a month, at its very first instant.
        const effective = rnd() < 0.4 ? dateOf(Date.UTC(new Date(dayMs).getUTCFullYear(), new Date(dayMs).getUTCMonth() + 1, 1)) : dateOf(dayMs + 15 * DAY);
        const by = rnd() < 0.2 ? 'provider' : 'client';
        if (by === 'client') h.cancel(s.id, at());
        h.notice(s.id, at(), effective, by);
        s.noticeBy = by;
        s.status = 'notice';
        s.noticeEffective = effective;
      } else if (s.status === 'notice' && s.noticeBy === 'client' && rnd() < 0.05) {
        h.withdraw(s.id, 'c-retention', at());
        s.status = 'active';
        s.noticeEffective = null;
        s.noticeBy = null;
      }
      if (s.openCase === null && rnd() < 0.004) {
        s.openCase = `k${caseSeq++}`;
        h.openCase(s.openCase, s.id, at(), pick(['unprofitable', 'complaints', 'non_payment']));
      } else if (s.openCase !== null && rnd() < 0.03) {
        if (rnd() < 0.5) h.caseStep(s.openCase, s.id, at());
        else {
          h.closeCase(s.openCase, s.id, at(), pick(['resolved', 'retained']));
          s.openCase = null;
        }
      }
    }
  }
  return h.events;
}
