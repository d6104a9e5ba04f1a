/**
 * The company simulator: a day-by-day model of a recurring-service business (alarm monitoring by
 * default) that issues real commands to a {@link SimulationTarget}. Each subscriber lives on its own
 * seeded PRNG, so its story depends only on the seed, the options and the service's answers about
 * that subscriber: the same seed replays the same commands.
 *
 * The model keeps its own view of each subscriber (status, invoices, notice, open cases) from the
 * command answers and from what it foresees the scheduler pass doing; when the target can
 * `getSubscriber`, it re-reads the subscribers a pass touched and after every refusal, so it stays
 * aligned with the service and most of what it sends is valid.
 */
import type { DomainCommand, Segment } from '@libs/domain';
import { Rng } from './prng.js';
import { resolveOptions, type SalesRep, type SimPlan, type SimulationOptions } from './options.js';
import {
  BUSINESS_NAMES,
  BUSINESS_WORDS,
  CANCELLATION_REASONS,
  COMPETITORS,
  COMPLAINT_CATEGORIES,
  COMPLAINT_TEXTS,
  FIRST_NAMES,
  PARTNERS,
  SURNAMES,
  USAGE_FINDINGS,
} from './flavour.js';
import { classifyError, type SimActor, type SimCommandResult, type SimulationTarget, type SubscriberSnapshot } from './target.js';
import { emptySummary, type SimulationSummary } from './summary.js';

const DAY_MS = 86_400_000;
const START_MINUTE = 8 * 60;

/** Actors the simulated staff act as. */
export const OPERATOR: SimActor = { id: 'sim-operator', role: 'operator', roles: ['operator'] };
export const EXECUTIVE: SimActor = { id: 'sim-executive', role: 'executive', roles: ['executive'] };

const dayMs = (date: string): number => Date.parse(`${date}T00:00:00.000Z`);
const dateOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const addDays = (date: string, days: number): string => dateOf(dayMs(date) + days * DAY_MS);
const daysBetween = (from: string, to: string): number => Math.round((dayMs(to) - dayMs(from)) / DAY_MS);

type Status = 'prospect' | 'lost' | 'active' | 'suspended' | 'notice' | 'terminated';
type InvoiceStatus = 'open' | 'paid' | 'missed' | 'written_off';

interface InvoiceModel {
  invoiceId: string;
  owed: number;
  dueDate: string;
  status: InvoiceStatus;
  arrangedUntil: string | null;
  /** Day the client pays what is owed (null: not by itself). */
  payOn: string | null;
  /** Day the client calls to agree an arrangement. */
  arrangeOn: string | null;
  keepsPromise: boolean;
  operatorRecordsMissed: boolean;
  manualSuspension: boolean;
}

type Stage = 'analyze' | 'propose' | 'decide' | 'document' | 'reassess' | 'educate' | 'renegotiate' | 'migrate' | 'recommend' | 'approve' | 'close';
type Outcome = 'resolved' | 'retained' | 'migrated' | 'terminated' | 'withdrawn';

interface CaseModel {
  caseId: string;
  kind: string;
  stage: Stage;
  nextOn: string;
  outcome: Outcome;
  oneSided: boolean;
  approved: boolean;
  rejected: boolean;
  migrated: boolean;
  retries: number;
  effectiveDate: string | null;
}

interface Traits {
  needsService: boolean;
  valuesService: boolean;
  canPay: boolean;
  risk: number;
  costly: boolean;
  complainer: boolean;
}

interface SubModel {
  index: number;
  id: string;
  rng: Rng;
  segment: Segment;
  plan: SimPlan;
  rep: SalesRep;
  enrolOn: string;
  name: string;
  noticeDays: number | null;
  traits: Traits;
  status: Status;
  suspension: { writtenOff: boolean; since: string } | null;
  invoices: Map<string, InvoiceModel>;
  notice: string | null;
  pendingCancellation: boolean;
  requestedEffectiveDate: string | null;
  cases: CaseModel[];
  complaintsSinceCase: number;
  seq: number;
}

/** Per-subscriber time within a day: strictly business hours, never backwards. */
class DayClock {
  private minute = START_MINUTE;
  constructor(
    readonly date: string,
    private readonly rng: Rng,
    private readonly lastMinute: number,
  ) {}
  next(): string {
    this.minute = Math.min(this.lastMinute, this.minute + this.rng.int(2, 20));
    return new Date(dayMs(this.date) + this.minute * 60_000).toISOString();
  }
}

export interface SimulationProgress {
  day: number;
  days: number;
  date: string;
  commands: number;
  refusals: number;
  failures: number;
}

export interface SimulationHooks {
  onProgress?: (progress: SimulationProgress) => void;
}

/** Thrown inside the run when failures exceed `maxFailures`; the summary is still returned. */
class AbortRun extends Error {}

async function pool<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  if (concurrency <= 1) {
    for (const item of items) await work(item);
    return;
  }
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  });
  await Promise.all(workers);
}

const inc = (counts: Record<string, number>, key: string, by = 1): void => {
  counts[key] = (counts[key] ?? 0) + by;
};

class Simulation {
  private readonly summary: SimulationSummary;
  private readonly subs: SubModel[] = [];
  private readonly enrolments = new Map<string, SubModel[]>();
  private readonly lastMinute: number;

  constructor(
    private readonly o: SimulationOptions,
    private readonly target: SimulationTarget,
    private readonly hooks: SimulationHooks,
  ) {
    this.summary = emptySummary(o);
    this.lastMinute = o.tickHour * 60 - 5;
  }

  async run(): Promise<SimulationSummary> {
    const start = `${this.o.startMonth}-01`;
    const endExclusive = (() => {
      const [y, m] = this.o.startMonth.split('-').map(Number) as [number, number];
      return dateOf(Date.UTC(y, m - 1 + this.o.months, 1));
    })();
    const days = daysBetween(start, endExclusive);
    this.planCompany(start, days);
    this.summary.from = start;
    try {
      for (let d = 0; d < days; d++) {
        const date = addDays(start, d);
        const today = this.subs.filter((s) => (s.status === 'prospect' ? s.enrolOn === date : s.status !== 'lost'));
        await pool(today, this.o.concurrency, (s) => this.live(s, date));
        await this.tick(date);
        this.summary.days = d + 1;
        this.summary.to = new Date(dayMs(date) + this.o.tickHour * 3_600_000).toISOString();
        this.hooks.onProgress?.({
          day: d + 1,
          days,
          date,
          commands: this.summary.commands,
          refusals: this.summary.refusals,
          failures: this.summary.failures,
        });
      }
    } catch (e) {
      if (!(e instanceof AbortRun)) throw e;
      this.summary.aborted = true;
    }
    for (const s of this.subs) if (s.status !== 'prospect') inc(this.summary.subscribersByStatus, s.status === 'lost' ? 'not_enrolled' : s.status);
    return this.summary;
  }

  // ---------------------------------------------------------------- the company's book

  /** Draws every future sale up front (who, when, by whom), from one calendar PRNG. */
  private planCompany(start: string, days: number): void {
    const o = this.o;
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
      const sub: SubModel = {
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
      };
      this.subs.push(sub);
      const list = this.enrolments.get(enrolOn) ?? [];
      list.push(sub);
      this.enrolments.set(enrolOn, list);
    }
  }

  // ---------------------------------------------------------------- talking to the target

  /** Sends one command; `null` when refused or failed (both counted). */
  private async send(sub: SubModel, clock: DayClock, type: string, data: Record<string, unknown>, actor: SimActor = OPERATOR): Promise<SimCommandResult | null> {
    const command = { type, data: { ...data, at: clock.next() } } as unknown as DomainCommand;
    const idempotencyKey = `${this.o.runId}-${this.o.seed}-${sub.index}-${sub.seq++}`;
    this.summary.commands++;
    inc(this.summary.commandsByType, type);
    try {
      const result = await this.target.execute(command, { actor, idempotencyKey });
      this.summary.succeeded++;
      inc(this.summary.succeededByType, type);
      for (const e of result.events) {
        this.summary.events++;
        inc(this.summary.eventsByType, e);
      }
      this.absorbFollowUps(sub, clock.date, result.events);
      return result;
    } catch (error) {
      const c = classifyError(error);
      if (c.kind === 'refusal') {
        this.summary.refusals++;
        inc(this.summary.refusalsByCode, c.code);
        inc(this.summary.refusalsByCommand, `${type}: ${c.code}`);
        await this.reread(sub, clock.date);
        return null;
      }
      this.fail(type, c.code, c.message);
      return null;
    }
  }

  private fail(command: string, code: string, message: string): void {
    this.summary.failures++;
    inc(this.summary.failuresByCode, code);
    if (this.summary.failureSamples.length < 20) this.summary.failureSamples.push({ command, code, message });
    if (this.summary.failures >= this.o.maxFailures) throw new AbortRun(message);
  }

  /** What the service's policies did in answer to a command, as far as the model cares. */
  private absorbFollowUps(sub: SubModel, date: string, events: readonly string[]): void {
    if (events.includes('ServiceSuspended')) {
      const writtenOff = events.includes('DebtWrittenOff');
      sub.status = 'suspended';
      sub.suspension = { writtenOff, since: date };
      if (writtenOff) for (const inv of sub.invoices.values()) if (inv.status === 'missed') Object.assign(inv, { status: 'written_off', owed: 0 });
    }
    if (events.includes('ServiceReinstated')) {
      sub.status = sub.notice ? 'notice' : 'active';
      sub.suspension = null;
    }
    if (events.includes('CancellationWithdrawn')) sub.pendingCancellation = false;
    if (events.includes('SubscriberTerminated')) this.terminated(sub);
  }

  private terminated(sub: SubModel): void {
    sub.status = 'terminated';
    sub.notice = null;
    sub.suspension = null;
    sub.pendingCancellation = false;
  }

  /** Re-aligns the model with the service (when the target can tell). */
  private async reread(sub: SubModel, date: string): Promise<void> {
    if (!this.target.getSubscriber || sub.status === 'prospect' || sub.status === 'lost') return;
    let snap: SubscriberSnapshot;
    try {
      this.summary.reads++;
      snap = await this.target.getSubscriber(sub.id);
    } catch (error) {
      const c = classifyError(error);
      if (c.kind === 'failure') this.fail('GetSubscriber', c.code, c.message);
      return;
    }
    sub.status = snap.status;
    sub.plan = { code: snap.plan.code, monthlyFee: snap.plan.monthlyFee };
    sub.notice = snap.notice && snap.status !== 'terminated' ? snap.notice.effectiveDate : null;
    sub.suspension = snap.suspension
      ? { writtenOff: snap.suspension.writtenOff, since: snap.suspension.since ? snap.suspension.since.slice(0, 10) : (sub.suspension?.since ?? date) }
      : null;
    sub.pendingCancellation = snap.pendingCancellation !== null && snap.pendingCancellation !== undefined;
    for (const i of snap.invoices) {
      const known = sub.invoices.get(i.invoiceId);
      if (known) Object.assign(known, { status: i.status, owed: i.owed, arrangedUntil: i.arrangedUntil });
      else sub.invoices.set(i.invoiceId, { ...this.unplannedInvoice(i.invoiceId, i.dueDate), status: i.status, owed: i.owed, arrangedUntil: i.arrangedUntil });
    }
    if (snap.openCases) this.mergeCases(sub, date, snap.openCases);
  }

  private unplannedInvoice(invoiceId: string, dueDate: string): InvoiceModel {
    return { invoiceId, owed: 0, dueDate, status: 'open', arrangedUntil: null, payOn: null, arrangeOn: null, keepsPromise: false, operatorRecordsMissed: false, manualSuspension: false };
  }

  /** Cases the service opened by itself (retention, profitability watch) join the model's work list. */
  private async discoverCases(sub: SubModel, date: string): Promise<void> {
    try {
      this.summary.reads++;
      this.mergeCases(sub, date, await this.target.openCases(sub.id));
    } catch (error) {
      const c = classifyError(error);
      if (c.kind === 'failure') this.fail('OpenCases', c.code, c.message);
    }
  }

  private mergeCases(sub: SubModel, date: string, open: ReadonlyArray<{ caseId: string; kind: string }>): void {
    const openIds = new Set(open.map((c) => c.caseId));
    sub.cases = sub.cases.filter((c) => openIds.has(c.caseId));
    for (const c of open) {
      if (sub.cases.some((k) => k.caseId === c.caseId)) continue;
      sub.cases.push(this.newCase(sub, c.caseId, c.kind, date));
    }
    // Stable order, so the work of a day does not depend on the order the service listed them in.
    sub.cases.sort((a, b) => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0));
  }

  private newCase(sub: SubModel, caseId: string, kind: string, date: string): CaseModel {
    const stage: Stage = kind === 'retention' ? 'analyze' : 'document';
    return {
      caseId,
      kind,
      stage,
      nextOn: addDays(date, sub.rng.int(1, 4)),
      outcome: 'withdrawn',
      oneSided: false,
      approved: false,
      rejected: false,
      migrated: false,
      retries: 0,
      effectiveDate: null,
    };
  }

  // ---------------------------------------------------------------- the scheduler pass

  private async tick(date: string): Promise<void> {
    const now = new Date(dayMs(date) + this.o.tickHour * 3_600_000).toISOString();
    this.summary.ticks++;
    try {
      const answer = (await this.target.tick(now)) as { events?: unknown } | undefined;
      if (answer && Array.isArray(answer.events)) {
        for (const e of answer.events) {
          this.summary.events++;
          inc(this.summary.eventsByType, String(e));
        }
      }
    } catch (error) {
      // A pass has no domain rule to refuse with: any error is a failure.
      this.fail('Tick', classifyError(error).code, error instanceof Error ? error.message : String(error));
      return;
    }
    const touched = this.subs.filter((s) => this.foresee(s, now, !this.target.getSubscriber));
    if (this.target.getSubscriber) await pool(touched, this.o.concurrency, (s) => this.reread(s, date));
  }

  /**
   * Whether the pass at `now` changed this subscriber (missed payments, suspension, termination),
   * mirroring the dunning policy; with `apply` the model takes the change on trust.
   */
  private foresee(sub: SubModel, now: string, apply: boolean): boolean {
    if (sub.status !== 'active' && sub.status !== 'suspended' && sub.status !== 'notice') return false;
    const t = Date.parse(now);
    const p = this.o.policy;
    let changed = false;
    for (const inv of sub.invoices.values()) {
      if (inv.status === 'open' && inv.owed > 0 && Math.floor((t - dayMs(inv.dueDate)) / DAY_MS) > p.graceDays) {
        changed = true;
        if (apply) inv.status = 'missed';
      }
    }
    const terminating = sub.notice !== null && t >= dayMs(sub.notice);
    const missed = [...sub.invoices.values()].filter((i) => (i.status === 'missed' || (!apply && i.status === 'open' && Math.floor((t - dayMs(i.dueDate)) / DAY_MS) > p.graceDays)) && i.owed > 0);
    const trigger = (i: InvoiceModel) => (i.arrangedUntil !== null ? dayMs(i.arrangedUntil) + DAY_MS : dayMs(i.dueDate) + p.suspendAfterDays * DAY_MS);
    if (!terminating && (sub.status === 'active' || sub.status === 'notice') && missed.some((i) => t >= trigger(i))) {
      changed = true;
      if (apply) {
        sub.status = 'suspended';
        sub.suspension = { writtenOff: p.writeOffOnSuspension, since: dateOf(t) };
        if (p.writeOffOnSuspension) for (const i of missed) Object.assign(i, { status: 'written_off', owed: 0 });
      }
    }
    if (terminating) {
      changed = true;
      if (apply) this.terminated(sub);
    }
    return changed;
  }

  // ---------------------------------------------------------------- one subscriber's day

  private async live(sub: SubModel, date: string): Promise<void> {
    const clock = new DayClock(date, sub.rng, this.lastMinute);
    if (sub.status === 'prospect') {
      await this.enrol(sub, clock);
      return;
    }
    await this.invoicing(sub, clock);
    await this.collections(sub, clock);
    if (sub.status === 'terminated') {
      await this.winBack(sub, clock);
    } else {
      if (sub.status === 'suspended') await this.whileSuspended(sub, clock);
      if (sub.status === 'active' || sub.status === 'notice') await this.serviceLife(sub, clock);
    }
    for (const c of [...sub.cases]) if (c.nextOn <= date) await this.advanceCase(sub, c, clock);
  }

  private async enrol(sub: SubModel, clock: DayClock): Promise<void> {
    const { traits: t, rng } = sub;
    const data: Record<string, unknown> = {
      subscriberId: sub.id,
      name: sub.name,
      segment: sub.segment,
      plan: { code: sub.plan.code, monthlyFee: sub.plan.monthlyFee, currency: this.o.currency },
      salesRepId: sub.rep.id,
      qualification: { needsService: t.needsService, valuesService: t.valuesService, canPay: t.canPay },
    };
    if (sub.noticeDays !== null) data['noticeDays'] = sub.noticeDays;
    const qualified = t.needsService && t.valuesService && t.canPay;
    if (!qualified) {
      // The rep first tries without an override; the rule refuses, and a manager may push it through.
      if (rng.chance(0.4)) await this.send(sub, clock, 'EnrollSubscriber', data);
      if (!rng.chance(0.5 + 0.5 * (1 - sub.rep.quality))) {
        sub.status = 'lost';
        return;
      }
      data['override'] = { by: 'sales-manager', justification: `${sub.rep.id} vouches for the client; closing the month's quota` };
    }
    const r = await this.send(sub, clock, 'EnrollSubscriber', data);
    sub.status = r ? 'active' : 'lost';
    // The first month is billed at signup (with the installation), due within the week.
    if (r) await this.issueInvoice(sub, clock, this.period(clock.date), addDays(clock.date, 5), true);
  }

  private period(date: string): string {
    return date.slice(0, 7);
  }

  private async invoicing(sub: SubModel, clock: DayClock): Promise<void> {
    const date = clock.date;
    if (Number(date.slice(8, 10)) !== this.o.invoiceDay || (sub.status !== 'active' && sub.status !== 'notice')) return;
    const period = this.period(date);
    await this.issueInvoice(sub, clock, period, `${period}-${String(this.o.dueDay).padStart(2, '0')}`, false);
  }

  /** Issues the period's invoice (once) and draws how the client will pay it. */
  private async issueInvoice(sub: SubModel, clock: DayClock, period: string, dueDate: string, atSignup: boolean): Promise<void> {
    const date = clock.date;
    const invoiceId = `inv-${period}`;
    if (sub.invoices.has(invoiceId) || sub.plan.monthlyFee <= 0) return;
    const r = await this.send(sub, clock, 'IssueInvoice', { subscriberId: sub.id, invoiceId, period, amount: sub.plan.monthlyFee, dueDate });
    if (!r) return;
    const { rng, traits } = sub;
    const o = this.o;
    const inv: InvoiceModel = { ...this.unplannedInvoice(invoiceId, dueDate), owed: sub.plan.monthlyFee };
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
    sub.invoices.set(invoiceId, inv);
  }

  private async collections(sub: SubModel, clock: DayClock): Promise<void> {
    const date = clock.date;
    const { rng, o } = { rng: sub.rng, o: this.o };
    for (const inv of [...sub.invoices.values()]) {
      if (inv.owed <= 0 || inv.status === 'paid' || inv.status === 'written_off') continue;
      const serving = sub.status === 'active' || sub.status === 'notice';
      if (serving && inv.status === 'open' && date === inv.dueDate && inv.payOn !== null && inv.payOn > date && rng.chance(o.slipRate)) {
        // Collections jumps the gun on the due date itself: refused (`payment-not-missed`).
        await this.send(sub, clock, 'RecordMissedPayment', { subscriberId: sub.id, invoiceId: inv.invoiceId });
      }
      if (serving && inv.status === 'open' && inv.operatorRecordsMissed && inv.payOn !== date && date === addDays(inv.dueDate, o.policy.graceDays + 1)) {
        const r = await this.send(sub, clock, 'RecordMissedPayment', { subscriberId: sub.id, invoiceId: inv.invoiceId });
        if (r) inv.status = 'missed';
      }
      if (serving && inv.status === 'missed' && date === addDays(inv.dueDate, 8) && rng.chance(0.5)) {
        await this.send(sub, clock, 'SendPaymentReminder', { subscriberId: sub.id, invoiceId: inv.invoiceId, tone: 'firm' });
      }
      if (inv.arrangeOn === date && inv.arrangedUntil === null && sub.status !== 'terminated') {
        if (rng.chance(o.slipRate * 3)) {
          // A generous promise the rule does not allow (`arrangement-too-long`), then the short one.
          await this.send(sub, clock, 'AgreePaymentArrangement', { subscriberId: sub.id, invoiceIds: [inv.invoiceId], payBy: addDays(date, rng.int(35, 60)) });
        }
        const payBy = addDays(date, rng.int(5, 25));
        const r = await this.send(sub, clock, 'AgreePaymentArrangement', { subscriberId: sub.id, invoiceIds: [inv.invoiceId], payBy });
        if (r) {
          inv.arrangedUntil = payBy;
          if (inv.keepsPromise) inv.payOn = addDays(date, rng.int(1, daysBetween(date, payBy)));
        }
      }
      if (serving && inv.manualSuspension && inv.status === 'missed' && date === addDays(inv.dueDate, 10)) {
        // Collections suspends by hand and keeps the debt: paying it later reinstates automatically.
        await this.send(sub, clock, 'SuspendService', { subscriberId: sub.id, reason: 'non_payment', writeOff: false });
      }
      if (inv.payOn === date && inv.owed > 0 && (inv.status === 'open' || inv.status === 'missed')) await this.pay(sub, clock, inv);
    }
  }

  private async pay(sub: SubModel, clock: DayClock, inv: InvoiceModel): Promise<void> {
    if (sub.rng.chance(this.o.slipRate)) {
      // A typo in the amount: refused (`overpayment`), then recorded right.
      await this.send(sub, clock, 'RecordPayment', { subscriberId: sub.id, invoiceId: inv.invoiceId, amount: inv.owed + 100 });
    }
    const r = await this.send(sub, clock, 'RecordPayment', { subscriberId: sub.id, invoiceId: inv.invoiceId, amount: inv.owed });
    if (r) Object.assign(inv, { status: 'paid', owed: 0 });
  }

  private async whileSuspended(sub: SubModel, clock: DayClock): Promise<void> {
    const { rng, o } = { rng: sub.rng, o: this.o };
    const date = clock.date;
    const s = sub.suspension ?? { writtenOff: o.policy.writeOffOnSuspension, since: date };
    const nonPaymentCase = sub.cases.some((c) => c.kind === 'non_payment');
    if (!nonPaymentCase && rng.chance(o.comeBackPerDay)) {
      if (s.writtenOff) {
        // Whatever fell due after the write-off is settled first: reinstatement needs no missed debt.
        for (const inv of [...sub.invoices.values()]) if (inv.status === 'missed' && inv.owed > 0) await this.pay(sub, clock, inv);
        const r = await this.send(sub, clock, 'ReinstateService', { subscriberId: sub.id, reason: 'The client asked to come back; the debt was written off at suspension' });
        if (r) {
          sub.status = sub.notice ? 'notice' : 'active';
          sub.suspension = null;
        }
      } else {
        for (const inv of [...sub.invoices.values()]) if (inv.status === 'missed' && inv.owed > 0 && sub.status === 'suspended') await this.pay(sub, clock, inv);
      }
      return;
    }
    if (!nonPaymentCase && sub.notice === null && daysBetween(s.since, date) >= o.suspensionCaseAfterDays) {
      const caseId = rng.uuid();
      const r = await this.send(sub, clock, 'OpenCase', {
        caseId,
        subscriberId: sub.id,
        kind: 'non_payment',
        summary: `Suspended for non-payment since ${s.since}; the client does not answer`,
        openedBy: 'collections',
      });
      if (r) sub.cases.push(this.newCase(sub, caseId, 'non_payment', date));
    }
  }

  private async serviceLife(sub: SubModel, clock: DayClock): Promise<void> {
    const { rng, o, traits } = { rng: sub.rng, o: this.o, traits: sub.traits };
    const b2b = sub.segment === 'b2b';
    const m = traits.costly ? o.costlyMultiplier : 1;
    const costs: Array<Record<string, unknown>> = [];
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
      const r = await this.send(sub, clock, 'LogComplaint', { subscriberId: sub.id, category, description: rng.pick(COMPLAINT_TEXTS[category] ?? ['Complaint']) });
      if (r) sub.complaintsSinceCase++;
      if (rng.chance(0.5)) costs.push({ kind: 'complaint_handling', amount: rng.int(500, 1500), minutes: rng.int(10, 30) });
    }
    for (const cost of costs) {
      const r = await this.send(sub, clock, 'RecordCostToServe', { subscriberId: sub.id, ...cost });
      if (r?.events.includes('CaseOpened')) await this.discoverCases(sub, clock.date);
    }
    if (sub.complaintsSinceCase >= o.complaintsCaseThreshold && !sub.cases.some((c) => c.kind === 'complaints')) {
      const caseId = rng.uuid();
      const r = await this.send(sub, clock, 'OpenCase', {
        caseId,
        subscriberId: sub.id,
        kind: 'complaints',
        summary: `${sub.complaintsSinceCase} complaints in a short time`,
        openedBy: 'account-manager',
      });
      sub.complaintsSinceCase = 0;
      if (r) sub.cases.push(this.newCase(sub, caseId, 'complaints', clock.date));
    }
    if (sub.status !== 'active' && sub.status !== 'notice') return;
    if (sub.status === 'active' && rng.chance(o.planChangePerMonth / 30)) {
      const others = o.plans[sub.segment].filter((p) => p.code !== sub.plan.code);
      if (others.length > 0) {
        const to = rng.pick(others);
        const r = await this.send(sub, clock, 'ChangePlan', {
          subscriberId: sub.id,
          to: { code: to.code, monthlyFee: to.monthlyFee },
          reason: to.monthlyFee > sub.plan.monthlyFee ? 'upgrade' : 'downgrade',
        });
        if (r) sub.plan = { ...to };
      }
    }
    const cancelRate = o.cancellationPerMonth[sub.segment] * (traits.valuesService ? 1 : 3) * (traits.complainer ? 2 : 1);
    if (sub.status === 'active' && !sub.pendingCancellation && !sub.cases.some((c) => c.kind === 'retention') && rng.chance(cancelRate / 30)) {
      const data: Record<string, unknown> = { subscriberId: sub.id, reason: rng.pick(CANCELLATION_REASONS) };
      const requested = rng.chance(0.5) ? addDays(clock.date, rng.int(15, 75)) : null;
      if (requested) data['requestedEffectiveDate'] = requested;
      const r = await this.send(sub, clock, 'RequestCancellation', data);
      if (r) {
        sub.pendingCancellation = true;
        sub.requestedEffectiveDate = requested;
        if (r.events.includes('CaseOpened')) await this.discoverCases(sub, clock.date);
      }
    }
  }

  private async winBack(sub: SubModel, clock: DayClock): Promise<void> {
    if (!sub.rng.chance(this.o.winBackPerMonth / 30)) return;
    // The client settles what is still owed, then comes back (reactivation needs no missed debt).
    for (const inv of [...sub.invoices.values()]) if ((inv.status === 'open' || inv.status === 'missed') && inv.owed > 0) await this.pay(sub, clock, inv);
    const plans = this.o.plans[sub.segment];
    const plan = sub.rng.chance(0.6) ? sub.plan : (plans[0] as SimPlan);
    const r = await this.send(sub, clock, 'ReactivateSubscriber', { subscriberId: sub.id, plan: { code: plan.code, monthlyFee: plan.monthlyFee, currency: this.o.currency } });
    if (r) {
      sub.status = 'active';
      sub.plan = { ...plan };
      sub.complaintsSinceCase = 0;
      // Those who come back on good terms are better payers.
      sub.traits.risk = Math.max(this.o.baseLatePaymentRisk, sub.traits.risk * 0.6);
    }
  }

  // ---------------------------------------------------------------- cases

  private minNotice(sub: SubModel, kind: string | null): number {
    if (kind === 'non_payment') return 15;
    return sub.noticeDays ?? (sub.segment === 'b2b' ? 60 : 15);
  }

  private closeSoon(sub: SubModel, c: CaseModel, date: string, outcome: Outcome): void {
    c.outcome = outcome;
    c.stage = 'close';
    c.nextOn = addDays(date, sub.rng.int(1, 3));
  }

  private async advanceCase(sub: SubModel, c: CaseModel, clock: DayClock): Promise<void> {
    const { rng, o } = { rng: sub.rng, o: this.o };
    const date = clock.date;
    const later = (min: number, max: number) => addDays(date, rng.int(min, max));
    if (c.stage !== 'close') {
      if (sub.status === 'terminated') return this.closeSoon(sub, c, date, c.approved || c.rejected ? 'terminated' : 'withdrawn');
      if (c.kind === 'non_payment' && sub.status !== 'suspended' && !c.approved) return this.closeSoon(sub, c, date, 'resolved');
    }
    const ids = { caseId: c.caseId };
    switch (c.stage) {
      case 'analyze': {
        const f = rng.pick(USAGE_FINDINGS);
        await this.send(sub, clock, 'AnalyzeUsage', { ...ids, findings: f.findings, causes: [...f.causes] });
        c.stage = 'propose';
        c.nextOn = later(1, 4);
        return;
      }
      case 'propose': {
        const oneSided = !c.oneSided && c.retries === 0 && rng.chance(o.slipRate * 3);
        const actions = [{ owner: 'provider', description: 'Visit to retrain the family on the panel and the app', dueDate: addDays(date, 7) }];
        if (!oneSided) actions.push({ owner: 'client', description: 'Update the emergency contacts and arm the system every night', dueDate: addDays(date, 14) });
        const data: Record<string, unknown> = { ...ids, actions };
        if (rng.chance(0.3)) data['goodwillGesture'] = 'One month at half price';
        const r = await this.send(sub, clock, 'ProposeRetentionPlan', data);
        c.oneSided = oneSided;
        if (!r) return this.closeSoon(sub, c, date, 'withdrawn');
        c.stage = 'decide';
        c.nextOn = later(2, 7);
        return;
      }
      case 'decide': {
        const p = Math.min(0.95, o.retentionSuccess * (sub.traits.valuesService ? 1.2 : 0.5));
        if (rng.chance(p)) {
          const r = await this.send(sub, clock, 'AgreeRetentionPlan', { ...ids, agreedBy: sub.name });
          if (r) {
            sub.pendingCancellation = false;
            return this.closeSoon(sub, c, date, 'retained');
          }
          if (c.oneSided && c.retries < 2) {
            // The plan lacked the client's commitment: propose a mutual one.
            c.retries++;
            c.stage = 'propose';
            c.nextOn = later(1, 2);
            return;
          }
          return this.closeSoon(sub, c, date, 'withdrawn');
        }
        const min = addDays(date, this.minNotice(sub, null));
        let effectiveDate = addDays(min, rng.int(0, 10));
        if (sub.requestedEffectiveDate && sub.requestedEffectiveDate > effectiveDate) effectiveDate = sub.requestedEffectiveDate;
        const reason = 'The client keeps the decision to leave';
        if (rng.chance(o.slipRate * 3)) await this.send(sub, clock, 'RejectRetentionPlan', { ...ids, reason, effectiveDate: addDays(min, -3) });
        const r = await this.send(sub, clock, 'RejectRetentionPlan', { ...ids, reason, effectiveDate });
        if (r) {
          c.rejected = true;
          sub.pendingCancellation = false;
          if (r.events.includes('TerminationNoticeGiven')) {
            sub.notice = effectiveDate;
            if (sub.status === 'active') sub.status = 'notice';
          }
          return this.closeSoon(sub, c, date, 'terminated');
        }
        return this.closeSoon(sub, c, date, 'withdrawn');
      }
      case 'document': {
        const description =
          c.kind === 'non_payment'
            ? 'Three calls and an e-mail about the overdue invoice went unanswered'
            : c.kind === 'complaints'
              ? `Complaints logged: ${rng.pick(COMPLAINT_CATEGORIES)} and others`
              : 'False alarms and technician visits exceed what the client pays';
        await this.send(sub, clock, 'DocumentIncident', { ...ids, description, incidentAt: new Date(dayMs(date) - DAY_MS).toISOString() });
        c.stage = c.kind === 'non_payment' ? 'recommend' : 'reassess';
        c.nextOn = later(2, 7);
        return;
      }
      case 'reassess':
      case 'educate':
      case 'renegotiate':
      case 'migrate':
        return this.remedyStep(sub, c, clock, c.stage);
      case 'recommend': {
        const effectiveDate = addDays(date, this.minNotice(sub, c.kind) + rng.int(3, 15));
        const data: Record<string, unknown> = {
          ...ids,
          reasons: [c.kind === 'non_payment' ? 'Unpaid invoices and no answer from the client' : 'Cost to serve exceeds revenue after every remedy step'],
          effectiveDate,
          recommendedProvider: rng.pick(COMPETITORS),
          transitionSupport: true,
        };
        if (rng.chance(o.slipRate * 3)) {
          const { recommendedProvider: _omitted, ...withoutProvider } = data;
          await this.send(sub, clock, 'RecommendTermination', withoutProvider);
        }
        const r = await this.send(sub, clock, 'RecommendTermination', data);
        if (!r) return this.closeSoon(sub, c, date, 'withdrawn');
        c.effectiveDate = effectiveDate;
        c.stage = 'approve';
        c.nextOn = later(1, 6);
        return;
      }
      case 'approve': {
        if (rng.chance(0.1)) return this.closeSoon(sub, c, date, 'resolved'); // the executives give one more chance
        const r = await this.send(sub, clock, 'ApproveTermination', { ...ids, approvedBy: 'executive-committee' }, EXECUTIVE);
        if (r) {
          c.approved = true;
          if (r.events.includes('TerminationNoticeGiven') && c.effectiveDate) {
            sub.notice = c.effectiveDate;
            if (sub.status === 'active') sub.status = 'notice';
          }
          return this.closeSoon(sub, c, date, 'terminated');
        }
        if (c.retries++ < 3) {
          // Approved too late for the recommended date (`notice-too-short`): recommend again.
          c.stage = 'recommend';
          c.nextOn = later(0, 2);
          return;
        }
        return this.closeSoon(sub, c, date, 'withdrawn');
      }
      case 'close': {
        const r = await this.send(sub, clock, 'CloseCase', { ...ids, outcome: c.outcome });
        if (!r && c.outcome !== 'withdrawn' && !c.approved) await this.send(sub, clock, 'CloseCase', { ...ids, outcome: 'withdrawn' });
        sub.cases = sub.cases.filter((k) => k !== c);
        return;
      }
    }
  }

  private async remedyStep(sub: SubModel, c: CaseModel, clock: DayClock, step: 'reassess' | 'educate' | 'renegotiate' | 'migrate'): Promise<void> {
    const { rng, o } = { rng: sub.rng, o: this.o };
    const date = clock.date;
    const order: Array<typeof step> = ['reassess', 'educate', 'renegotiate', 'migrate'];
    const advance = () => {
      const next = order[order.indexOf(step) + 1];
      c.stage = next ?? 'recommend';
      c.nextOn = addDays(date, rng.int(5, 15));
    };
    if (step === 'migrate' && rng.chance(o.slipRate * 3)) {
      // Someone wants them gone before the last step: refused (`remedy-steps-incomplete`).
      await this.send(sub, clock, 'RecommendTermination', {
        caseId: c.caseId,
        reasons: ['Too costly'],
        effectiveDate: addDays(date, this.minNotice(sub, c.kind) + 5),
        recommendedProvider: rng.pick(COMPETITORS),
        transitionSupport: true,
      });
    }
    if (step !== 'reassess' && rng.chance(o.remedySkip)) {
      await this.send(sub, clock, 'SkipRemedyStep', { caseId: c.caseId, step, justification: `Not applicable: ${step} was already tried with this client last year` });
      return advance();
    }
    // A client who is not chronically costly, complaining or defaulting was usually a one-off spike.
    const chronic = sub.traits.costly || sub.traits.complainer || sub.traits.risk > 0.25;
    const improved = rng.chance(chronic ? o.remedyImproves : o.remedyImprovesOneOff);
    const outcome = improved ? 'improved' : rng.chance(0.5) ? 'no_change' : 'declined';
    const notes: Record<typeof step, string> = {
      reassess: 'Reviewed costs, alarms and complaints of the last 90 days with the client',
      educate: 'Trained the client on arming zones and the app',
      renegotiate: 'Offered a plan whose price covers the visits',
      migrate: 'Proposed another plan, prepaid or a partner better suited to the client',
    };
    const r = await this.send(sub, clock, 'TakeRemedyStep', { caseId: c.caseId, step, notes: notes[step], outcome });
    if (!r || !improved) return advance();
    if (step === 'reassess' || step === 'educate') {
      sub.traits.costly = false;
      sub.traits.complainer = false;
      return this.closeSoon(sub, c, date, 'resolved');
    }
    if (step === 'renegotiate') {
      const to = { code: `${sub.plan.code}-renegotiated`, monthlyFee: Math.round((sub.plan.monthlyFee * 1.25) / 10) * 10 };
      const ok = await this.send(sub, clock, 'ChangePlan', { subscriberId: sub.id, to, reason: 'renegotiated' });
      if (ok) sub.plan = to;
      return this.closeSoon(sub, c, date, 'resolved');
    }
    const choice = sub.segment === 'b2b' ? rng.pick(['partner', 'channel', 'plan'] as const) : rng.pick(['prepaid', 'plan', 'partner'] as const);
    const data: Record<string, unknown> = { subscriberId: sub.id, target: choice, caseId: c.caseId };
    const cheapest = o.plans[sub.segment][0] as SimPlan;
    if (choice === 'plan') data['toPlan'] = { code: cheapest.code, monthlyFee: cheapest.monthlyFee, currency: o.currency };
    if (choice === 'partner') data['partner'] = rng.pick(PARTNERS);
    if (choice === 'channel') data['channel'] = 'reseller';
    const m = await this.send(sub, clock, 'MigrateClient', data);
    if (m) {
      c.migrated = true;
      if (choice === 'plan') sub.plan = { ...cheapest };
      if (choice === 'prepaid') sub.traits.risk = 0.01;
      sub.traits.costly = false;
    }
    return this.closeSoon(sub, c, date, m ? 'migrated' : 'resolved');
  }
}

/**
 * Runs the simulated company against `target` and answers what happened: commands by type,
 * refusals by rule code, events by type, subscribers by final status, failures.
 *
 * @example
 * const summary = await runSimulation({ subscribers: 50, months: 12, seed: 7 }, new InMemoryDomainTarget());
 */
export async function runSimulation(options: Partial<SimulationOptions>, target: SimulationTarget, hooks: SimulationHooks = {}): Promise<SimulationSummary> {
  return new Simulation(resolveOptions(options), target, hooks).run();
}
