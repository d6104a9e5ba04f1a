/**
 * What the simulated company has in store: every sale drawn up front (who, when, by whom, with
 * which traits), how a client will pay each invoice, and what the scheduler pass will do to a
 * subscriber — asked of the domain's own pass ({@link runSchedulerPass}) over the model's view, so
 * the simulator never re-derives the dunning rules.
 */
import { initialSubscriberState, runSchedulerPass, type DunningPolicy, type InvoiceState, type EnrolledSubscriber, type Segment } from '@libs/domain';
import { BUSINESS_NAMES, BUSINESS_WORDS, FIRST_NAMES, SURNAMES } from './flavour.js';
import { addDays, dateOf, daysBetween, markTerminated, unplannedInvoice, type InvoiceModel, type SubModel, type Traits } from './model.js';
import type { SimulationOptions } from './options.js';
import { Rng } from './prng.js';

/** Draws every future sale up front (who, when, by whom), from one calendar PRNG. */
export function planCompany(o: SimulationOptions, start: string, days: number): SubModel[] {
  const subs: SubModel[] = [];
  const calendar = Rng.derive(o.seed, 'sales-calendar');
  const initial = Math.round(o.subscribers * o.initialShare);
  for (let i = 0; i < o.subscribers; i++) {
    const enrolOn = i < initial ? addDays(start, calendar.int(0, Math.min(27, days - 1))) : addDays(start, calendar.int(0, days - 1));
    const segment: Segment = calendar.chance(o.b2bShare) ? 'b2b' : 'b2c';
    const rep = calendar.weighted(o.salesReps, (r) => r.weight);
    const rng = Rng.derive(o.seed, 'subscriber', i);
    const id = rng.uuid();
    const plans = o.plans[segment];
    const plan = rng.weighted(plans, (p) => plans.length - plans.indexOf(p));
    const q = rep.quality;
    const needsService = rng.chance(0.75 + 0.25 * q);
    const valuesService = rng.chance(0.7 + 0.3 * q);
    const canPay = rng.chance(0.7 + 0.3 * q);
    const traits: Traits = {
      needsService,
      valuesService,
      canPay,
      risk: Math.min(0.9, o.baseLatePaymentRisk + (1 - q) * 0.12 + (canPay ? 0 : 0.35) + (valuesService ? 0 : 0.05)),
      costly: rng.chance(o.costlyShare * (needsService ? 1 : 2)),
      complainer: rng.chance(o.complainerShare * (valuesService ? 1 : 3)),
    };
    const name =
      segment === 'b2c' ? `${rng.pick(FIRST_NAMES)} ${rng.pick(SURNAMES)}` : `${rng.pick(BUSINESS_WORDS)} ${rng.pick(BUSINESS_NAMES)} ${rng.int(1, 99)}`;
    const noticeDays = segment === 'b2b' && rng.chance(0.3) ? 90 : null;
    subs.push({
      index: i,
      id,
      rng,
      segment,
      plan,
      rep,
      enrolOn,
      name,
      noticeDays,
      traits,
      status: 'prospect',
      suspension: null,
      invoices: new Map(),
      notice: null,
      pendingCancellation: false,
      requestedEffectiveDate: null,
      cases: [],
      complaintsSinceCase: 0,
      seq: 0,
    });
  }
  return subs;
}

/** A newly issued invoice of `amount`, with how and when the client will (or will not) pay it. */
export function drawPayment(o: SimulationOptions, sub: SubModel, invoiceId: string, period: string, amount: number, date: string, dueDate: string, atSignup: boolean): InvoiceModel {
  const { rng, traits } = sub;
  const inv: InvoiceModel = { ...unplannedInvoice(invoiceId, dueDate), owed: amount };
  const risk = Math.min(0.95, traits.risk * (o.paymentSeasonality[Number(period.slice(5, 7)) - 1] ?? 1));
  inv.operatorRecordsMissed = rng.chance(o.operatorRecordsMissedShare);
  if (!rng.chance(risk)) {
    inv.payOn = atSignup ? date : addDays(date, rng.int(0, Math.max(0, daysBetween(date, dueDate))));
  } else if (rng.chance(o.defaultShare)) {
    inv.manualSuspension = rng.chance(o.manualSuspensionShare);
  } else if (rng.chance(o.arrangementShare)) {
    inv.arrangeOn = addDays(dueDate, rng.int(o.policy.graceDays + 2, Math.max(o.policy.graceDays + 2, o.policy.suspendAfterDays - 3)));
    inv.keepsPromise = rng.chance(0.75);
  } else {
    inv.payOn = addDays(dueDate, rng.int(1, Math.max(1, o.policy.suspendAfterDays - 2)));
  }
  return inv;
}

/**
 * The model's subscriber as the domain's state, with what the scheduler pass reads: status,
 * invoices (owed, due, arrangement), notice, suspension. The model does not know the stream's last
 * event time, so the pass is never held back by it.
 */
function domainStateOf(sub: SubModel, currency: string): EnrolledSubscriber {
  const invoices: Record<string, InvoiceState> = {};
  for (const i of sub.invoices.values()) {
    invoices[i.invoiceId] = {
      invoiceId: i.invoiceId,
      period: i.invoiceId.replace(/^inv-/, ''),
      amount: i.owed,
      dueDate: i.dueDate,
      issuedAt: `${i.dueDate}T00:00:00.000Z`,
      status: i.status,
      paid: 0,
      writtenOff: 0,
      owed: i.owed,
      missedAt: null,
      reminders: [],
      arrangedUntil: i.arrangedUntil,
    };
  }
  const base = initialSubscriberState();
  const balance = [...sub.invoices.values()].filter((i) => i.status === 'open' || i.status === 'missed').reduce((s, i) => s + i.owed, 0);
  return {
    ...base,
    exists: true,
    subscriberId: sub.id,
    // Only customers reach the pass (foreseePass returns early for prospects and lost ones).
    status: sub.status === 'prospect' || sub.status === 'lost' ? 'active' : sub.status,
    name: sub.name,
    segment: sub.segment,
    plan: { code: sub.plan.code, monthlyFee: sub.plan.monthlyFee, currency },
    // Not read by the scheduler pass: the model does not keep them.
    salesRepId: '',
    qualification: { needsService: true, valuesService: true, canPay: true },
    enrolledAt: '1970-01-01T00:00:00.000Z',
    customerSince: '1970-01-01T00:00:00.000Z',
    noticeDays: sub.noticeDays,
    invoices,
    invoiceOrder: [...sub.invoices.keys()],
    balance,
    notice: sub.notice === null ? null : { initiatedBy: 'client', reasons: [], effectiveDate: sub.notice, recommendedProvider: null, caseId: null, approvedBy: null, givenAt: `${sub.notice}T00:00:00.000Z` },
    suspension: sub.suspension === null ? null : { reason: 'non_payment', since: `${sub.suspension.since}T00:00:00.000Z`, outstanding: balance, writtenOff: sub.suspension.writtenOff },
    lastOccurredAt: null,
  };
}

/**
 * Whether the scheduler pass at `now` changes this subscriber (missed payments, suspension,
 * termination), by running the domain's pass on the model's view; with `apply` the model takes
 * the pass's outcome on trust (for targets that cannot be re-read).
 */
export function foreseePass(sub: SubModel, now: string, policy: DunningPolicy, currency: string, apply: boolean): boolean {
  if (sub.status !== 'active' && sub.status !== 'suspended' && sub.status !== 'notice') return false;
  const { commands, state } = runSchedulerPass(domainStateOf(sub, currency), now, policy);
  if (commands.length === 0) return false;
  if (!apply) return true;
  if (state.status === 'terminated') {
    markTerminated(sub);
    return true;
  }
  for (const inv of sub.invoices.values()) {
    const after = state.invoices[inv.invoiceId];
    if (after) Object.assign(inv, { status: after.status, owed: after.owed });
  }
  if (state.status === 'suspended' && sub.status !== 'suspended') {
    sub.status = 'suspended';
    sub.suspension = { writtenOff: state.suspension?.writtenOff ?? false, since: dateOf(Date.parse(now)) };
  }
  return true;
}
