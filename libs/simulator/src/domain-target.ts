/**
 * The service's own application in process memory — the real command handler, policies and
 * scheduler pass over the in-memory adapters of its ports and an in-memory event store — as a
 * simulation target: fast, deterministic, with exactly the rules, refusals and follow-ups of the
 * service (there is no second copy of the write path here). It records every command it was given
 * and exposes the event log. The simulator's unit tests and `--target memory` run on it.
 */
import { LifecycleApplication } from '@libs/application';
import { defaultDunningPolicy, type DomainCommand, type DunningPolicy } from '@libs/domain';
import { MemoryEventStore, type StoredEvent } from '@libs/event-store';
import { InProcessTarget } from './in-process-target.js';
import type { SimActor, SimCommandResult, SimulationTarget, SubscriberSnapshot } from './target.js';

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

/** A {@link SimulationTarget} over the real application, entirely in memory. */
export class InMemoryDomainTarget implements SimulationTarget {
  readonly commands: RecordedCommand[] = [];
  private readonly store = new MemoryEventStore();
  private readonly target: InProcessTarget;

  constructor(policy: DunningPolicy = defaultDunningPolicy) {
    // Every simulated command carries its business time; the clock only fills a missing one.
    const app = LifecycleApplication.inMemory({ policy, clock: () => new Date('2000-01-01T00:00:00Z') }, this.store);
    this.target = new InProcessTarget(app);
  }

  /** Every event written, in log order. */
  get log(): LoggedEvent[] {
    return this.store.events().map((e) => ({ position: Number(e.position), streamId: e.streamId, version: e.version, type: e.type, data: e.data }));
  }

  /** Every event written with its full envelope (ids, business time, metadata), in log order. */
  get stored(): readonly StoredEvent[] {
    return this.store.events();
  }

  execute(command: DomainCommand, options: { actor: SimActor; idempotencyKey?: string }): Promise<SimCommandResult> {
    this.commands.push(options.idempotencyKey === undefined ? { command, actor: options.actor } : { command, actor: options.actor, idempotencyKey: options.idempotencyKey });
    return this.target.execute(command, options);
  }

  tick(now: string): Promise<unknown> {
    return this.target.tick(now);
  }

  openCases(subscriberId: string): Promise<Array<{ caseId: string; kind: string }>> {
    return this.target.openCases(subscriberId);
  }

  getSubscriber(subscriberId: string): Promise<SubscriberSnapshot> {
    return this.target.getSubscriber(subscriberId);
  }
}
