import { jest } from '@jest/globals';
import type { DomainCommand } from '@libs/domain';
import { validateCommand } from '@libs/domain';
import { InMemoryDomainTarget } from './domain-target.js';
import { runSimulation } from './simulation.js';
import { TargetError, type SimActor, type SimCommandResult, type SimulationTarget } from './target.js';

/** Accepts everything and remembers it: the model alone decides what is sent. */
class RecordingTarget implements SimulationTarget {
  readonly sent: Array<{ command: DomainCommand; actor: SimActor; idempotencyKey?: string }> = [];
  readonly ticks: string[] = [];
  async execute(command: DomainCommand, options: { actor: SimActor; idempotencyKey?: string }): Promise<SimCommandResult> {
    this.sent.push({ command, ...options });
    return { id: 'x', version: 0, position: String(this.sent.length), events: [] };
  }
  async tick(now: string): Promise<unknown> {
    this.ticks.push(now);
    return { events: [] };
  }
  async openCases(): Promise<Array<{ caseId: string; kind: string }>> {
    return [];
  }
}

const SMALL = { subscribers: 40, months: 6 };

const EXPECTED_COMMANDS = [
  'EnrollSubscriber',
  'IssueInvoice',
  'RecordPayment',
  'RecordMissedPayment',
  'AgreePaymentArrangement',
  'SuspendService',
  'ReinstateService',
  'RecordCostToServe',
  'LogComplaint',
  'ChangePlan',
  'MigrateClient',
  'RequestCancellation',
  'ReactivateSubscriber',
  'OpenCase',
  'DocumentIncident',
  'TakeRemedyStep',
  'SkipRemedyStep',
  'AnalyzeUsage',
  'ProposeRetentionPlan',
  'AgreeRetentionPlan',
  'RejectRetentionPlan',
  'RecommendTermination',
  'ApproveTermination',
  'CloseCase',
];

describe('runSimulation', () => {
  it('sends the same commands for the same seed (recording target)', async () => {
    const a = new RecordingTarget();
    const b = new RecordingTarget();
    await runSimulation({ ...SMALL, seed: 11 }, a);
    await runSimulation({ ...SMALL, seed: 11 }, b);
    expect(a.sent.length).toBeGreaterThan(200);
    expect(JSON.stringify(b.sent)).toBe(JSON.stringify(a.sent));
    expect(b.ticks).toEqual(a.ticks);
  });

  it('replays commands and event log exactly on the domain target, and another seed tells another story', async () => {
    const a = new InMemoryDomainTarget();
    const b = new InMemoryDomainTarget();
    const c = new InMemoryDomainTarget();
    const sa = await runSimulation({ subscribers: 60, months: 12, seed: 7 }, a);
    const sb = await runSimulation({ subscribers: 60, months: 12, seed: 7 }, b);
    await runSimulation({ subscribers: 60, months: 12, seed: 8 }, c);
    expect(JSON.stringify(b.commands)).toBe(JSON.stringify(a.commands));
    expect(JSON.stringify(b.log)).toBe(JSON.stringify(a.log));
    expect(sb).toEqual(sa);
    expect(JSON.stringify(c.commands)).not.toBe(JSON.stringify(a.commands));
    const enrolled = (t: InMemoryDomainTarget) => t.log.filter((e) => e.type === 'SubscriberEnrolled').map((e) => e.streamId);
    expect(enrolled(c)).not.toEqual(enrolled(a));
  });

  it('writes the same log per stream with a day\'s subscribers in flight at once as one at a time', async () => {
    // Given the same seed run one subscriber at a time and 16 at a time
    const serial = new InMemoryDomainTarget();
    const concurrent = new InMemoryDomainTarget();
    const again = new InMemoryDomainTarget();
    const s1 = await runSimulation({ subscribers: 60, months: 12, seed: 7 }, serial);
    const s16 = await runSimulation({ subscribers: 60, months: 12, seed: 7, concurrency: 16 }, concurrent);
    await runSimulation({ subscribers: 60, months: 12, seed: 7, concurrency: 16 }, again);
    // When each log is grouped by stream (the global interleaving is the only thing allowed to differ)
    const byStream = (t: InMemoryDomainTarget) => {
      const streams = new Map<string, Array<{ version: number; type: string; data: unknown }>>();
      for (const e of t.log) {
        const list = streams.get(e.streamId) ?? [];
        list.push({ version: e.version, type: e.type, data: e.data });
        streams.set(e.streamId, list);
      }
      return Object.fromEntries([...streams.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
    };
    // Then every stream holds the same events, and the summary the same counts
    expect(concurrent.log.length).toBeGreaterThan(1000);
    expect(byStream(concurrent)).toEqual(byStream(serial));
    expect(byStream(again)).toEqual(byStream(concurrent));
    expect(s16).toEqual(s1);
  }, 60_000);

  it('never reads a clock or Math.random', async () => {
    const random = jest.spyOn(Math, 'random');
    const now = jest.spyOn(Date, 'now');
    await runSimulation({ subscribers: 10, months: 2, seed: 3 }, new RecordingTarget());
    expect(random).not.toHaveBeenCalled();
    expect(now).not.toHaveBeenCalled();
    random.mockRestore();
    now.mockRestore();
  });

  it('runs a realistic mix: 200 subscribers × 24 months use every command, only domain refusals', async () => {
    const target = new InMemoryDomainTarget();
    const s = await runSimulation({ subscribers: 200, months: 24, seed: 7 }, target);
    expect(s.failures).toBe(0);
    expect(s.aborted).toBe(false);
    const missing = EXPECTED_COMMANDS.filter((t) => !(s.succeededByType[t]! > 0));
    expect(missing).toEqual([]);
    // Every command the model sent matches its contract (validation errors would be failures, not refusals).
    for (const { command } of target.commands) expect(validateCommand(command)).toEqual([]);
    // Bookkeeping adds up.
    expect(s.commands).toBe(s.succeeded + s.refusals + s.failures);
    expect(Object.values(s.eventsByType).reduce((x, y) => x + y, 0)).toBe(s.events);
    expect(s.events).toBe(target.log.length);
    // Most of what it sends is valid; the refusals are the expected human slips and races.
    expect(s.refusals / s.commands).toBeLessThan(0.05);
    // Business time never goes backwards, and the policies did their part.
    expect(s.refusalsByCode['time-goes-backwards']).toBeUndefined();
    for (const e of ['PaymentMissed', 'ServiceSuspended', 'DebtWrittenOff', 'ServiceReinstated', 'CancellationWithdrawn', 'TerminationNoticeGiven', 'SubscriberTerminated', 'SubscriberReactivated']) {
      expect([e, (s.eventsByType[e] ?? 0) > 0]).toEqual([e, true]);
    }
    const opened = target.log.filter((e) => e.type === 'CaseOpened').map((e) => (e.data as { kind: string; openedBy: string }).kind);
    expect(new Set(opened)).toEqual(new Set(['retention', 'unprofitable', 'complaints', 'non_payment']));
    // A bad rep enrols more unqualified clients (by override) and more defaulters than a good one.
    const repOf = new Map<string, string>();
    const stats: Record<string, { enrolled: number; overrides: number; invoices: number; missed: number }> = {};
    for (const e of target.log) {
      const d = e.data as { subscriberId: string; salesRepId?: string; override?: unknown };
      if (e.type === 'SubscriberEnrolled') {
        repOf.set(d.subscriberId, d.salesRepId as string);
        const r = (stats[d.salesRepId as string] ??= { enrolled: 0, overrides: 0, invoices: 0, missed: 0 });
        r.enrolled++;
        if (d.override) r.overrides++;
      }
      const r = stats[repOf.get(d.subscriberId) ?? ''];
      if (r && e.type === 'InvoiceIssued') r.invoices++;
      if (r && e.type === 'PaymentMissed') r.missed++;
    }
    const good = stats['rep-ana']!;
    const bad = stats['rep-eva']!;
    expect(bad.overrides / bad.enrolled).toBeGreaterThan(good.overrides / good.enrolled);
    expect(bad.missed / bad.invoices).toBeGreaterThan(good.missed / good.invoices);
    expect(s.from).toBe('2024-01-01');
    expect(s.to).toBe('2025-12-31T23:00:00.000Z');
    expect(s.ticks).toBe(731);
  }, 60_000);

  it('counts refusals by code and reports other errors as failures, stopping after maxFailures', async () => {
    let n = 0;
    const flaky: SimulationTarget = {
      async execute() {
        n++;
        if (n % 2 === 0) throw new TargetError('refused', 'notice-too-short', 409);
        throw new TargetError('POST /v1/subscribers → 500: boom', undefined, 500);
      },
      async tick() {
        return {};
      },
      async openCases() {
        return [];
      },
    };
    const s = await runSimulation({ subscribers: 30, months: 3, seed: 1, maxFailures: 5 }, flaky);
    expect(s.aborted).toBe(true);
    expect(s.failures).toBe(5);
    expect(s.failuresByCode).toEqual({ 'http-500': 5 });
    expect(s.refusalsByCode['notice-too-short']).toBeGreaterThan(0);
    expect(s.failureSamples[0]?.message).toContain('500');
  });
});
