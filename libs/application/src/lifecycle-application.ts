import { createHash, randomUUID } from 'node:crypto';
import { domainEventStore, stateAsOf } from '@libs/codec';
import {
  canonicalJson,
  comparePositions,
  ConcurrencyError,
  runMigrations,
  START_POSITION,
  type EventStore,
  type NewEvent,
  type SqlDatabase,
  type StoredEvent,
} from '@libs/event-store';
import {
  CASE_STREAM_PREFIX,
  caseStream,
  subscriberStream,
  caseDecider,
  caseView,
  commandContracts,
  currentSchemaVersion,
  deterministicId,
  DomainError,
  eventIdsFor,
  nextSchedulerAttention,
  PROCESS_MANAGER_EVENT_TYPES,
  reactToEvent,
  runSchedulerPass,
  SCHEDULER,
  subscriberDecider,
  subscriberFacts,
  subscriberView,
  SYSTEM_ACTOR,
  type CaseCommand,
  type CaseEvent,
  type SubscriberEvent,
  type CaseKind,
  type CaseState,
  type DomainCommand,
  type DomainEvent,
  type DunningPolicy,
  type PolicyCommand,
  type SourceEvent,
  type SubscriberCommand,
  type SubscriberState,
} from '@libs/domain';
import { AggregateNotFoundError, IdempotencyKeyInUseError, IdempotencyKeyReusedError } from './errors.js';
import { DEFAULT_IDEMPOTENCY_TTL_HOURS, markReplayed, pruneIdempotencyKeys } from './idempotency.js';
import { KeyedLock } from './keyed-lock.js';
import { APPLICATION_MIGRATIONS_TABLE, applicationMigrations } from './schema.js';
import { StateCache, type CachedState } from './state-cache.js';
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


/** The actor of policies and the scheduler. */
export const SYSTEM: Actor = { id: SYSTEM_ACTOR, role: 'system', roles: ['system'] };

const PM_EVENT_TYPES: ReadonlySet<string> = new Set(PROCESS_MANAGER_EVENT_TYPES);
/** The process managers that consult a subscriber's open cases (to open one only if none is). */
const LOOKS_AT_OPEN_CASES: ReadonlySet<string> = new Set(['CancellationRequested', 'CostToServeRecorded']);

/** An idempotency reservation older than this is taken to be from a crashed request. */
const ABANDONED_RESERVATION_MS = 30_000;
/** Inline-handled event ids remembered for the policies' subscription to skip. */
const MAX_HANDLED_INLINE = 100_000;
/** Policy follow-ups deeper than this are a loop between process managers, not business. */
const MAX_FOLLOW_UP_DEPTH = 8;

interface Written {
  events: StoredEvent[];
  result: CommandResult;
}

interface RunContext {
  actor: Actor;
  correlationId: string;
  causationId?: string;
  /** Event ids to use (deterministic for automated commands), by index. */
  eventIds?: (count: number) => string[];
  expectedVersion?: number;
}

/**
 * The write and read path of the service (see {@link LifecycleService}): read stream → fold →
 * decide → append with the expected version → answer version and position; then the policies'
 * follow-ups, each through the same path with deterministic ids.
 */
export class LifecycleApplication implements LifecycleService {
  private readonly policy: DunningPolicy;
  private readonly clock: () => Date;
  private readonly maxRetries: number;
  private readonly idempotencyTtlHours: number;
  private readonly observer: ApplicationObserver;
  private readonly subscribers: StateCache<SubscriberState>;
  private readonly cases: StateCache<CaseState>;
  private readonly locks = new KeyedLock();
  private readonly handledInline = new Set<string>();

  /** The store behind the codec: every fold, query and reaction sees current contracts. */
  readonly store: EventStore;

  constructor(
    store: EventStore,
    readonly db: SqlDatabase,
    options: ApplicationOptions,
  ) {
    this.store = domainEventStore(store);
    this.policy = options.policy;
    this.clock = options.clock ?? (() => new Date());
    this.maxRetries = options.maxRetries ?? 10;
    this.idempotencyTtlHours = options.idempotencyTtlHours ?? DEFAULT_IDEMPOTENCY_TTL_HOURS;
    this.observer = options.observer ?? {};
    this.subscribers = new StateCache(options.stateCacheSize ?? 10_000);
    this.cases = new StateCache(options.stateCacheSize ?? 10_000);
  }

  /** Creates the application's tables (idempotency keys, scheduler and case indexes). */
  async init(): Promise<void> {
    await runMigrations(this.db, APPLICATION_MIGRATIONS_TABLE, applicationMigrations);
  }

  get dunningPolicy(): DunningPolicy {
    return this.policy;
  }

  now(): string {
    return this.clock().toISOString();
  }

  async execute(input: CommandInput, options: ExecuteOptions): Promise<CommandResult> {
    const correlationId = options.correlationId ?? randomUUID();
    if (options.idempotencyKey === undefined) return this.executeResolved(input, options, correlationId);
    const fingerprint = createHash('sha256')
      .update(canonicalJson({ type: input.type, data: input.data, expectedVersion: options.expectedVersion ?? null }))
      .digest('hex');
    const replay = await this.reserveIdempotencyKey(options.actor.id, options.idempotencyKey, fingerprint);
    if (replay) {
      this.observer.idempotentReplay?.(input.type);
      return replay;
    }
    try {
      const result = await this.executeResolved(input, options, correlationId);
      await this.db.query(
        `UPDATE app_idempotency SET status = 'done', response = $3::jsonb, completed_at = now() WHERE actor = $1 AND key = $2`,
        [options.actor.id, options.idempotencyKey, JSON.stringify(result)],
      );
      return result;
    } catch (error) {
      // A refused request wrote nothing: release the key so a corrected retry may use it.
      await this.db.query(`DELETE FROM app_idempotency WHERE actor = $1 AND key = $2 AND status = 'pending'`, [options.actor.id, options.idempotencyKey]);
      throw error;
    }
  }

  private async executeResolved(input: CommandInput, options: ExecuteOptions, correlationId: string): Promise<CommandResult> {
    const command = { ...input, data: { ...input.data, at: input.data.at ?? this.now() } } as DomainCommand;
    // With an Idempotency-Key the event ids derive from it: a repeat that slips past the key table
    // (e.g. after a crash between append and answer) is recognised by the store, and a replayed
    // simulation writes a byte-identical log.
    const keyed = options.idempotencyKey === undefined ? undefined : deterministicId(options.actor.id, options.idempotencyKey);
    const written = await this.run(command, {
      actor: options.actor,
      correlationId,
      causationId: correlationId,
      expectedVersion: options.expectedVersion,
      ...(keyed === undefined ? {} : { eventIds: (n: number) => eventIdsFor(keyed, n) }),
    });
    return this.followUps(written, correlationId, 0);
  }

  /**
   * Returns the stored answer of a completed request with this key, null when the caller should
   * execute (the key is now reserved for it); throws when the key is reused with another request.
   */
  private async reserveIdempotencyKey(actor: string, key: string, fingerprint: string): Promise<CommandResult | null> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const inserted = await this.db.query(
        `INSERT INTO app_idempotency (actor, key, request_hash, status) VALUES ($1, $2, $3, 'pending') ON CONFLICT DO NOTHING`,
        [actor, key, fingerprint],
      );
      if (inserted.rowCount === 1) return null;
      const { rows } = await this.db.query<{ request_hash: string; status: string; response: CommandResult | null; age_ms: number }>(
        `SELECT request_hash, status, response, (extract(epoch FROM now() - created_at) * 1000)::float8 AS age_ms
           FROM app_idempotency WHERE actor = $1 AND key = $2`,
        [actor, key],
      );
      const row = rows[0];
      if (!row) continue; // released meanwhile: try to reserve again
      if (row.request_hash !== fingerprint) throw new IdempotencyKeyReusedError(key);
      if (row.status === 'done' && row.response) return markReplayed(row.response);
      if (Number(row.age_ms) < ABANDONED_RESERVATION_MS) throw new IdempotencyKeyInUseError(key);
      await this.db.query(`DELETE FROM app_idempotency WHERE actor = $1 AND key = $2 AND status = 'pending'`, [actor, key]);
    }
    throw new IdempotencyKeyInUseError(key);
  }

  /** Runs the policies on what a command wrote, depth-first, folding their results into the answer. */
  private async followUps(written: Written, correlationId: string, depth: number): Promise<CommandResult> {
    const result = { ...written.result, events: [...written.result.events] };
    if (depth >= MAX_FOLLOW_UP_DEPTH) return result;
    for (const event of written.events) {
      for (const policyCommand of await this.reactions(event, false)) {
        const more = await this.runPolicyCommand(policyCommand, correlationId);
        if (!more) continue;
        const nested = await this.followUps(more, correlationId, depth + 1);
        result.events.push(...nested.events);
        if (comparePositions(nested.position, result.position) > 0) result.position = nested.position;
      }
      this.markHandled(event.id);
    }
    return result;
  }

  /**
   * Remembers that an event's follow-ups and index updates ran inline, so the policies'
   * subscription can skip it. Memory only, on purpose: after a crash the set is empty and the
   * subscription handles everything again (idempotently).
   */
  private markHandled(eventId: string): void {
    this.handledInline.add(eventId);
    if (this.handledInline.size > MAX_HANDLED_INLINE) {
      const oldest = this.handledInline.values().next().value;
      if (oldest !== undefined) this.handledInline.delete(oldest);
    }
  }

  /** True (once) when this process already ran the event's follow-ups inline. */
  takeHandledInline(eventId: string): boolean {
    return this.handledInline.delete(eventId);
  }

  /**
   * The commands the process managers issue for one stored event, with current lookups.
   * `fresh: false` (the write path's inline follow-ups, right after its own append) trusts the
   * cached states instead of re-reading the streams: the commands are decided again on fresh
   * state anyway, and the checkpointed subscription re-checks with `fresh: true`.
   */
  async reactions(event: StoredEvent, fresh = true): Promise<PolicyCommand[]> {
    if (!PM_EVENT_TYPES.has(event.type)) return [];
    const data = event.data as { subscriberId?: string; caseId?: string };
    if (typeof data.subscriberId !== 'string') return [];
    const source = { id: event.id, type: event.type, data: event.data } as SourceEvent;
    const cachedSubscriber = fresh ? undefined : this.subscribers.get(subscriberStream(data.subscriberId));
    const subscriber = (cachedSubscriber ?? (await this.loadSubscriber(data.subscriberId))).state;
    let kase: CaseState | undefined;
    if (typeof data.caseId === 'string' && event.streamId.startsWith(CASE_STREAM_PREFIX)) {
      const cachedCase = fresh ? undefined : this.cases.get(caseStream(data.caseId));
      kase = (cachedCase ?? (await this.loadCase(data.caseId))).state;
    }
    const openCases = LOOKS_AT_OPEN_CASES.has(event.type) ? await this.openCases(data.subscriberId) : undefined;
    return reactToEvent(source, { subscriber: subscriber.exists ? subscriber : undefined, case: kase?.exists ? kase : undefined, openCases, policy: this.policy });
  }

  /** Runs one process-manager command; a refusal is logged by the caller's observer, not fatal. */
  async runPolicyCommand(pc: PolicyCommand, correlationId: string): Promise<Written | null> {
    try {
      return await this.run(pc.command as DomainCommand, {
        actor: SYSTEM,
        correlationId,
        causationId: pc.causationId,
        eventIds: (n) => eventIdsFor(pc.commandId, n),
      });
    } catch (error) {
      // A policy whose premise no longer holds (e.g. the subscriber was terminated meanwhile)
      // is refused by the domain: that is the rule working, not a failure of the service.
      if (error instanceof DomainError) return null;
      throw error;
    }
  }

  /** One command on one aggregate: lock the stream, then read → fold → decide → append, retrying conflicts. */
  private async run(command: DomainCommand, ctx: RunContext): Promise<Written> {
    const aggregate = commandContracts[command.type].aggregate;
    const id = aggregate === 'subscriber' ? (command.data as { subscriberId: string }).subscriberId : (command.data as { caseId: string }).caseId;
    const streamId = aggregate === 'subscriber' ? subscriberStream(id) : caseStream(id);
    // Opening a case checks the subscriber's other open cases: serialise per subscriber too.
    const lockKey = command.type === 'OpenCase' ? `open-case:${command.data.subscriberId}` : streamId;
    return this.locks.run(lockKey, async () => {
      for (let attempt = 0; ; attempt++) {
        try {
          return aggregate === 'subscriber'
            ? await this.runOnSubscriber(id, command as SubscriberCommand, ctx)
            : await this.runOnCase(id, command as CaseCommand, ctx);
        } catch (error) {
          if (!(error instanceof ConcurrencyError)) throw error;
          const retry = ctx.expectedVersion === undefined && attempt < this.maxRetries;
          this.observer.conflict?.(command.type, retry);
          if (!retry) throw error;
          // Another process wrote first: forget what we folded and decide again on its result.
          this.subscribers.delete(streamId);
          this.cases.delete(streamId);
          await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * (attempt + 1)));
        }
      }
    });
  }

  private async runOnSubscriber(id: string, command: SubscriberCommand, ctx: RunContext): Promise<Written> {
    const streamId = subscriberStream(id);
    const { loaded, events } = await this.decideOnLatest(streamId, ctx, this.subscribers, () => this.loadSubscriber(id), (s) =>
      subscriberDecider.decide(command, s.state, { policy: this.policy }),
    );
    const written = await this.append(streamId, id, command.type, events, loaded, ctx, subscriberDecider.evolve, this.subscribers);
    await this.updateSchedule(id, this.subscribers.get(streamId) ?? loaded);
    return written;
  }

  private async runOnCase(id: string, command: CaseCommand, ctx: RunContext): Promise<Written> {
    const streamId = caseStream(id);
    const loaded = await this.loadCase(id);
    this.checkExpected(streamId, ctx, loaded.version);
    const subscriberId = command.type === 'OpenCase' ? command.data.subscriberId : loaded.state.subscriberId;
    if (subscriberId === null) throw new DomainError('unknown-case', `case ${id} does not exist`);
    const subscriber = (await this.loadSubscriber(subscriberId)).state;
    if (!subscriber.exists) throw new DomainError('unknown-subscriber', `subscriber ${subscriberId} does not exist`);
    const openCaseKinds = command.type === 'OpenCase' ? (await this.openCases(subscriberId)).map((c) => c.kind) : undefined;
    const events = caseDecider.decide(command, loaded.state, {
      subscriber: subscriberFacts(subscriber),
      role: ctx.actor.roles ?? [ctx.actor.role],
      openCaseKinds,
    });
    const opening = events.find((e) => e.type === 'CaseOpened');
    // The in-process lock serialises openings here; the index's unique (subscriber, kind) of open
    // cases does it across service processes: the row is claimed before the append.
    const claimed = opening ? await this.claimOpenCase(opening) : false;
    let written: Written;
    try {
      written = await this.append(streamId, id, command.type, events, loaded, ctx, caseDecider.evolve, this.cases);
    } catch (error) {
      if (claimed) await this.db.query(`DELETE FROM app_case_index WHERE case_id = $1`, [id]);
      throw error;
    }
    for (const e of written.events) await this.indexCaseEvent(e);
    return written;
  }

  /** Claims the open-case slot of a case about to be opened; refuses `case-already-open` when taken. */
  private async claimOpenCase(event: DomainEvent): Promise<boolean> {
    const data = event.data as { caseId: string; subscriberId: string; kind: string; occurredAt: string };
    const inserted = await this.db.query(
      `INSERT INTO app_case_index (case_id, subscriber_id, kind, opened_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
      [data.caseId, data.subscriberId, data.kind, data.occurredAt],
    );
    if (inserted.rowCount === 1) return true;
    const { rows } = await this.db.query<{ case_id: string }>(`SELECT case_id FROM app_case_index WHERE case_id = $1`, [data.caseId]);
    // The same case already indexed (a replay, or another process indexing its event): not ours to undo.
    if (rows.length > 0) return false;
    throw new DomainError('case-already-open', `subscriber ${data.subscriberId} already has an open ${data.kind} case`);
  }

  /**
   * Decides a command on the stream's latest state, saving the read when the cache can be trusted.
   * The write path holds the stream's lock and every write of this process updates the cache, so a
   * cached state is only behind when another process wrote; then the append (expected version and
   * hash) fails with a conflict, and `run` drops the entry and decides again on a fresh read. What
   * the append cannot check is read first: a refusal or a no-op (both answered without appending),
   * and an `If-Match` version, which must be compared with the stream's real version.
   */
  private async decideOnLatest<S, E>(
    streamId: string,
    ctx: RunContext,
    cache: StateCache<S>,
    load: () => Promise<CachedState<S>>,
    decide: (loaded: CachedState<S>) => E[],
  ): Promise<{ loaded: CachedState<S>; events: E[] }> {
    const cached = ctx.expectedVersion === undefined ? cache.get(streamId) : undefined;
    if (cached) {
      try {
        const events = decide(cached);
        if (events.length > 0) return { loaded: cached, events };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
      }
    }
    const loaded = await load();
    this.checkExpected(streamId, ctx, loaded.version);
    return { loaded, events: decide(loaded) };
  }

  private checkExpected(streamId: string, ctx: RunContext, actual: number): void {
    if (ctx.expectedVersion !== undefined && ctx.expectedVersion !== actual) throw new ConcurrencyError(streamId, ctx.expectedVersion, actual);
  }

  private async append<S, E extends DomainEvent>(
    streamId: string,
    id: string,
    commandType: string,
    events: readonly E[],
    loaded: CachedState<S>,
    ctx: RunContext,
    evolve: (state: S, event: E) => S,
    cache: StateCache<S>,
  ): Promise<Written> {
    if (events.length === 0) {
      return { events: [], result: { id, version: loaded.version, position: loaded.position, events: [] } };
    }
    const ids = ctx.eventIds?.(events.length) ?? events.map(() => randomUUID());
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
    const appended = await this.store.append(streamId, toAppend, { expectedVersion: loaded.version === -1 ? 'no_stream' : loaded.version });
    this.observer.appended?.(commandType, events.length);
    let state = loaded.state;
    for (const e of events) state = evolve(state, e);
    cache.set(streamId, { state, version: appended.version, position: appended.position, attention: loaded.attention });
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

  /** Folds a stream from the cached state on: one read of the events after the cached version. */
  private async load<S, E extends DomainEvent>(streamId: string, cache: StateCache<S>, initial: () => S, evolve: (s: S, e: E) => S): Promise<CachedState<S>> {
    const cached = cache.get(streamId);
    let entry: CachedState<S> = cached ?? { state: initial(), version: -1, position: START_POSITION };
    const fresh = await this.store.readStream(streamId, { fromVersion: entry.version + 1 });
    if (fresh.length > 0) {
      let state = entry.state;
      for (const e of fresh) state = evolve(state, e as unknown as E);
      const last = fresh[fresh.length - 1]!;
      entry = { state, version: last.version, position: last.position, attention: entry.attention };
    }
    if (fresh.length > 0 || !cached) cache.set(streamId, entry);
    return entry;
  }

  loadSubscriber(id: string): Promise<CachedState<SubscriberState>> {
    return this.load(subscriberStream(id), this.subscribers, subscriberDecider.initialState, subscriberDecider.evolve);
  }

  loadCase(id: string): Promise<CachedState<CaseState>> {
    return this.load(caseStream(id), this.cases, caseDecider.initialState, caseDecider.evolve);
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
      : await this.loadCase(caseId);
    if (!state.exists) throw new AggregateNotFoundError('case', caseId, asOf ? `case ${caseId} did not exist at that point` : undefined);
    return { ...caseView(state), version };
  }

  /** Open cases of a subscriber (now, or at an instant). */
  async openCases(subscriberId: string, at?: string): Promise<Array<{ caseId: string; kind: CaseKind }>> {
    const { rows } = await this.db.query<{ case_id: string; kind: CaseKind }>(
      at === undefined
        ? `SELECT case_id, kind FROM app_case_index WHERE subscriber_id = $1 AND closed_at IS NULL ORDER BY opened_at, case_id`
        : `SELECT case_id, kind FROM app_case_index WHERE subscriber_id = $1 AND opened_at <= $2::timestamptz
             AND (closed_at IS NULL OR closed_at > $2::timestamptz) ORDER BY opened_at, case_id`,
      at === undefined ? [subscriberId] : [subscriberId, at],
      { name: at === undefined ? 'app_open_cases' : 'app_open_cases_at' },
    );
    return rows.map((r) => ({ caseId: r.case_id, kind: r.kind }));
  }

  /** Keeps the case index in step with a case event (idempotent: replays change nothing). */
  async indexCaseEvent(event: Pick<StoredEvent, 'type' | 'data'>): Promise<void> {
    const data = event.data as { caseId: string; subscriberId: string; kind?: string; occurredAt: string };
    if (event.type === 'CaseOpened') {
      await this.db.query(
        // Any conflict: this case already indexed, or (after a crash) another open case of the kind.
        `INSERT INTO app_case_index (case_id, subscriber_id, kind, opened_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`,
        [data.caseId, data.subscriberId, data.kind, data.occurredAt],
      );
    } else if (event.type === 'CaseClosed') {
      await this.db.query(`UPDATE app_case_index SET closed_at = $2 WHERE case_id = $1 AND closed_at IS NULL`, [data.caseId, data.occurredAt]);
    }
  }

  /** Records when the subscriber next needs a scheduler pass (skipped when unchanged). */
  async updateSchedule(subscriberId: string, entry: CachedState<SubscriberState>): Promise<void> {
    const attention = nextSchedulerAttention(entry.state, this.policy);
    if (entry.attention === attention) return;
    await this.db.query(
      `INSERT INTO app_schedule (subscriber_id, attention_at) VALUES ($1, $2) ON CONFLICT (subscriber_id) DO UPDATE SET attention_at = EXCLUDED.attention_at`,
      [subscriberId, attention],
      { name: 'app_schedule_upsert' },
    );
    entry.attention = attention;
  }

  /**
   * One scheduler pass as of `now` over the subscribers whose attention time has come: missed
   * payments (with a friendly reminder), suspensions, notices taking effect; then the policies.
   * Event ids derive from the subscriber, the instant and its version, so two processes ticking
   * at once write each event once.
   */
  async tick(now: string, actor: Actor = SYSTEM): Promise<TickResult> {
    const started = performance.now();
    const seconds = () => (performance.now() - started) / 1000;
    try {
      const result = await this.schedulerPass(now, actor);
      this.observer.schedulerPass?.({ ok: true, seconds: seconds(), events: result.events.length });
      return result;
    } catch (error) {
      this.observer.schedulerPass?.({ ok: false, seconds: seconds(), events: 0 });
      throw error;
    }
  }

  private async schedulerPass(now: string, actor: Actor): Promise<TickResult> {
    const instant = new Date(now).toISOString();
    const correlationId = randomUUID();
    const result: TickResult = { now: instant, subscribersExamined: 0, commands: 0, events: [] };
    let after = '';
    for (;;) {
      const { rows } = await this.db.query<{ subscriber_id: string }>(
        `SELECT subscriber_id FROM app_schedule WHERE attention_at <= $1::timestamptz AND subscriber_id > $2 ORDER BY subscriber_id LIMIT 500`,
        [instant, after],
      );
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.subscriber_id;
      for (const { subscriber_id: id } of rows) {
        result.subscribersExamined++;
        const written = await this.locks.run(subscriberStream(id), () => this.passOne(id, instant, actor, correlationId));
        if (!written) continue;
        result.commands += written.commands;
        const full = await this.followUps(written.written, correlationId, 0);
        result.events.push(...full.events);
      }
    }
    // Long-running safety (issue 12): the key table keeps only the retention window.
    await pruneIdempotencyKeys(this.db, this.idempotencyTtlHours);
    return result;
  }

  private async passOne(id: string, instant: string, actor: Actor, correlationId: string): Promise<{ written: Written; commands: number } | null> {
    const streamId = subscriberStream(id);
    for (let attempt = 0; ; attempt++) {
      const loaded = await this.loadSubscriber(id);
      const pass = runSchedulerPass(loaded.state, instant, this.policy);
      if (pass.events.length === 0) {
        await this.updateSchedule(id, loaded);
        return null;
      }
      const commandId = `${SCHEDULER}:${id}:${instant}:${loaded.version}`;
      try {
        const written = await this.append(
          streamId,
          id,
          'SchedulerPass',
          pass.events,
          loaded,
          { actor, correlationId, causationId: correlationId, eventIds: (n) => eventIdsFor(commandId, n) },
          subscriberDecider.evolve,
          this.subscribers,
        );
        await this.updateSchedule(id, this.subscribers.get(streamId) ?? loaded);
        return { written, commands: pass.commands.length };
      } catch (error) {
        if (!(error instanceof ConcurrencyError) || attempt >= this.maxRetries) throw error;
        this.observer.conflict?.('SchedulerPass', true);
        this.subscribers.delete(streamId);
      }
    }
  }
}
