/**
 * An in-memory stand-in for the service, built only from the pure domain (deciders, scheduler pass,
 * process managers): fast, deterministic, with the real rules and refusals. The simulator's unit
 * tests run on it; it also records every command it was given and keeps the event log.
 */
import {
  DomainError,
  decideCase,
  decideSubscriber,
  defaultDunningPolicy,
  evolveCase,
  evolveSubscriber,
  initialCaseState,
  initialSubscriberState,
  reactToEvent,
  schedulerPass,
  subscriberFacts,
  subscriberView,
  type CaseCommand,
  type CaseKind,
  type CaseState,
  type DomainCommand,
  type DomainEvent,
  type DunningPolicy,
  type SubscriberCommand,
  type SubscriberState,
  caseStream,
  subscriberStream,
} from '@libs/domain';
import type { SimActor, SimCommandResult, SimulationTarget, SubscriberSnapshot } from './target.js';

const CASE_COMMANDS: ReadonlySet<string> = new Set([
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
]);

export interface LoggedEvent {
  position: number;
  streamId: string;
  version: number;
  type: string;
  data: unknown;
}

export interface RecordedCommand {
  command: DomainCommand;
  actor: SimActor;
  idempotencyKey?: string;
}

/** A {@link SimulationTarget} that runs the domain in memory. */
export class InMemoryDomainTarget implements SimulationTarget {
  readonly commands: RecordedCommand[] = [];
  readonly log: LoggedEvent[] = [];
  private readonly subscribers = new Map<string, SubscriberState>();
  private readonly cases = new Map<string, CaseState>();
  private readonly versions = new Map<string, number>();

  constructor(private readonly policy: DunningPolicy = defaultDunningPolicy) {}

  async execute(command: DomainCommand, options: { actor: SimActor; idempotencyKey?: string }): Promise<SimCommandResult> {
    this.commands.push(options.idempotencyKey === undefined ? { command, actor: options.actor } : { command, actor: options.actor, idempotencyKey: options.idempotencyKey });
    const written: string[] = [];
    const roles = options.actor.roles ?? [options.actor.role];
    const { streamId } = this.apply(command, roles, written);
    return { id: streamId.replace(/^(subscriber|case)-/, ''), version: this.versions.get(streamId) ?? -1, position: String(this.log.length - 1), events: written };
  }

  async tick(now: string): Promise<{ now: string; events: string[] }> {
    const written: string[] = [];
    for (const state of [...this.subscribers.values()]) {
      if (state.subscriberId === null) continue;
      const current = this.subscribers.get(state.subscriberId) as SubscriberState;
      for (const command of schedulerPass(current, now, this.policy)) this.apply(command, ['admin'], written);
    }
    return { now, events: written };
  }

  async openCases(subscriberId: string): Promise<Array<{ caseId: string; kind: string }>> {
    return this.openCasesOf(subscriberId).map((c) => ({ caseId: c.caseId, kind: c.kind }));
  }

  async getSubscriber(subscriberId: string): Promise<SubscriberSnapshot> {
    const state = this.subscribers.get(subscriberId);
    if (!state) throw new DomainError('unknown-subscriber', `subscriber ${subscriberId} does not exist`);
    return { ...subscriberView(state), openCases: await this.openCases(subscriberId) };
  }

  private openCasesOf(subscriberId: string): Array<{ caseId: string; kind: CaseKind }> {
    const open: Array<{ caseId: string; kind: CaseKind }> = [];
    for (const c of this.cases.values()) {
      if (c.subscriberId === subscriberId && c.status === 'open' && c.caseId !== null && c.kind !== null) open.push({ caseId: c.caseId, kind: c.kind });
    }
    return open;
  }

  /** Decides, appends, then lets the process managers react (depth-first, like a synchronous runner). */
  private apply(command: DomainCommand, roles: readonly string[], written: string[]): { streamId: string } {
    let streamId: string;
    let events: DomainEvent[];
    if (CASE_COMMANDS.has(command.type)) {
      const c = command as CaseCommand;
      const state = this.cases.get(c.data.caseId) ?? initialCaseState();
      const subscriberId = c.type === 'OpenCase' ? c.data.subscriberId : state.subscriberId;
      const sub = subscriberId ? this.subscribers.get(subscriberId) : undefined;
      if (c.type === 'OpenCase' && !sub) throw new DomainError('unknown-subscriber', `subscriber ${c.data.subscriberId} does not exist`);
      const facts = sub ? subscriberFacts(sub) : { status: 'active' as const, segment: 'b2c' as const };
      events = decideCase(c, state, { subscriber: facts, role: roles, openCaseKinds: subscriberId ? this.openCasesOf(subscriberId).map((k) => k.kind) : [] });
      streamId = caseStream(c.data.caseId);
      let next = state;
      for (const e of events) next = evolveCase(next, e as Parameters<typeof evolveCase>[1]);
      this.cases.set(c.data.caseId, next);
    } else {
      const s = command as SubscriberCommand;
      const state = this.subscribers.get(s.data.subscriberId) ?? initialSubscriberState();
      events = decideSubscriber(s, state, { policy: this.policy });
      streamId = subscriberStream(s.data.subscriberId);
      let next = state;
      for (const e of events) next = evolveSubscriber(next, e as Parameters<typeof evolveSubscriber>[1]);
      this.subscribers.set(s.data.subscriberId, next);
    }
    const appended: Array<DomainEvent & { id: string }> = [];
    for (const e of events) {
      const version = (this.versions.get(streamId) ?? -1) + 1;
      this.versions.set(streamId, version);
      const position = this.log.length;
      this.log.push({ position, streamId, version, type: e.type, data: e.data });
      written.push(e.type);
      appended.push({ ...e, id: `event-${position}` } as DomainEvent & { id: string });
    }
    for (const e of appended) {
      const data = e.data as { subscriberId: string; caseId?: string };
      const caseState = data.caseId ? this.cases.get(data.caseId) : undefined;
      const subState = this.subscribers.get(data.subscriberId);
      const lookups = {
        policy: this.policy,
        openCases: this.openCasesOf(data.subscriberId),
        ...(subState ? { subscriber: subState } : {}),
        ...(caseState ? { case: caseState } : {}),
      };
      for (const pc of reactToEvent(e, lookups)) {
        try {
          this.apply(pc.command, ['admin'], written);
        } catch (error) {
          // A policy's command that a rule refuses is dropped, as the service's runner would log it.
          if (!(error instanceof DomainError)) throw error;
        }
      }
    }
    return { streamId };
  }
}
