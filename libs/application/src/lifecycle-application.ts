import { createHash, randomUUID } from 'node:crypto';
import { stateAsOf } from '@libs/codec';
import { MemoryEventStore, type EventStore, type StoredEvent } from '@libs/event-store';
import { canonicalJson, type SqlDatabase } from '@libs/sql';
import {
  caseDecider,
  caseStream,
  caseView,
  deterministicId,
  eventIdsFor,
  subscriberDecider,
  subscriberStream,
  subscriberView,
  type CaseEvent,
  type CaseKind,
  type CaseState,
  type DomainCommand,
  type DunningPolicy,
  type PolicyCommand,
  type SubscriberEvent,
  type SubscriberState,
} from '@libs/domain';
import { caseAggregate, refreshSchedule, subscriberAggregate } from './aggregates.js';
import { CommandHandler, type Written } from './command-handler.js';
import { AggregateNotFoundError } from './errors.js';
import { DEFAULT_IDEMPOTENCY_TTL_HOURS } from './idempotency.js';
import { importLog } from './log-import.js';
import { memoryPorts } from './memory-ports.js';
import { PolicyReactor, SYSTEM } from './policy-reactor.js';
import type { ApplicationPorts } from './ports.js';
import { schedulerPass } from './scheduler-pass.js';
import { sqlPorts } from './sql-ports.js';
import type { CachedState } from './state-cache.js';
import type {
  Actor,
  ApplicationObserver,
  ApplicationOptions,
  AsOfOptions,
  CaseDetails,
  CommandInput,
  CommandResult,
  ExecuteOptions,
  LifecycleService,
  SubscriberDetails,
  TickResult,
} from './types.js';

export { SYSTEM };

function isPorts(value: SqlDatabase | ApplicationPorts): value is ApplicationPorts {
  return 'idempotency' in value && 'cases' in value && 'schedule' in value;
}

/**
 * The facade of the service's use cases ({@link LifecycleService}): Idempotency-Keys around the
 * one command handler, the aggregate queries, the scheduler pass. The write path itself is
 * {@link CommandHandler}; the policies are {@link PolicyReactor}; the state beside the log sits
 * behind the ports (SQL adapters on the service's database, or in-memory ones).
 */
export class LifecycleApplication implements LifecycleService {
  private readonly clock: () => Date;
  private readonly idempotencyTtlHours: number;
  private readonly observer: ApplicationObserver;
  private readonly handler: CommandHandler;
  private readonly reactor: PolicyReactor;
  readonly ports: ApplicationPorts;

  /** `db`: the service's database (its SQL adapters are used) or the ports themselves. */
  constructor(store: EventStore, db: SqlDatabase | ApplicationPorts, options: ApplicationOptions) {
    this.ports = isPorts(db) ? db : sqlPorts(db);
    this.clock = options.clock ?? (() => new Date());
    this.idempotencyTtlHours = options.idempotencyTtlHours ?? DEFAULT_IDEMPOTENCY_TTL_HOURS;
    this.observer = options.observer ?? {};
    this.handler = new CommandHandler(store, this.ports, {
      policy: options.policy,
      maxRetries: options.maxRetries ?? 10,
      stateCacheSize: options.stateCacheSize ?? 10_000,
      observer: this.observer,
    });
    this.reactor = new PolicyReactor(this.handler);
  }

  /** The whole application in process memory: a {@link MemoryEventStore} and the in-memory ports. */
  static inMemory(options: ApplicationOptions, store: EventStore = new MemoryEventStore()): LifecycleApplication {
    return new LifecycleApplication(store, memoryPorts(), options);
  }

  /** The store behind the codec: every fold, query and reaction sees current contracts. */
  get store(): EventStore {
    return this.handler.store;
  }

  /** Creates what the ports need (the application's tables). */
  init(): Promise<void> {
    return this.ports.init();
  }

  get dunningPolicy(): DunningPolicy {
    return this.handler.policy;
  }

  now(): string {
    return this.clock().toISOString();
  }

  async execute(input: CommandInput, options: ExecuteOptions): Promise<CommandResult> {
    const correlationId = options.correlationId ?? randomUUID();
    const key = options.idempotencyKey;
    if (key === undefined) return this.executeResolved(input, options, correlationId);
    const fingerprint = createHash('sha256')
      .update(canonicalJson({ type: input.type, data: input.data, expectedVersion: options.expectedVersion ?? null }))
      .digest('hex');
    const replay = await this.ports.idempotency.reserve(options.actor.id, key, fingerprint);
    if (replay) {
      this.observer.idempotentReplay?.(input.type);
      return replay;
    }
    try {
      const result = await this.executeResolved(input, options, correlationId);
      await this.ports.idempotency.complete(options.actor.id, key, result);
      return result;
    } catch (error) {
      // A refused request wrote nothing: release the key so a corrected retry may use it.
      await this.ports.idempotency.release(options.actor.id, key);
      throw error;
    }
  }

  private async executeResolved(input: CommandInput, options: ExecuteOptions, correlationId: string): Promise<CommandResult> {
    const command = { ...input, data: { ...input.data, at: input.data.at ?? this.now() } } as DomainCommand;
    // With an Idempotency-Key the event ids derive from it: a repeat that slips past the key table
    // (e.g. after a crash between append and answer) is recognised by the store, and a replayed
    // simulation writes a byte-identical log.
    const keyed = options.idempotencyKey === undefined ? undefined : deterministicId(options.actor.id, options.idempotencyKey);
    const written = await this.handler.execute(command, {
      actor: options.actor,
      correlationId,
      causationId: correlationId,
      expectedVersion: options.expectedVersion,
      ...(keyed === undefined ? {} : { eventIds: (n: number) => eventIdsFor(keyed, n) }),
    });
    return this.reactor.followUps(written, correlationId);
  }

  async getSubscriber(subscriberId: string, options: AsOfOptions = {}): Promise<SubscriberDetails> {
    const asOf = options.asOf !== undefined || options.version !== undefined;
    const { state, version } = asOf
      ? await stateAsOf<SubscriberState, SubscriberEvent>(this.store, subscriberStream(subscriberId), subscriberDecider, options)
      : await this.loadSubscriber(subscriberId);
    if (!state.exists) {
      throw new AggregateNotFoundError('subscriber', subscriberId, asOf ? `subscriber ${subscriberId} did not exist at that point` : undefined);
    }
    const openCases = await this.openCases(subscriberId, options.asOf);
    return { ...subscriberView(state), version, openCases };
  }

  async getCase(caseId: string, options: AsOfOptions = {}): Promise<CaseDetails> {
    const asOf = options.asOf !== undefined || options.version !== undefined;
    const { state, version } = asOf
      ? await stateAsOf<CaseState, CaseEvent>(this.store, caseStream(caseId), caseDecider, options)
      : await this.handler.load(caseAggregate, caseId);
    if (!state.exists) throw new AggregateNotFoundError('case', caseId, asOf ? `case ${caseId} did not exist at that point` : undefined);
    return { ...caseView(state), version };
  }

  /** Open cases of a subscriber (now, or at an instant). */
  openCases(subscriberId: string, at?: string): Promise<Array<{ caseId: string; kind: CaseKind }>> {
    return this.ports.cases.openCases(subscriberId, at);
  }

  loadSubscriber(id: string): Promise<CachedState<SubscriberState>> {
    return this.handler.load(subscriberAggregate, id);
  }

  /** One scheduler pass as of `now` (idempotent per instant). */
  tick(now: string, actor: Actor = SYSTEM): Promise<TickResult> {
    return schedulerPass({ handler: this.handler, reactor: this.reactor, observer: this.observer, idempotencyTtlHours: this.idempotencyTtlHours }, now, actor);
  }

  /** The policies' subscription hands each batch of the log here (see {@link PolicyReactor.catchUp}). */
  catchUp(batch: readonly StoredEvent[]): Promise<void> {
    return this.reactor.catchUp(batch);
  }

  /** The commands the process managers issue for one stored event (current lookups). */
  reactions(event: StoredEvent): Promise<PolicyCommand[]> {
    return this.reactor.reactions(event);
  }

  runPolicyCommand(pc: PolicyCommand, correlationId: string): Promise<Written | null> {
    return this.reactor.runPolicyCommand(pc, correlationId);
  }

  /**
   * Writes a log the real handler decided elsewhere (another application's store, e.g. the demo
   * company run in memory) into this one, in order and at the same stream versions; see
   * {@link importLog}. `pause` runs between windows so a caller can yield to the event loop.
   */
  importLog(events: readonly StoredEvent[], pause?: () => Promise<void>): Promise<{ events: number; appends: number; position: string | null }> {
    return importLog({ store: this.handler.store, reactor: this.reactor, ...(pause ? { yieldEvery: pause } : {}) }, events);
  }

  /** Keeps the case index in step with a case event (idempotent). */
  indexCaseEvent(event: Pick<StoredEvent, 'type' | 'data'>): Promise<void> {
    return this.ports.cases.apply(event);
  }

  /** Records when the subscriber next needs a scheduler pass (skipped when unchanged). */
  updateSchedule(subscriberId: string, entry: CachedState<SubscriberState>): Promise<void> {
    return refreshSchedule(subscriberId, entry, { policy: this.handler.policy, ports: this.ports });
  }
}
