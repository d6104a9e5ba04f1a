import {
  caseDecider,
  caseStream,
  commandContracts,
  DomainError,
  nextSchedulerAttention,
  subscriberDecider,
  subscriberFacts,
  subscriberStream,
  type CaseCommand,
  type CaseContext,
  type CaseEvent,
  type CaseState,
  type Decider,
  type DomainCommand,
  type DomainEvent,
  type DunningPolicy,
  type SubscriberCommand,
  type SubscriberContext,
  type SubscriberEvent,
  type SubscriberState,
} from '@libs/domain';
import type { ApplicationPorts } from './ports.js';
import type { CachedState } from './state-cache.js';
import type { Actor } from './types.js';

/** What an aggregate's hooks may use: who acts, the policy, the ports, and the other aggregates' states. */
export interface AggregateEnv {
  actor: Actor;
  policy: DunningPolicy;
  ports: ApplicationPorts;
  /** The latest state of an aggregate (the handler's cache, then the events after it). */
  load<S>(type: AggregateType<S, any, any, any>, id: string): Promise<CachedState<S>>;
}

/**
 * One entry of the registry: everything the generic command handler needs to know about an
 * aggregate. Adding a third aggregate means a new entry here (and its commands in the domain's
 * contracts), not a change to the handler.
 */
export interface AggregateType<S = unknown, C = unknown, E extends DomainEvent = DomainEvent, Ctx = unknown> {
  readonly name: 'subscriber' | 'case';
  readonly decider: Decider<C, E, S, Ctx>;
  streamOf(id: string): string;
  idOf(command: C): string;
  /** What the handler serialises commands on inside one process (usually the stream). */
  lockKey(command: C): string;
  /** The decider's context for this command on this state (may read other aggregates and ports). */
  loadContext(command: C, state: S, env: AggregateEnv): Promise<Ctx>;
  /** Before the append: reserve what the append must not race for; returns how to undo it if the append fails. */
  beforeAppend?(events: readonly E[], env: AggregateEnv): Promise<(() => Promise<void>) | undefined>;
  /** After the decision, written or not: keep the ports' indexes in step with the state. */
  afterWrite?(id: string, entry: CachedState<S>, written: readonly E[], env: AggregateEnv): Promise<void>;
}

export type SubscriberAggregate = AggregateType<SubscriberState, SubscriberCommand, SubscriberEvent, SubscriberContext>;
export type CaseAggregate = AggregateType<CaseState, CaseCommand, CaseEvent, CaseContext>;

/** Records when the subscriber next needs a scheduler pass (skipped when unchanged). */
export async function refreshSchedule(id: string, entry: CachedState<SubscriberState>, env: Pick<AggregateEnv, 'policy' | 'ports'>): Promise<void> {
  const attention = nextSchedulerAttention(entry.state, env.policy);
  if (entry.attention === attention) return;
  await env.ports.schedule.set(id, attention);
  entry.attention = attention;
}

export const subscriberAggregate: SubscriberAggregate = {
  name: 'subscriber',
  decider: subscriberDecider,
  streamOf: subscriberStream,
  idOf: (command) => command.data.subscriberId,
  lockKey: (command) => subscriberStream(command.data.subscriberId),
  loadContext: async (_command, _state, env) => ({ policy: env.policy }),
  afterWrite: (id, entry, _written, env) => refreshSchedule(id, entry, env),
};

export const caseAggregate: CaseAggregate = {
  name: 'case',
  decider: caseDecider,
  streamOf: caseStream,
  idOf: (command) => command.data.caseId,
  // Opening a case checks the subscriber's other open cases: serialise per subscriber too.
  lockKey: (command) => (command.type === 'OpenCase' ? `open-case:${command.data.subscriberId}` : caseStream(command.data.caseId)),
  async loadContext(command, state, env) {
    const subscriberId = command.type === 'OpenCase' ? command.data.subscriberId : state.subscriberId;
    if (subscriberId === null) throw new DomainError('unknown-case', `case ${command.data.caseId} does not exist`);
    const subscriber = (await env.load(subscriberAggregate, subscriberId)).state;
    if (!subscriber.exists) throw new DomainError('unknown-subscriber', `subscriber ${subscriberId} does not exist`);
    const openCaseKinds = command.type === 'OpenCase' ? (await env.ports.cases.openCases(subscriberId)).map((c) => c.kind) : undefined;
    return { subscriber: subscriberFacts(subscriber), role: env.actor.roles ?? [env.actor.role], openCaseKinds };
  },
  // The in-process lock serialises openings here; the index's one open case per (subscriber,
  // kind) does it across service processes: the slot is claimed before the append.
  async beforeAppend(events, env) {
    const opening = events.find((e) => e.type === 'CaseOpened');
    if (opening?.type !== 'CaseOpened') return undefined;
    const { caseId, subscriberId, kind, occurredAt } = opening.data;
    const claimed = await env.ports.cases.claim({ caseId, subscriberId, kind, openedAt: occurredAt });
    return claimed ? () => env.ports.cases.unclaim(caseId) : undefined;
  },
  async afterWrite(_id, _entry, written, env) {
    for (const e of written) await env.ports.cases.apply(e);
  },
};

/** The registry: which aggregate a command is for (the domain's contracts say). */
export const aggregates = { subscriber: subscriberAggregate, case: caseAggregate } as const;

export function aggregateOf(command: DomainCommand): AggregateType<unknown, DomainCommand, DomainEvent, unknown> {
  return aggregates[commandContracts[command.type].aggregate] as unknown as AggregateType<unknown, DomainCommand, DomainEvent, unknown>;
}
