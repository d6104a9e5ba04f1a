/**
 * The projections keep their own small copy of the subscriber's status transitions
 * ({@link applyLifecycle}): they fold a compact row per subscriber (status, who gave the notice,
 * plan) instead of the aggregate's whole state. This property proves the copy equal to the
 * domain's own evolve: over random histories the subscriber decider actually accepts, after every
 * event, the status, the notice's initiator and the plan the projection derives are the ones
 * evolveSubscriber derives.
 *
 * Histories come from commands decided against the current state (refused ones leave nothing,
 * exactly as in the service), with the scheduler pass and a clock that moves forwards, so that the
 * combinations where the copy could go wrong — notice while suspended, reinstated into a notice,
 * a client's notice withdrawn, a provider's notice kept through a withdrawal, win-backs — occur.
 */
import fc from 'fast-check';
import {
  addDays,
  CommandValidationError,
  decideSubscriber,
  DomainError,
  earliestEffectiveDate,
  evolveSubscriber,
  initialSubscriberState,
  makeDunningPolicy,
  missedUnpaid,
  runSchedulerPass,
  subscriberFacts,
  utcDate,
  type DunningPolicy,
  type SubscriberCommand,
  type SubscriberEvent,
  type SubscriberState,
} from '@libs/domain';
import { propertyParameters, replayable } from '../../../test/support/property.js';
import { applyLifecycle, enrolledState, LIFECYCLE_EVENT_TYPES, type LifecycleState } from './lifecycle.js';
import type { ProjectedEvent } from './projection.js';

const SUB_ID = 'sub-lc';
const START = Date.parse('2026-01-01T09:00:00.000Z');
const MINUTE = 60_000;
const DAY = 24 * 60;
const DEFAULT_SEED = 20261207;

const INTENTS = [
  'invoice',
  'invoice',
  'missed',
  'payMissed',
  'suspend',
  'suspend',
  'reinstate',
  'reinstate',
  'clientNotice',
  'clientNotice',
  'providerNotice',
  'requestCancellation',
  'requestCancellation',
  'withdraw',
  'withdraw',
  'terminate',
  'reactivate',
  'reactivate',
  'changePlan',
  'migrate',
  'scheduler',
  'scheduler',
] as const;
type Intent = (typeof INTENTS)[number];

interface Step {
  intent: Intent;
  /** Minutes the clock moves first. */
  dt: number;
  a: number;
  flag: boolean;
}

const stepArb: fc.Arbitrary<Step> = fc.record({
  intent: fc.constantFrom(...INTENTS),
  dt: fc.oneof({ weight: 5, arbitrary: fc.integer({ min: 0, max: 2 * DAY }) }, { weight: 2, arbitrary: fc.integer({ min: 20 * DAY, max: 70 * DAY }) }),
  a: fc.nat({ max: 1_000 }),
  flag: fc.boolean(),
});

const scenarioArb = fc.record({
  segment: fc.constantFrom('b2b' as const, 'b2c' as const),
  policy: fc.record({ graceDays: fc.integer({ min: 0, max: 5 }), suspendAfterDays: fc.integer({ min: 0, max: 20 }), writeOffOnSuspension: fc.boolean() }),
  steps: fc.array(stepArb, { minLength: 10, maxLength: 60 }),
});
type Scenario = { segment: 'b2b' | 'b2c'; policy: Parameters<typeof makeDunningPolicy>[0]; steps: Step[] };

/** `from --Event--> to` transitions seen over all runs, to check the generator reaches the ones that matter. */
const seen = new Map<string, number>();

/** What the projection keeps of the domain's state: the slice {@link LifecycleState} mirrors. */
function domainSlice(s: SubscriberState): LifecycleState | null {
  if (!s.exists) return null;
  return { status: s.status, noticeBy: s.notice?.initiatedBy ?? null, planCode: s.plan.code, currency: s.plan.currency, fee: s.plan.monthlyFee };
}

class History {
  domain: SubscriberState = initialSubscriberState();
  /** The projection's row, folded the way churn, cohorts and the subscriber ledger fold it. */
  projected: LifecycleState | null = null;
  clock = START;
  nextInvoice = 1;
  position = 0;
  constructor(readonly policy: DunningPolicy) {}

  get now(): string {
    return new Date(this.clock).toISOString();
  }

  /** Decides a command as the service would; a refused one writes nothing. */
  run(command: SubscriberCommand): void {
    let events: SubscriberEvent[];
    try {
      events = decideSubscriber(command, this.domain, { policy: this.policy });
    } catch (error) {
      if (error instanceof DomainError || error instanceof CommandValidationError) return;
      throw error;
    }
    for (const e of events) this.append(e);
  }

  append(e: SubscriberEvent): void {
    const before = this.projected?.status ?? 'none';
    // Withdrawal and notice depend on who gave the notice in force (or gives the new one).
    const by = e.type === 'TerminationNoticeGiven' ? `(${e.data.initiatedBy})` : e.type === 'CancellationWithdrawn' ? `(${this.projected?.noticeBy ?? 'none'})` : '';
    this.domain = evolveSubscriber(this.domain, e);
    const projected: ProjectedEvent = { ...e, position: String(++this.position), streamId: `subscriber-${SUB_ID}`, occurredAt: e.data.occurredAt };
    if (projected.type === 'SubscriberEnrolled') this.projected = enrolledState(projected);
    else if (this.projected) applyLifecycle(this.projected, projected);
    // then: after every event the projection's copy says what the aggregate says
    expect({ after: e.type, lifecycle: this.projected }).toEqual({ after: e.type, lifecycle: domainSlice(this.domain) });
    if ((LIFECYCLE_EVENT_TYPES as readonly string[]).includes(e.type)) {
      const label = `${before}${by} --${e.type}--> ${this.projected?.status}`;
      seen.set(label, (seen.get(label) ?? 0) + 1);
    }
  }
}

function noticeDate(h: History, extraDays: number): string {
  return addDays(earliestEffectiveDate(subscriberFacts(h.domain), h.now, null), extraDays);
}

function runStep(h: History, { intent, dt, a, flag }: Step): void {
  h.clock += dt * MINUTE;
  const at = h.now;
  const subscriberId = SUB_ID;
  const currency = h.domain.exists ? h.domain.plan.currency : 'EUR';
  const today = utcDate(at);
  switch (intent) {
    case 'invoice':
      return h.run({ type: 'IssueInvoice', data: { subscriberId, invoiceId: `inv-${h.nextInvoice++}`, period: today.slice(0, 7), amount: 1 + (a % 5_000), dueDate: addDays(today, -(a % 20)), at } });
    case 'missed': {
      const open = h.domain.invoiceOrder.find((id) => h.domain.invoices[id]?.status === 'open');
      if (open) h.run({ type: 'RecordMissedPayment', data: { subscriberId, invoiceId: open, at } });
      return;
    }
    case 'payMissed':
      for (const inv of missedUnpaid(h.domain)) h.run({ type: 'RecordPayment', data: { subscriberId, invoiceId: inv.invoiceId, amount: inv.owed, at } });
      return;
    case 'suspend':
      return h.run({ type: 'SuspendService', data: { subscriberId, reason: flag ? 'non_payment' : a % 2 === 0 ? 'abuse' : 'other', at } });
    case 'reinstate':
      return h.run({ type: 'ReinstateService', data: { subscriberId, reason: 'settled', at } });
    case 'clientNotice':
      return h.run({ type: 'GiveTerminationNotice', data: { subscriberId, initiatedBy: 'client', reasons: ['moving abroad'], effectiveDate: noticeDate(h, a % 40), at } });
    case 'providerNotice':
      return h.run({
        type: 'GiveTerminationNotice',
        data: { subscriberId, initiatedBy: 'provider', reasons: ['costs more than it brings in'], effectiveDate: noticeDate(h, a % 40), recommendedProvider: 'Otra SA', caseId: `case-${a}`, approvedBy: 'ceo', at },
      });
    case 'requestCancellation':
      return h.run({ type: 'RequestCancellation', data: { subscriberId, reason: 'too expensive', at } });
    case 'withdraw':
      return h.run({ type: 'WithdrawCancellation', data: { subscriberId, caseId: `case-${a}`, at } });
    case 'terminate':
      return h.run({ type: 'TerminateSubscriber', data: { subscriberId, at } });
    case 'reactivate':
      if (flag) for (const inv of missedUnpaid(h.domain)) h.run({ type: 'RecordPayment', data: { subscriberId, invoiceId: inv.invoiceId, amount: inv.owed, at } });
      return h.run({ type: 'ReactivateSubscriber', data: { subscriberId, plan: { code: `winback-${a % 3}`, monthlyFee: 1_000 + a, currency }, at } });
    case 'changePlan':
      return h.run({ type: 'ChangePlan', data: { subscriberId, to: { code: `plan-${a % 4}`, monthlyFee: 500 + a * 3 }, reason: a % 2 === 0 ? 'upgrade' : 'downgrade', at } });
    case 'migrate':
      // Now and then to a partner (no plan: the termination that follows ends it) or in another currency (refused).
      if (a % 5 === 0) return h.run({ type: 'MigrateClient', data: { subscriberId, target: 'partner', partner: 'Socio SA', at } });
      return h.run({ type: 'MigrateClient', data: { subscriberId, target: 'plan', toPlan: { code: `mig-${a % 3}`, monthlyFee: 2_000 + a, currency: flag && a % 7 === 0 ? 'USD' : currency }, at } });
    case 'scheduler':
      for (const command of runSchedulerPass(h.domain, at, h.policy).commands) h.run(command);
      return;
    default: {
      const unreachable: never = intent;
      throw new Error(`unknown intent ${String(unreachable)}`);
    }
  }
}

function runScenario(scenario: Scenario): void {
  const h = new History(makeDunningPolicy(scenario.policy));
  h.run({
    type: 'EnrollSubscriber',
    data: {
      subscriberId: SUB_ID,
      name: 'Ana Pérez',
      segment: scenario.segment,
      plan: { code: 'basic', monthlyFee: 3_000, currency: 'EUR' },
      salesRepId: 'rep-1',
      qualification: { needsService: true, valuesService: true, canPay: true },
      at: h.now,
    },
  });
  expect(h.projected).not.toBeNull();
  for (const step of scenario.steps) runStep(h, step);
}

/** The transitions where a copy of the rules would most easily drift from the aggregate's. */
const REQUIRED_TRANSITIONS = [
  'active --ServiceSuspended--> suspended',
  'notice --ServiceSuspended--> suspended',
  'suspended --ServiceReinstated--> active',
  'suspended --ServiceReinstated--> notice',
  'active(client) --TerminationNoticeGiven--> notice',
  'active(provider) --TerminationNoticeGiven--> notice',
  'suspended(client) --TerminationNoticeGiven--> suspended',
  'notice(provider) --TerminationNoticeGiven--> notice',
  'notice(client) --CancellationWithdrawn--> active',
  'suspended(client) --CancellationWithdrawn--> suspended',
  'notice(provider) --CancellationWithdrawn--> notice',
  'notice --SubscriberTerminated--> terminated',
  'suspended --SubscriberTerminated--> terminated',
  'terminated --SubscriberReactivated--> active',
  'active --PlanChanged--> active',
  'active --ClientMigrated--> active',
];

describe('projections: the subscriber status transitions (lifecycle.ts) equal the domain evolve', () => {
  it('derives, after every event of every accepted history, the status, notice initiator and plan the aggregate derives', async () => {
    seen.clear();
    const parameters = propertyParameters('LIFECYCLE_SEED', DEFAULT_SEED);
    await replayable('LIFECYCLE_SEED', parameters.seed, () =>
      fc.assert(fc.property(scenarioArb, runScenario), { numRuns: Number(process.env.PROPERTY_RUNS ?? 300), ...parameters }),
    );
    if (process.env.LIFECYCLE_STATS) process.stdout.write(`${JSON.stringify([...seen].sort(), null, 1)}\n`);
    // The generator must reach every transition that matters, or the equality above proves little.
    for (const t of REQUIRED_TRANSITIONS) expect([t, (seen.get(t) ?? 0) > 0]).toEqual([t, true]);
    for (const type of LIFECYCLE_EVENT_TYPES) expect([type, [...seen.keys()].some((k) => k.includes(`--${type}-->`))]).toEqual([type, true]);
  });
});
