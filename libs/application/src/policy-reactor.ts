import { randomUUID } from 'node:crypto';
import { comparePositions, type StoredEvent } from '@libs/event-store';
import {
  CASE_STREAM_PREFIX,
  DomainError,
  eventIdsFor,
  isCaseEventType,
  isSubscriberEventType,
  lookupsFor,
  PROCESS_MANAGER_EVENT_TYPES,
  reactToEvent,
  SYSTEM_ACTOR,
  type DomainCommand,
  type PolicyCommand,
  type ProcessManagerLookups,
  type SourceEvent,
} from '@libs/domain';
import { caseAggregate, refreshSchedule, subscriberAggregate } from './aggregates.js';
import type { CommandHandler, Written } from './command-handler.js';
import type { Actor, CommandResult } from './types.js';

/** The actor of policies and the scheduler. */
export const SYSTEM: Actor = { id: SYSTEM_ACTOR, role: 'system', roles: ['system'] };

const PM_EVENT_TYPES: ReadonlySet<string> = new Set(PROCESS_MANAGER_EVENT_TYPES);
/** Inline-handled event ids remembered for the policies' subscription to skip. */
const MAX_HANDLED_INLINE = 100_000;
/** Policy follow-ups deeper than this are a loop between process managers, not business. */
const MAX_FOLLOW_UP_DEPTH = 8;

/**
 * Runs the domain's process managers on written events: inline right after a write (their
 * events are in the command's answer) and, durably, from the policies' checkpointed
 * subscription ({@link PolicyReactor.catchUp}). Each manager declares the lookups it reads
 * (`needs`); only those are loaded. Every produced command goes through the one command handler
 * with ids derived from its `commandId`, so a replay writes nothing twice.
 */
export class PolicyReactor {
  private readonly handledInline = new Set<string>();

  constructor(private readonly handler: CommandHandler) {}

  /**
   * The commands the process managers issue for one stored event, with current lookups.
   * `fresh: false` (the inline follow-ups, right after the handler's own append) trusts the cached
   * states instead of re-reading the streams: the commands are decided again on fresh state
   * anyway, and the checkpointed subscription re-checks with `fresh: true`.
   */
  async reactions(event: StoredEvent, fresh = true): Promise<PolicyCommand[]> {
    if (!PM_EVENT_TYPES.has(event.type)) return [];
    const needs = lookupsFor(event.type);
    const data = event.data as { subscriberId?: unknown; caseId?: unknown };
    if (typeof data.subscriberId !== 'string') return [];
    const subscriberId = data.subscriberId;
    const lookups: ProcessManagerLookups = { policy: this.handler.policy };
    if (needs.has('subscriber')) {
      const cached = fresh ? undefined : this.handler.cached(subscriberAggregate, subscriberId);
      const subscriber = (cached ?? (await this.handler.load(subscriberAggregate, subscriberId))).state;
      if (subscriber.exists) lookups.subscriber = subscriber;
    }
    if (needs.has('case') && typeof data.caseId === 'string' && event.streamId.startsWith(CASE_STREAM_PREFIX)) {
      const cached = fresh ? undefined : this.handler.cached(caseAggregate, data.caseId);
      const kase = (cached ?? (await this.handler.load(caseAggregate, data.caseId))).state;
      if (kase.exists) lookups.case = kase;
    }
    if (needs.has('openCases')) lookups.openCases = await this.handler.ports.cases.openCases(subscriberId);
    return reactToEvent({ id: event.id, type: event.type, data: event.data } as SourceEvent, lookups);
  }

  /** Runs one process-manager command; a refusal is the rule working, not a failure. */
  async runPolicyCommand(pc: PolicyCommand, correlationId: string): Promise<Written | null> {
    try {
      return await this.handler.execute(pc.command as DomainCommand, {
        actor: SYSTEM,
        correlationId,
        causationId: pc.causationId,
        eventIds: (n) => eventIdsFor(pc.commandId, n),
      });
    } catch (error) {
      // A policy whose premise no longer holds (e.g. the subscriber was terminated meanwhile)
      // is refused by the domain.
      if (error instanceof DomainError) return null;
      throw error;
    }
  }

  /** Runs the policies on what a run wrote, depth-first, folding their results into the answer. */
  async followUps(written: Written, correlationId: string, depth = 0): Promise<CommandResult> {
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
   * What the checkpointed subscription does with a batch of the log: the indexes (open cases,
   * scheduler attention) and the policies, for every event whose follow-ups did not already run
   * inline in this process. Idempotent: index writes are upserts, policy commands repeat nothing.
   */
  async catchUp(batch: readonly StoredEvent[]): Promise<void> {
    const events = batch.filter((e) => !this.handledInline.delete(e.id));
    await this.index(events);
    for (const event of events) {
      const correlation = typeof event.metadata.correlationId === 'string' ? event.metadata.correlationId : randomUUID();
      for (const command of await this.reactions(event)) await this.runPolicyCommand(command, correlation);
    }
  }

  /**
   * Brings the indexes in step with written events: the case index per case event, the scheduler
   * attention once per subscriber they touch. Idempotent (upserts). `pause` runs between
   * subscribers, for a caller that must yield to the event loop.
   */
  async index(events: readonly StoredEvent[], pause?: () => Promise<void>): Promise<void> {
    const subscribers = new Set<string>();
    for (const event of events) {
      const data = event.data as { subscriberId?: unknown };
      if (isCaseEventType(event.type)) await this.handler.ports.cases.apply(event);
      else if (isSubscriberEventType(event.type) && typeof data.subscriberId === 'string') subscribers.add(data.subscriberId);
    }
    for (const id of subscribers) {
      await refreshSchedule(id, await this.handler.load(subscriberAggregate, id), this.handler.env(SYSTEM));
      await pause?.();
    }
  }

  /**
   * Remembers that an event's follow-ups and index updates ran inline (or, for an imported log,
   * already ran where it was decided), so the subscription can skip it. Memory only, on purpose:
   * after a crash the set is empty and the subscription handles everything again (idempotently).
   */
  markHandled(eventId: string): void {
    this.handledInline.add(eventId);
    if (this.handledInline.size > MAX_HANDLED_INLINE) {
      const oldest = this.handledInline.values().next().value;
      if (oldest !== undefined) this.handledInline.delete(oldest);
    }
  }
}

