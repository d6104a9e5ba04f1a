/**
 * Process managers (policies): pure reactions to events that produce commands for other (or the
 * same) streams. The application runs them from checkpointed subscriptions on the global log,
 * loads the lookups for the event, and passes every produced command through the normal decide
 * path with the produced `commandId` (use it as the Idempotency-Key / derive event ids from it
 * with `eventIdsFor`), so a replay after a crash never acts twice.
 *
 * Every produced command carries `automatedBy: <process manager name>`, which makes it idempotent in
 * `decide`: if what it asks for is already done or no longer applies, decide returns `[]`.
 * Its business time is the triggering event's `occurredAt` (raised to the target stream's last
 * event when that is later).
 */
import type { CaseCommand, SubscriberCommand } from '../contracts/commands.js';
import type { CaseKind, DomainEvent, DomainEventType } from '../contracts/events.js';
import type { ExistingCase } from '../case/state.js';
import { defaultDunningPolicy, type DunningPolicy } from '../dunning/policy.js';
import { deterministicId } from '../shared/ids.js';
import { hasFullProfitabilityWindow, isAutomaticReinstatementDue, isSuspensionDue, trailingProfitability } from '../subscriber/queries.js';
import type { SubscriberState } from '../subscriber/state.js';

/** An event as read from the store: its id (for deterministic ids) plus type and data (upcast). */
export type SourceEvent = DomainEvent & { id: string };

/** What the application loads before calling `react` (the current states). */
export interface ProcessManagerLookups {
  /** The state of the event's subscriber (`data.subscriberId`). */
  subscriber?: SubscriberState;
  /** The state of the event's case (`data.caseId`), for case events, once it was opened. */
  case?: ExistingCase;
  /** The subscriber's open cases (from the cases read model, or folded). */
  openCases?: ReadonlyArray<{ caseId: string; kind: CaseKind }>;
  /** The service's dunning policy (default if absent). */
  policy?: DunningPolicy;
}

export type PolicyCommand =
  | { stream: 'subscriber'; id: string; command: SubscriberCommand; commandId: string; causationId: string; processManager: string }
  | { stream: 'case'; id: string; command: CaseCommand; commandId: string; causationId: string; processManager: string };

/** A lookup a process manager may ask the application to load before it reacts. */
export type ProcessManagerLookup = 'subscriber' | 'case' | 'openCases';

export interface ProcessManager {
  readonly name: string;
  readonly reactsTo: readonly DomainEventType[];
  /**
   * The lookups `react` reads (the policy is always given). The application loads these and only
   * these for an event this manager reacts to, so a new manager declares what it needs here
   * instead of the application keeping a list of event types.
   */
  readonly needs: readonly ProcessManagerLookup[];
  /** Pure: the same event and lookups always give the same commands, with the same ids. */
  react(event: SourceEvent, lookups: ProcessManagerLookups): PolicyCommand[];
}

/** Actor recorded in `openedBy` and in metadata for automated commands. */
export const SYSTEM_ACTOR = 'system';

function toSubscriber(pm: string, event: SourceEvent, purpose: string, command: SubscriberCommand): PolicyCommand {
  return {
    stream: 'subscriber',
    id: command.data.subscriberId,
    command: { ...command, automatedBy: pm },
    commandId: deterministicId(pm, event.id, purpose),
    causationId: event.id,
    processManager: pm,
  };
}

function toCase(pm: string, event: SourceEvent, purpose: string, command: CaseCommand): PolicyCommand {
  return {
    stream: 'case',
    id: command.data.caseId,
    command: { ...command, automatedBy: pm },
    commandId: deterministicId(pm, event.id, purpose),
    causationId: event.id,
    processManager: pm,
  };
}

function requireLookup<T>(value: T | undefined, pm: string, what: string): T {
  if (value === undefined) throw new TypeError(`process manager ${pm} needs lookups.${what}`);
  return value;
}

/** A payment that clears a non-payment suspension (without a write-off) reinstates the service. */
const automaticReinstatement: ProcessManager = {
  name: 'automatic-reinstatement',
  reactsTo: ['PaymentReceived'],
  needs: ['subscriber'],
  react(event, lookups) {
    if (event.type !== 'PaymentReceived') return [];
    const s = lookups.subscriber;
    if (s && !isAutomaticReinstatementDue(s)) return [];
    return [
      toSubscriber(this.name, event, 'reinstate', {
        type: 'ReinstateService',
        data: { subscriberId: event.data.subscriberId, reason: 'payment cleared the overdue balance', at: event.data.occurredAt },
      }),
    ];
  },
};

/**
 * A missed payment recorded when the invoice is already `suspendAfterDays` past due (e.g. an
 * operator recording it late) suspends at once instead of waiting for the next scheduler pass.
 */
const dunning: ProcessManager = {
  name: 'dunning',
  reactsTo: ['PaymentMissed'],
  needs: ['subscriber'],
  react(event, lookups) {
    if (event.type !== 'PaymentMissed') return [];
    const s = requireLookup(lookups.subscriber, this.name, 'subscriber');
    if (!isSuspensionDue(s, event.data.occurredAt, lookups.policy ?? defaultDunningPolicy)) return [];
    return [
      toSubscriber(this.name, event, 'suspend', {
        type: 'SuspendService',
        data: { subscriberId: event.data.subscriberId, reason: 'non_payment', at: event.data.occurredAt },
      }),
    ];
  },
};

/** A cancellation request opens a retention case (unless one is open). */
const retentionOnCancellation: ProcessManager = {
  name: 'retention-on-cancellation',
  reactsTo: ['CancellationRequested'],
  needs: ['subscriber', 'openCases'],
  react(event, lookups) {
    if (event.type !== 'CancellationRequested') return [];
    if ((lookups.openCases ?? []).some((c) => c.kind === 'retention')) return [];
    if (lookups.subscriber?.status === 'terminated') return [];
    const caseId = deterministicId(this.name, event.id, 'case');
    return [
      toCase(this.name, event, 'open-case', {
        type: 'OpenCase',
        data: {
          caseId,
          subscriberId: event.data.subscriberId,
          kind: 'retention',
          summary: `Cancellation requested: ${event.data.reason}`,
          openedBy: SYSTEM_ACTOR,
          at: event.data.occurredAt,
        },
      }),
    ];
  },
};

/** An agreed retention plan withdraws the cancellation (CancellationWithdrawn). */
const retentionPlanAgreed: ProcessManager = {
  name: 'retention-plan-agreed',
  reactsTo: ['RetentionPlanAgreed'],
  needs: ['subscriber', 'case'],
  react(event, lookups) {
    if (event.type !== 'RetentionPlanAgreed') return [];
    const isRetention = lookups.case ? lookups.case.kind === 'retention' : lookups.subscriber?.pendingCancellation != null;
    if (!isRetention) return [];
    return [
      toSubscriber(this.name, event, 'withdraw-cancellation', {
        type: 'WithdrawCancellation',
        data: { subscriberId: event.data.subscriberId, caseId: event.data.caseId, at: event.data.occurredAt },
      }),
    ];
  },
};

/** A rejected retention plan gives the client's termination notice (voluntary). */
const retentionPlanRejected: ProcessManager = {
  name: 'retention-plan-rejected',
  reactsTo: ['RetentionPlanRejected'],
  needs: [],
  react(event) {
    if (event.type !== 'RetentionPlanRejected') return [];
    return [
      toSubscriber(this.name, event, 'client-notice', {
        type: 'GiveTerminationNotice',
        data: {
          subscriberId: event.data.subscriberId,
          initiatedBy: 'client',
          reasons: [event.data.reason],
          effectiveDate: event.data.effectiveDate,
          caseId: event.data.caseId,
          at: event.data.occurredAt,
        },
      }),
    ];
  },
};

/** An approved termination gives the provider's notice, with the recommendation's terms. */
const terminationApproved: ProcessManager = {
  name: 'termination-approved',
  reactsTo: ['TerminationApproved'],
  needs: ['case'],
  react(event, lookups) {
    if (event.type !== 'TerminationApproved') return [];
    const c = requireLookup(lookups.case, this.name, 'case');
    const rec = c.recommendation;
    if (!rec) throw new TypeError(`process manager ${this.name}: case ${event.data.caseId} has no recommendation`);
    const data: Extract<SubscriberCommand, { type: 'GiveTerminationNotice' }>['data'] = {
      subscriberId: event.data.subscriberId,
      initiatedBy: 'provider',
      reasons: [...rec.reasons],
      effectiveDate: rec.effectiveDate,
      caseId: event.data.caseId,
      approvedBy: event.data.approvedBy,
      caseKind: c.kind,
      at: event.data.occurredAt,
    };
    if (rec.recommendedProvider !== null) data.recommendedProvider = rec.recommendedProvider;
    return [toSubscriber(this.name, event, 'provider-notice', { type: 'GiveTerminationNotice', data })];
  },
};

/** A migration to a partner ends the relationship here (SubscriberTerminated, kind migrated). */
const partnerMigration: ProcessManager = {
  name: 'partner-migration',
  reactsTo: ['ClientMigrated'],
  needs: [],
  react(event) {
    if (event.type !== 'ClientMigrated' || event.data.target !== 'partner') return [];
    return [
      toSubscriber(this.name, event, 'terminate', {
        type: 'TerminateSubscriber',
        data: { subscriberId: event.data.subscriberId, at: event.data.occurredAt },
      }),
    ];
  },
};

/** Trailing window of the profitability watch, in days. */
const PROFITABILITY_WINDOW_DAYS = 90;

/**
 * Profitability watch: when the cost to serve over the trailing 90 days (ending at the cost's
 * occurredAt) exceeds what the subscriber paid in that window, open an `unprofitable` case if none
 * is open — only for a subscriber who was a customer that whole window and is active or suspended
 * (see {@link hasFullProfitabilityWindow}); an operator may still open the case by hand.
 */
export const profitabilityWatch: ProcessManager = {
  name: 'profitability-watch',
  reactsTo: ['CostToServeRecorded'],
  needs: ['subscriber', 'openCases'],
  react(event, lookups) {
    if (event.type !== 'CostToServeRecorded') return [];
    const s = requireLookup(lookups.subscriber, this.name, 'subscriber');
    if (!hasFullProfitabilityWindow(s, event.data.occurredAt, PROFITABILITY_WINDOW_DAYS)) return [];
    if ((lookups.openCases ?? []).some((c) => c.kind === 'unprofitable')) return [];
    const p = trailingProfitability(s, event.data.occurredAt, PROFITABILITY_WINDOW_DAYS);
    if (p.costToServe <= p.paid) return [];
    return [
      toCase(this.name, event, 'open-case', {
        type: 'OpenCase',
        data: {
          caseId: deterministicId(this.name, event.id, 'case'),
          subscriberId: event.data.subscriberId,
          kind: 'unprofitable',
          summary: `Cost to serve over the trailing ${PROFITABILITY_WINDOW_DAYS} days (${p.costToServe}) exceeds what was paid (${p.paid})`,
          openedBy: SYSTEM_ACTOR,
          at: event.data.occurredAt,
        },
      }),
    ];
  },
};

/** Every process manager, in the order they should be consulted. */
export const processManagers: readonly ProcessManager[] = [
  automaticReinstatement,
  dunning,
  retentionOnCancellation,
  retentionPlanAgreed,
  retentionPlanRejected,
  terminationApproved,
  partnerMigration,
  profitabilityWatch,
];

/** Event types some process manager reacts to (the subscription filter). */
export const PROCESS_MANAGER_EVENT_TYPES: readonly DomainEventType[] = [...new Set(processManagers.flatMap((p) => p.reactsTo))];

/** The lookups the managers that react to `type` need (empty when none reacts). */
export function lookupsFor(type: string): ReadonlySet<ProcessManagerLookup> {
  return new Set(processManagers.filter((p) => (p.reactsTo as readonly string[]).includes(type)).flatMap((p) => p.needs));
}

/** Runs every process manager interested in the event. */
export function reactToEvent(event: SourceEvent, lookups: ProcessManagerLookups): PolicyCommand[] {
  return processManagers.filter((p) => p.reactsTo.includes(event.type)).flatMap((p) => p.react(event, lookups));
}
