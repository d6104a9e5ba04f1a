/**
 * `work-queues`: what the operator's and the executive's work queues (issue 16) are read from.
 *
 * The fold is the domain's own: each subscriber's and each case's state is evolved with
 * `evolveSubscriber` / `evolveCase`, so "in default", "arrangement in force", "suspension due",
 * "next step" mean exactly what the deciders and the scheduler mean. The state is kept as jsonb
 * beside the columns the queues filter and sort on. Payments and costs are moved out of the
 * state into a trailing-90-day ledger (pruned as business time advances) so a row does not grow
 * with the client's whole payment history.
 *
 * {@link foldWorkQueues} is pure (maps in, rows out) and is what the given/then specs test; the
 * projection (projection.ts) only loads the touched rows, folds and writes them back.
 */
import {
  evolveCase,
  evolveSubscriber,
  initialCaseState,
  initialSubscriberState,
  isCaseEventType,
  isSubscriberEventType,
  KINDS_EXCUSED_FROM_REMEDY,
  missedUnpaid,
  REMEDY_STEPS,
  type CaseEvent,
  type EnrolledSubscriber,
  type ExistingCase,
  type SubscriberEvent,
} from '@libs/domain';
import type { EvolveContext } from '../read-model.js';
import type { RowOf } from '../table.js';
import type { workQueueCasesTable, WorkQueueLedgerRow, workQueueSubscribersTable } from './table.js';

/** Trailing window of the unprofitable queue (domain.md §5, as the profitability watch). */
const WORK_QUEUE_TRAILING_DAYS = 90;
const DAY_MS = 86_400_000;

/** What the queues read of one subscriber (a row of `rm_work_queue_subscribers`): kept from its enrolment on. */
export type WorkQueueSubscriberRow = Omit<RowOf<typeof workQueueSubscribersTable>, 'state'> & { state: EnrolledSubscriber };

/** What the queues read of one case (a row of `rm_work_queue_cases`). */
export type WorkQueueCaseRow = Omit<RowOf<typeof workQueueCasesTable>, 'state'> & { state: ExistingCase };

export type { WorkQueueLedgerRow };

const minDate = (dates: string[]): string | null => (dates.length === 0 ? null : dates.reduce((a, b) => (b < a ? b : a)));

/** The queue columns of a subscriber's state. */
function subscriberQueueRow(state: EnrolledSubscriber): WorkQueueSubscriberRow {
  const missed = missedUnpaid(state);
  const live = state.status !== 'terminated';
  return {
    subscriber_id: state.subscriberId,
    name: state.name,
    segment: state.segment,
    currency: state.plan.currency,
    status: state.status,
    customer_since: state.customerSince,
    amount_owed: missed.reduce((s, i) => s + i.owed, 0),
    missed_invoices: missed.length,
    oldest_due_date: minDate(missed.map((i) => i.dueDate)),
    unarranged_due_date: minDate(missed.filter((i) => i.arrangedUntil === null).map((i) => i.dueDate)),
    arranged_until: minDate(missed.filter((i) => i.arrangedUntil !== null).map((i) => i.arrangedUntil!)),
    cancellation_requested_at: live ? (state.pendingCancellation?.requestedAt ?? null) : null,
    cancellation_reason: live ? (state.pendingCancellation?.reason ?? null) : null,
    notice_effective_date: live ? (state.notice?.effectiveDate ?? null) : null,
    notice_initiated_by: live ? (state.notice?.initiatedBy ?? null) : null,
    state,
  };
}

/**
 * The next thing to do on an open case, as a code (the console words it): for a retention case
 * `analyze-usage`, `propose-retention-plan`, `agree-or-reject-plan`, then `close-case`; for the
 * others the first remedy step neither taken nor skipped (`reassess`, `educate`, `renegotiate`,
 * `migrate`; none for the kinds excused from remedy), then `recommend-termination`,
 * `await-approval`, and once approved `close-case`. Null for a closed case.
 */
export function nextCaseStep(state: ExistingCase): string | null {
  if (state.status !== 'open') return null;
  if (state.kind === 'retention') {
    if (!state.analysis) return 'analyze-usage';
    if (!state.proposedPlan) return 'propose-retention-plan';
    if (!state.agreedPlan && !state.rejection) return 'agree-or-reject-plan';
    return 'close-case';
  }
  if (state.approval) return 'close-case';
  if (state.recommendation) return 'await-approval';
  if (!KINDS_EXCUSED_FROM_REMEDY.includes(state.kind)) {
    const missing = REMEDY_STEPS.find((s) => state.steps[s] === undefined);
    if (missing) return missing;
  }
  return 'recommend-termination';
}

/** The queue columns of a case's state. */
function caseQueueRow(state: ExistingCase): WorkQueueCaseRow {
  return {
    case_id: state.caseId,
    subscriber_id: state.subscriberId,
    kind: state.kind,
    status: state.status,
    opened_at: state.openedAt,
    next_step: nextCaseStep(state),
    recommended_at: state.recommendation?.at ?? null,
    effective_date: state.recommendation?.effectiveDate ?? null,
    approved: state.approval !== null,
    state,
  };
}

/** The states a batch touches, keyed by id (loaded from the tables, or empty in a spec). */
export interface WorkQueueModel {
  /** Subscribers are kept from their SubscriberEnrolled on. */
  subscribers: Map<string, EnrolledSubscriber>;
  /** Cases are kept from their CaseOpened on. */
  cases: Map<string, ExistingCase>;
}

export interface WorkQueueChanges {
  subscribers: WorkQueueSubscriberRow[];
  cases: WorkQueueCaseRow[];
  ledger: WorkQueueLedgerRow[];
}

/**
 * Folds events (position order) into `model` (mutated: the states are replaced) and returns the
 * rows to write. Pure apart from `model`: no database, no clock.
 */
export function foldWorkQueues(model: WorkQueueModel, events: readonly { type: string; data: unknown }[]): WorkQueueChanges {
  const dirtySubscribers = new Set<string>();
  const dirtyCases = new Set<string>();
  const ledger: WorkQueueLedgerRow[] = [];
  for (const event of events) {
    if (isSubscriberEventType(event.type)) {
      const e = event as SubscriberEvent;
      const id = e.data.subscriberId;
      const before = model.subscribers.get(id);
      let evolved: EnrolledSubscriber;
      if (before === undefined) {
        if (e.type !== 'SubscriberEnrolled') continue;
        evolved = evolveSubscriber(initialSubscriberState(), e);
      } else {
        evolved = evolveSubscriber(before, e);
      }
      // Payments and costs live in the ledger rows, not in the stored state.
      model.subscribers.set(id, { ...evolved, payments: [], costs: [] });
      dirtySubscribers.add(id);
      if (e.type === 'PaymentReceived') ledger.push({ subscriber_id: id, at: e.data.occurredAt, collected: e.data.amount, cost: 0 });
      if (e.type === 'CostToServeRecorded') ledger.push({ subscriber_id: id, at: e.data.occurredAt, collected: 0, cost: e.data.amount });
    } else if (isCaseEventType(event.type)) {
      const e = event as CaseEvent;
      const id = e.data.caseId;
      const before = model.cases.get(id);
      if (before === undefined) {
        if (e.type !== 'CaseOpened') continue;
        model.cases.set(id, evolveCase(initialCaseState(), e));
      } else {
        if (e.type === 'CaseOpened') continue;
        model.cases.set(id, evolveCase(before, e));
      }
      dirtyCases.add(id);
    }
  }
  return {
    subscribers: [...dirtySubscribers].map((id) => subscriberQueueRow(model.subscribers.get(id)!)),
    cases: [...dirtyCases].map((id) => caseQueueRow(model.cases.get(id)!)),
    ledger,
  };
}

/** Start of the trailing window ending at `asOf` (exclusive). */
export function trailingWindowFrom(asOf: string): string {
  return new Date(Date.parse(asOf) - WORK_QUEUE_TRAILING_DAYS * DAY_MS).toISOString();
}

/** What a batch writes: the touched rows, and the ledger entries still inside the window ending at `asOf`. */
export interface WorkQueueWrites extends WorkQueueChanges {
  /** Ids of the rows the batch creates (none was stored): written by plain INSERT. */
  created: { subscribers: ReadonlySet<string>; cases: ReadonlySet<string> };
  /** Ledger entries at or before this instant are out of every future window: pruned. */
  windowFrom: string;
}

/**
 * The read model's evolve: {@link foldWorkQueues} on copies of the loaded states (which it leaves
 * untouched). Business time only advances: what fell out of the window never comes back into it,
 * so entries already outside it are not written at all (a catch-up would write and delete most).
 * (Whole milliseconds: an entry earlier than the window's millisecond is certainly out of it.)
 */
export function evolveWorkQueues(loaded: WorkQueueModel, events: readonly { type: string; data: unknown }[], ctx: EvolveContext): WorkQueueWrites {
  const changes = foldWorkQueues({ subscribers: new Map(loaded.subscribers), cases: new Map(loaded.cases) }, events);
  const windowFrom = trailingWindowFrom(ctx.asOf);
  const fromMs = Date.parse(windowFrom);
  return {
    ...changes,
    ledger: changes.ledger.filter((r) => !(Date.parse(r.at) < fromMs)),
    created: {
      subscribers: new Set(changes.subscribers.map((r) => r.subscriber_id).filter((id) => !loaded.subscribers.has(id))),
      cases: new Set(changes.cases.map((r) => r.case_id).filter((id) => !loaded.cases.has(id))),
    },
    windowFrom,
  };
}
