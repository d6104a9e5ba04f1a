/**
 * The company simulator: a day-by-day model of a recurring-service business (alarm monitoring by
 * default) that issues real commands to a {@link SimulationTarget}. Each subscriber lives on its own
 * seeded PRNG, so its story depends only on the seed, the options and the service's answers about
 * that subscriber: the same seed replays the same commands.
 *
 * This file runs the days and talks to the target; the model is in model.ts, the book of sales,
 * payment draws and the (domain's) scheduler pass in planning.ts, and what people do in
 * behaviours/. The model keeps its own view of each subscriber from the command answers and from
 * what the domain's scheduler pass does to that view; when the target can `getSubscriber`, it
 * re-reads the subscribers a pass touched and after every refusal, so it stays aligned with the
 * service and most of what it sends is valid.
 */
import type { DomainCommand } from '@libs/domain';
import { advanceCase } from './behaviours/cases.js';
import { collections, enrol, invoicing, serviceLife, whileSuspended, winBack } from './behaviours/subscriber-life.js';
import { addDays, dateOf, dayMs, daysBetween, DayClock, markTerminated, newCase, OPERATOR, unplannedInvoice, type SimCommand, type SimContext, type SubModel } from './model.js';
import { resolveOptions, type SimulationOptions } from './options.js';
import { foreseePass, planCompany } from './planning.js';
import { classifyError, type SimActor, type SimCommandResult, type SimulationTarget, type SubscriberSnapshot } from './target.js';
import { emptySummary, type SimulationSummary } from './summary.js';

export { EXECUTIVE, OPERATOR } from './model.js';

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

class Simulation implements SimContext {
  private readonly summary: SimulationSummary;
  private subs: SubModel[] = [];
  private readonly lastMinute: number;

  constructor(
    readonly o: SimulationOptions,
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
    this.subs = planCompany(this.o, start, days);
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

  // ---------------------------------------------------------------- talking to the target

  /** Sends one command; `null` when refused or failed (both counted). */
  async send(sub: SubModel, clock: DayClock, sim: SimCommand, actor: SimActor = OPERATOR): Promise<SimCommandResult | null> {
    const type = sim.type;
    // The union is kept per member by the mapped type; adding `at` restores the domain's command.
    const command = { type, data: { ...sim.data, at: clock.next() } } as DomainCommand;
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
    if (events.includes('SubscriberTerminated')) markTerminated(sub);
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
      else sub.invoices.set(i.invoiceId, { ...unplannedInvoice(i.invoiceId, i.dueDate), status: i.status, owed: i.owed, arrangedUntil: i.arrangedUntil });
    }
    if (snap.openCases) this.mergeCases(sub, date, snap.openCases);
  }

  /** Cases the service opened by itself (retention, profitability watch) join the model's work list. */
  async discoverCases(sub: SubModel, date: string): Promise<void> {
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
      sub.cases.push(newCase(sub, c.caseId, c.kind, date));
    }
    // Stable order, so the work of a day does not depend on the order the service listed them in.
    sub.cases.sort((a, b) => (a.caseId < b.caseId ? -1 : a.caseId > b.caseId ? 1 : 0));
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
    const touched = this.subs.filter((s) => foreseePass(s, now, this.o.policy, this.o.currency, !this.target.getSubscriber));
    if (this.target.getSubscriber) await pool(touched, this.o.concurrency, (s) => this.reread(s, date));
  }

  // ---------------------------------------------------------------- one subscriber's day

  private async live(sub: SubModel, date: string): Promise<void> {
    const clock = new DayClock(date, sub.rng, this.lastMinute);
    if (sub.status === 'prospect') {
      await enrol(this, sub, clock);
      return;
    }
    await invoicing(this, sub, clock);
    await collections(this, sub, clock);
    if (sub.status === 'terminated') {
      await winBack(this, sub, clock);
    } else {
      if (sub.status === 'suspended') await whileSuspended(this, sub, clock);
      if (sub.status === 'active' || sub.status === 'notice') await serviceLife(this, sub, clock);
    }
    for (const c of [...sub.cases]) if (c.nextOn <= date) await advanceCase(this, sub, c, clock);
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
