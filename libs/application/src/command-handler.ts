import { randomUUID } from 'node:crypto';
import { domainEventStore } from '@libs/codec';
import { ConcurrencyError, START_POSITION, type EventStore, type NewEvent, type StoredEvent } from '@libs/event-store';
import { currentSchemaVersion, DomainError, type DomainCommand, type DomainEvent, type DunningPolicy } from '@libs/domain';
import { aggregateOf, type AggregateEnv, type AggregateType } from './aggregates.js';

/** The handler is generic over the state and events; commands and contexts stay the aggregate's business. */
type AnyCommandAggregate<S, E extends DomainEvent> = AggregateType<S, any, E, any>;
import { KeyedLock } from './keyed-lock.js';
import type { ApplicationPorts } from './ports.js';
import { StateCache, type CachedState } from './state-cache.js';
import type { Actor, ApplicationObserver, CommandResult } from './types.js';

/** What one run of the handler wrote: the stored envelopes (for the policies) and the answer. */
export interface Written {
  events: StoredEvent[];
  result: CommandResult;
}

/** Who, why, and how the events of one run are named. */
export interface RunContext {
  actor: Actor;
  correlationId: string;
  causationId?: string;
  /** Event ids (deterministic for automated commands), given the count and the version decided on. */
  eventIds?: (count: number, decidedOnVersion: number) => string[];
  /** `If-Match`: decide only on this version; a conflict is then answered, never retried. */
  expectedVersion?: number;
}

/** What to decide on the latest state: a command, or any pure decision (the scheduler pass). */
export interface Decision<S, E> {
  /** The command type (or `SchedulerPass`) for metrics. */
  name: string;
  decide(loaded: CachedState<S>, env: AggregateEnv): Promise<E[]> | E[];
}

export interface CommandHandlerOptions {
  policy: DunningPolicy;
  /** Write-conflict retries when no If-Match is given. */
  maxRetries: number;
  stateCacheSize: number;
  observer: ApplicationObserver;
}

/**
 * The one write path: lock → cached state → decide → append with the expected version →
 * bounded retry on a conflict, for any aggregate of the registry ({@link aggregateOf}). HTTP
 * commands, the scheduler pass and the policies all run through {@link CommandHandler.run}.
 */
export class CommandHandler {
  private readonly locks = new KeyedLock();
  private readonly caches = new Map<string, StateCache<unknown>>();
  /** The store behind the codec: every fold sees current contracts. */
  readonly store: EventStore;

  constructor(
    store: EventStore,
    readonly ports: ApplicationPorts,
    private readonly options: CommandHandlerOptions,
  ) {
    this.store = domainEventStore(store);
  }

  get policy(): DunningPolicy {
    return this.options.policy;
  }

  /** A domain command on the aggregate the registry names for it. */
  execute(command: DomainCommand, ctx: RunContext): Promise<Written> {
    const type = aggregateOf(command);
    return this.run(type, type.idOf(command), type.lockKey(command), ctx, {
      name: command.type,
      decide: async (loaded, env) => type.decider.decide(command, loaded.state, await type.loadContext(command, loaded.state, env)),
    });
  }

  /** One decision on one aggregate, serialised on `lockKey` in this process; conflicts with other processes retried. */
  run<S, E extends DomainEvent>(type: AnyCommandAggregate<S, E>, id: string, lockKey: string, ctx: RunContext, decision: Decision<S, E>): Promise<Written> {
    const streamId = type.streamOf(id);
    const env = this.env(ctx.actor);
    return this.locks.run(lockKey, async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return await this.decideAndAppend(type, id, ctx, decision, env);
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
          const retry = ctx.expectedVersion === undefined && attempt < this.options.maxRetries;
          this.options.observer.conflict?.(decision.name, retry);
          if (!retry) throw error;
          // Another process wrote first: forget what we folded and decide again on its result.
          this.cacheOf<S>(type).delete(streamId);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
        }
      }
    });
  }

  private async decideAndAppend<S, E extends DomainEvent>(type: AnyCommandAggregate<S, E>, id: string, ctx: RunContext, decision: Decision<S, E>, env: AggregateEnv): Promise<Written> {
    const streamId = type.streamOf(id);
    const cache = this.cacheOf<S>(type);
    const { loaded, events } = await this.decideOnLatest(type, id, ctx, (l) => decision.decide(l, env));
    if (events.length === 0) {
      await type.afterWrite?.(id, cache.get(streamId) ?? loaded, [], env);
      return { events: [], result: { id, version: loaded.version, position: loaded.position, events: [] } };
    }
    const ids = ctx.eventIds?.(events.length, loaded.version) ?? events.map(() => randomUUID());
    const toAppend: NewEvent[] = events.map((e, i) => ({
      id: ids[i],
      type: e.type,
      data: e.data as unknown as Record<string, unknown>,
      occurredAt: (e.data as { occurredAt: string }).occurredAt,
      metadata: {
        actor: ctx.actor.id,
        role: ctx.actor.role,
        correlationId: ctx.correlationId,
        ...(ctx.causationId === undefined ? {} : { causationId: ctx.causationId }),
        schemaVersion: currentSchemaVersion(e.type),
      },
    }));
    const undo = await type.beforeAppend?.(events, env);
    let appended;
    try {
      appended = await this.store.append(streamId, toAppend, { expectedVersion: loaded.version === -1 ? 'no_stream' : loaded.version });
    } catch (error) {
      await undo?.();
      throw error;
    }
    this.options.observer.appended?.(decision.name, events.length);
    let state = loaded.state;
    for (const e of events) state = type.decider.evolve(state, e);
    const entry: CachedState<S> = { state, version: appended.version, position: appended.position, attention: loaded.attention };
    cache.set(streamId, entry);
    await type.afterWrite?.(id, entry, events, env);
    // The envelopes of what was written, for the policies that react to them.
    const first = appended.version - events.length + 1;
    const stored: StoredEvent[] = toAppend.map((e, i) => ({
      id: e.id as string,
      position: appended.position,
      streamId,
      version: first + i,
      type: e.type,
      data: e.data,
      occurredAt: e.occurredAt,
      metadata: e.metadata as StoredEvent['metadata'],
    }));
    return { events: stored, result: { id, version: appended.version, position: appended.position, events: events.map((e) => e.type) } };
  }

  /**
   * Decides on the stream's latest state, saving the read when the cache can be trusted. The write
   * path holds the lock and every write of this process updates the cache, so a cached state is
   * only behind when another process wrote; then the append (expected version) fails with a
   * conflict, and `run` drops the entry and decides again on a fresh read. What the append cannot
   * check is read first: a refusal or a no-op (both answered without appending), and an
   * `If-Match` version, which must be compared with the stream's real version.
   */
  private async decideOnLatest<S, E>(
    type: AnyCommandAggregate<S, E & DomainEvent>,
    id: string,
    ctx: RunContext,
    decide: (loaded: CachedState<S>) => Promise<E[]> | E[],
  ): Promise<{ loaded: CachedState<S>; events: E[] }> {
    const cached = ctx.expectedVersion === undefined ? this.cacheOf<S>(type).get(type.streamOf(id)) : undefined;
    if (cached) {
      try {
        const events = await decide(cached);
        if (events.length > 0) return { loaded: cached, events };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    }
    const loaded = await this.load(type, id);
    if (ctx.expectedVersion !== undefined && ctx.expectedVersion !== loaded.version) throw new ConcurrencyError(type.streamOf(id), ctx.expectedVersion, loaded.version);
    return { loaded, events: await decide(loaded) };
  }

  /** Folds a stream from the cached state on: one read of the events after the cached version. */
  async load<S>(type: AnyCommandAggregate<S, any>, id: string): Promise<CachedState<S>> {
    const streamId = type.streamOf(id);
    const cache = this.cacheOf<S>(type);
    const cached = cache.get(streamId);
    let entry: CachedState<S> = cached ?? { state: type.decider.initialState(), version: -1, position: START_POSITION };
    const fresh = await this.store.readStream(streamId, { fromVersion: entry.version + 1 });
    if (fresh.length > 0) {
      let state = entry.state;
      for (const e of fresh) state = type.decider.evolve(state, e);
      const last = fresh[fresh.length - 1]!;
      entry = { state, version: last.version, position: last.position, attention: entry.attention };
    }
    if (fresh.length > 0 || !cached) cache.set(streamId, entry);
    return entry;
  }

  /** The cached state, without reading (the inline follow-ups trust it; see `PolicyReactor`). */
  cached<S>(type: AnyCommandAggregate<S, any>, id: string): CachedState<S> | undefined {
    return this.cacheOf<S>(type).get(type.streamOf(id));
  }

  env(actor: Actor): AggregateEnv {
    return { actor, policy: this.options.policy, ports: this.ports, load: (type, id) => this.load(type, id) };
  }

  private cacheOf<S>(type: { name: string }): StateCache<S> {
    let cache = this.caches.get(type.name);
    if (!cache) this.caches.set(type.name, (cache = new StateCache(this.options.stateCacheSize)));
    return cache as unknown as StateCache<S>;
  }
}
