/**
 * One subscriber's day outside its cases: enrolment, invoicing, paying (or not), collections'
 * actions, suspension and coming back, the cost of serving, complaints, plan changes,
 * cancellations and win-backs. Each draws only on the subscriber's own PRNG.
 */
import type { SimPlan } from '../options.js';
import { CANCELLATION_REASONS, COMPLAINT_CATEGORIES, COMPLAINT_TEXTS } from '../flavour.js';
import { addDays, daysBetween, newCase, type DayClock, type InvoiceModel, type SimCommand, type SimContext, type SubModel } from '../model.js';
import { drawPayment } from '../planning.js';

type EnrollData = Extract<SimCommand, { type: 'EnrollSubscriber' }>['data'];
type CostData = Omit<Extract<SimCommand, { type: 'RecordCostToServe' }>['data'], 'subscriberId'>;

const period = (date: string): string => date.slice(0, 7);

export async function enrol(ctx: SimContext, sub: SubModel, clock: DayClock): Promise<void> {
  const { traits: t, rng } = sub;
  const data: EnrollData = {
    subscriberId: sub.id,
    name: sub.name,
    segment: sub.segment,
    plan: { code: sub.plan.code, monthlyFee: sub.plan.monthlyFee, currency: ctx.o.currency },
    salesRepId: sub.rep.id,
    qualification: { needsService: t.needsService, valuesService: t.valuesService, canPay: t.canPay },
    ...(sub.noticeDays !== null ? { noticeDays: sub.noticeDays } : {}),
  };
  const qualified = t.needsService && t.valuesService && t.canPay;
  let command: SimCommand = { type: 'EnrollSubscriber', data };
  if (!qualified) {
    // The rep first tries without an override; the rule refuses, and a manager may push it through.
    if (rng.chance(0.4)) await ctx.send(sub, clock, command);
    if (!rng.chance(0.5 + 0.5 * (1 - sub.rep.quality))) {
      sub.status = 'lost';
      return;
    }
    command = { type: 'EnrollSubscriber', data: { ...data, override: { by: 'sales-manager', justification: `${sub.rep.id} vouches for the client; closing the month's quota` } } };
  }
  const r = await ctx.send(sub, clock, command);
  sub.status = r ? 'active' : 'lost';
  // The first month is billed at signup (with the installation), due within the week.
  if (r) await issueInvoice(ctx, sub, clock, period(clock.date), addDays(clock.date, 5), true);
}

export async function invoicing(ctx: SimContext, sub: SubModel, clock: DayClock): Promise<void> {
  const date = clock.date;
  if (Number(date.slice(8, 10)) !== ctx.o.invoiceDay || (sub.status !== 'active' && sub.status !== 'notice')) return;
  const p = period(date);
  await issueInvoice(ctx, sub, clock, p, `${p}-${String(ctx.o.dueDay).padStart(2, '0')}`, false);
}

/** Issues the period's invoice (once) and draws how the client will pay it. */
async function issueInvoice(ctx: SimContext, sub: SubModel, clock: DayClock, p: string, dueDate: string, atSignup: boolean): Promise<void> {
  const invoiceId = `inv-${p}`;
  if (sub.invoices.has(invoiceId) || sub.plan.monthlyFee <= 0) return;
  const amount = sub.plan.monthlyFee;
  const r = await ctx.send(sub, clock, { type: 'IssueInvoice', data: { subscriberId: sub.id, invoiceId, period: p, amount, dueDate } });
  if (!r) return;
  sub.invoices.set(invoiceId, drawPayment(ctx.o, sub, invoiceId, p, amount, clock.date, dueDate, atSignup));
}

export async function collections(ctx: SimContext, sub: SubModel, clock: DayClock): Promise<void> {
  const date = clock.date;
  const { rng, o } = { rng: sub.rng, o: ctx.o };
  const ids = (inv: InvoiceModel) => ({ subscriberId: sub.id, invoiceId: inv.invoiceId });
  for (const inv of [...sub.invoices.values()]) {
    if (inv.owed <= 0 || inv.status === 'paid' || inv.status === 'written_off') continue;
    const serving = sub.status === 'active' || sub.status === 'notice';
    if (serving && inv.status === 'open' && date === inv.dueDate && inv.payOn !== null && inv.payOn > date && rng.chance(o.slipRate)) {
      // Collections jumps the gun on the due date itself: refused (`payment-not-missed`).
      await ctx.send(sub, clock, { type: 'RecordMissedPayment', data: ids(inv) });
    }
    if (serving && inv.status === 'open' && inv.operatorRecordsMissed && inv.payOn !== date && date === addDays(inv.dueDate, o.policy.graceDays + 1)) {
      const r = await ctx.send(sub, clock, { type: 'RecordMissedPayment', data: ids(inv) });
      if (r) inv.status = 'missed';
    }
    if (serving && inv.status === 'missed' && date === addDays(inv.dueDate, 8) && rng.chance(0.5)) {
      await ctx.send(sub, clock, { type: 'SendPaymentReminder', data: { ...ids(inv), tone: 'firm' } });
    }
    if (inv.arrangeOn === date && inv.arrangedUntil === null && sub.status !== 'terminated') {
      if (rng.chance(o.slipRate * 3)) {
        // A generous promise the rule does not allow (`arrangement-too-long`), then the short one.
        await ctx.send(sub, clock, { type: 'AgreePaymentArrangement', data: { subscriberId: sub.id, invoiceIds: [inv.invoiceId], payBy: addDays(date, rng.int(35, 60)) } });
      }
      const payBy = addDays(date, rng.int(5, 25));
      const r = await ctx.send(sub, clock, { type: 'AgreePaymentArrangement', data: { subscriberId: sub.id, invoiceIds: [inv.invoiceId], payBy } });
      if (r) {
        inv.arrangedUntil = payBy;
        if (inv.keepsPromise) inv.payOn = addDays(date, rng.int(1, daysBetween(date, payBy)));
      }
    }
    if (serving && inv.manualSuspension && inv.status === 'missed' && date === addDays(inv.dueDate, 10)) {
      // Collections suspends by hand and keeps the debt: paying it later reinstates automatically.
      await ctx.send(sub, clock, { type: 'SuspendService', data: { subscriberId: sub.id, reason: 'non_payment', writeOff: false } });
    }
    if (inv.payOn === date && inv.owed > 0 && (inv.status === 'open' || inv.status === 'missed')) await pay(ctx, sub, clock, inv);
  }
}

async function pay(ctx: SimContext, sub: SubModel, clock: DayClock, inv: InvoiceModel): Promise<void> {
  const ids = { subscriberId: sub.id, invoiceId: inv.invoiceId };
  if (sub.rng.chance(ctx.o.slipRate)) {
    // A typo in the amount: refused (`overpayment`), then recorded right.
    await ctx.send(sub, clock, { type: 'RecordPayment', data: { ...ids, amount: inv.owed + 100 } });
  }
  const r = await ctx.send(sub, clock, { type: 'RecordPayment', data: { ...ids, amount: inv.owed } });
  if (r) Object.assign(inv, { status: 'paid', owed: 0 });
}

export async function whileSuspended(ctx: SimContext, sub: SubModel, clock: DayClock): Promise<void> {
  const { rng, o } = { rng: sub.rng, o: ctx.o };
  const date = clock.date;
  const s = sub.suspension ?? { writtenOff: o.policy.writeOffOnSuspension, since: date };
  const nonPaymentCase = sub.cases.some((c) => c.kind === 'non_payment');
  if (!nonPaymentCase && rng.chance(o.comeBackPerDay)) {
    if (s.writtenOff) {
      // Whatever fell due after the write-off is settled first: reinstatement needs no missed debt.
      for (const inv of [...sub.invoices.values()]) if (inv.status === 'missed' && inv.owed > 0) await pay(ctx, sub, clock, inv);
      const r = await ctx.send(sub, clock, { type: 'ReinstateService', data: { subscriberId: sub.id, reason: 'The client asked to come back; the debt was written off at suspension' } });
      if (r) {
        sub.status = sub.notice ? 'notice' : 'active';
        sub.suspension = null;
      }
    } else {
      for (const inv of [...sub.invoices.values()]) if (inv.status === 'missed' && inv.owed > 0 && sub.status === 'suspended') await pay(ctx, sub, clock, inv);
    }
    return;
  }
  if (!nonPaymentCase && sub.notice === null && daysBetween(s.since, date) >= o.suspensionCaseAfterDays) {
    const caseId = rng.uuid();
    const r = await ctx.send(sub, clock, {
      type: 'OpenCase',
      data: { caseId, subscriberId: sub.id, kind: 'non_payment', summary: `Suspended for non-payment since ${s.since}; the client does not answer`, openedBy: 'collections' },
    });
    if (r) sub.cases.push(newCase(sub, caseId, 'non_payment', date));
  }
}

export async function serviceLife(ctx: SimContext, sub: SubModel, clock: DayClock): Promise<void> {
  const { rng, o, traits } = { rng: sub.rng, o: ctx.o, traits: sub.traits };
  const b2b = sub.segment === 'b2b';
  const m = traits.costly ? o.costlyMultiplier : 1;
  const costs: CostData[] = [];
  if (rng.chance((o.falseAlarmsPerMonth * m) / 30)) {
    costs.push({ kind: 'false_alarm', amount: b2b ? rng.int(4000, 8000) : rng.int(1200, 2500), note: 'Patrol dispatched; no intrusion found' });
  }
  if (rng.chance((o.serviceVisitsPerMonth * m) / 30)) {
    costs.push({ kind: 'service_visit', amount: b2b ? rng.int(8000, 20_000) : rng.int(3000, 7000), minutes: rng.int(45, 180), note: 'Technician visit' });
  }
  if (rng.chance((o.supportCallsPerMonth * m) / 30)) {
    const minutes = b2b ? rng.int(15, 120) : rng.int(5, 40);
    costs.push({ kind: 'support_time', amount: minutes * 80, minutes });
  }
  if (rng.chance((traits.complainer ? o.complainerComplaintsPerMonth : o.complaintsPerMonth) / 30)) {
    const category = rng.pick(COMPLAINT_CATEGORIES);
    const r = await ctx.send(sub, clock, { type: 'LogComplaint', data: { subscriberId: sub.id, category, description: rng.pick(COMPLAINT_TEXTS[category] ?? ['Complaint']) } });
    if (r) sub.complaintsSinceCase++;
    if (rng.chance(0.5)) costs.push({ kind: 'complaint_handling', amount: rng.int(500, 1500), minutes: rng.int(10, 30) });
  }
  for (const cost of costs) {
    const r = await ctx.send(sub, clock, { type: 'RecordCostToServe', data: { subscriberId: sub.id, ...cost } });
    if (r?.events.includes('CaseOpened')) await ctx.discoverCases(sub, clock.date);
  }
  if (sub.complaintsSinceCase >= o.complaintsCaseThreshold && !sub.cases.some((c) => c.kind === 'complaints')) {
    const caseId = rng.uuid();
    const r = await ctx.send(sub, clock, {
      type: 'OpenCase',
      data: { caseId, subscriberId: sub.id, kind: 'complaints', summary: `${sub.complaintsSinceCase} complaints in a short time`, openedBy: 'account-manager' },
    });
    sub.complaintsSinceCase = 0;
    if (r) sub.cases.push(newCase(sub, caseId, 'complaints', clock.date));
  }
  if (sub.status !== 'active' && sub.status !== 'notice') return;
  if (sub.status === 'active' && rng.chance(o.planChangePerMonth / 30)) {
    const others = o.plans[sub.segment].filter((p) => p.code !== sub.plan.code);
    if (others.length > 0) {
      const to = rng.pick(others);
      const r = await ctx.send(sub, clock, {
        type: 'ChangePlan',
        data: { subscriberId: sub.id, to: { code: to.code, monthlyFee: to.monthlyFee }, reason: to.monthlyFee > sub.plan.monthlyFee ? 'upgrade' : 'downgrade' },
      });
      if (r) sub.plan = { ...to };
    }
  }
  const cancelRate = o.cancellationPerMonth[sub.segment] * (traits.valuesService ? 1 : 3) * (traits.complainer ? 2 : 1);
  if (sub.status === 'active' && !sub.pendingCancellation && !sub.cases.some((c) => c.kind === 'retention') && rng.chance(cancelRate / 30)) {
    const reason = rng.pick(CANCELLATION_REASONS);
    const requested = rng.chance(0.5) ? addDays(clock.date, rng.int(15, 75)) : null;
    const r = await ctx.send(sub, clock, { type: 'RequestCancellation', data: { subscriberId: sub.id, reason, ...(requested ? { requestedEffectiveDate: requested } : {}) } });
    if (r) {
      sub.pendingCancellation = true;
      sub.requestedEffectiveDate = requested;
      if (r.events.includes('CaseOpened')) await ctx.discoverCases(sub, clock.date);
    }
  }
}

export async function winBack(ctx: SimContext, sub: SubModel, clock: DayClock): Promise<void> {
  if (!sub.rng.chance(ctx.o.winBackPerMonth / 30)) return;
  // The client settles what is still owed, then comes back (reactivation needs no missed debt).
  for (const inv of [...sub.invoices.values()]) if ((inv.status === 'open' || inv.status === 'missed') && inv.owed > 0) await pay(ctx, sub, clock, inv);
  const plans = ctx.o.plans[sub.segment];
  const plan = sub.rng.chance(0.6) ? sub.plan : (plans[0] as SimPlan);
  const r = await ctx.send(sub, clock, { type: 'ReactivateSubscriber', data: { subscriberId: sub.id, plan: { code: plan.code, monthlyFee: plan.monthlyFee, currency: ctx.o.currency } } });
  if (r) {
    sub.status = 'active';
    sub.plan = { ...plan };
    sub.complaintsSinceCase = 0;
    // Those who come back on good terms are better payers.
    sub.traits.risk = Math.max(ctx.o.baseLatePaymentRisk, sub.traits.risk * 0.6);
  }
}
