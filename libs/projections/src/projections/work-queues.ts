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
 * projection only loads the touched rows, folds and writes them back.
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
  type ExistingCase,
  type SubscriberEvent,
  type SubscriberState,
} from '@libs/domain';
import type { ProjectedEvent, Projection, ProjectionContext } from '../projection.js';
import { insertRows, loadByKeys, saveRows, type Column } from '../sql.js';

/** Trailing window of the unprofitable queue (domain.md §5, as the profitability watch). */
const WORK_QUEUE_TRAILING_DAYS = 90;
const DAY_MS = 86_400_000;

/** What the queues read of one subscriber (a row of `rm_work_queue_subscribers`). */
export interface WorkQueueSubscriberRow {
  subscriber_id: string;
  name: string;
  segment: string;
  currency: string;
  status: string;
  customer_since: string | null;
  /** Σ owed on missed invoices. */
  amount_owed: number;
  missed_invoices: number;
  oldest_due_date: string | null;
  /** Oldest due date of a missed, unpaid invoice no arrangement covers (suspends at + suspendAfterDays). */
  unarranged_due_date: string | null;
  /** Earliest payBy of an arrangement covering a missed, unpaid invoice (suspends the day after). */
  arranged_until: string | null;
  cancellation_requested_at: string | null;
  cancellation_reason: string | null;
  notice_effective_date: string | null;
  notice_initiated_by: string | null;
  state: SubscriberState;
}

/** What the queues read of one case (a row of `rm_work_queue_cases`). */
export interface WorkQueueCaseRow {
  case_id: string;
  subscriber_id: string;
  kind: string;
  status: string;
  opened_at: string;
  next_step: string | null;
  recommended_at: string | null;
  effective_date: string | null;
  approved: boolean;
  state: ExistingCase;
}

/** A payment or a cost inside the trailing window. */
export interface WorkQueueLedgerRow {
  subscriber_id: string;
  at: string;
  collected: number;
  cost: number;
}

const SUBSCRIBER_COLUMNS: Column[] = [
  { name: 'subscriber_id', type: 'text' },
  { name: 'name', type: 'text' },
  { name: 'segment', type: 'text' },
  { name: 'currency', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'customer_since', type: 'timestamptz' },
  { name: 'amount_owed', type: 'bigint' },
  { name: 'missed_invoices', type: 'int' },
  { name: 'oldest_due_date', type: 'date' },
  { name: 'unarranged_due_date', type: 'date' },
  { name: 'arranged_until', type: 'date' },
  { name: 'cancellation_requested_at', type: 'timestamptz' },
  { name: 'cancellation_reason', type: 'text' },
  { name: 'notice_effective_date', type: 'date' },
  { name: 'notice_initiated_by', type: 'text' },
  { name: 'state', type: 'jsonb' },
];

const CASE_COLUMNS: Column[] = [
  { name: 'case_id', type: 'text' },
  { name: 'subscriber_id', type: 'text' },
  { name: 'kind', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'opened_at', type: 'timestamptz' },
  { name: 'next_step', type: 'text' },
  { name: 'recommended_at', type: 'timestamptz' },
  { name: 'effective_date', type: 'date' },
  { name: 'approved', type: 'boolean' },
  { name: 'state', type: 'jsonb' },
];

const LEDGER_COLUMNS: Column[] = [
  { name: 'subscriber_id', type: 'text' },
  { name: 'at', type: 'timestamptz' },
  { name: 'collected', type: 'bigint' },
  { name: 'cost', type: 'bigint' },
];

const minDate = (dates: string[]): string | null => (dates.length === 0 ? null : dates.reduce((a, b) => (b < a ? b : a)));

/** The queue columns of a subscriber's state. */
function subscriberQueueRow(state: SubscriberState): WorkQueueSubscriberRow {
  const missed = missedUnpaid(state);
  const live = state.status !== 'terminated';
  return {
    subscriber_id: state.subscriberId!,
    name: state.name ?? '',
    segment: state.segment ?? '',
    currency: state.plan?.currency ?? '',
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
  subscribers: Map<string, SubscriberState>;
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
      const before = model.subscribers.get(id) ?? initialSubscriberState();
      if (!before.exists && e.type !== 'SubscriberEnrolled') continue;
      // Payments and costs live in the ledger rows, not in the stored state.
      const after = { ...evolveSubscriber(before, e), payments: [], costs: [] };
      model.subscribers.set(id, after);
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

export const workQueuesProjection: Projection = {
  name: 'work-queues',
  description: 'Work queues: clients in default, suspensions due, unprofitable without a case, open cases, pending cancellations, notices, approvals',
  tables: ['rm_work_queue_subscribers', 'rm_work_queue_cases', 'rm_work_queue_ledger'],
  async apply(events: readonly ProjectedEvent[], ctx: ProjectionContext): Promise<void> {
    const subscriberIds = new Set<string>();
    const caseIds = new Set<string>();
    for (const e of events) {
      if (isSubscriberEventType(e.type)) subscriberIds.add(e.data.subscriberId);
      else if (isCaseEventType(e.type)) caseIds.add((e.data as { caseId: string }).caseId);
    }
    const model: WorkQueueModel = { subscribers: new Map(), cases: new Map() };
    for (const r of await loadByKeys<{ subscriber_id: string; state: SubscriberState }>(ctx.tx, ctx.table('rm_work_queue_subscribers'), 'subscriber_id', subscriberIds)) {
      model.subscribers.set(r.subscriber_id, typeof r.state === 'string' ? JSON.parse(r.state) : r.state);
    }
    for (const r of await loadByKeys<{ case_id: string; state: ExistingCase }>(ctx.tx, ctx.table('rm_work_queue_cases'), 'case_id', caseIds)) {
      model.cases.set(r.case_id, typeof r.state === 'string' ? JSON.parse(r.state) : r.state);
    }
    const storedSubscribers = new Set(model.subscribers.keys());
    const storedCases = new Set(model.cases.keys());
    const changes = foldWorkQueues(model, events);
    const subscriberRows = changes.subscribers as unknown as Record<string, unknown>[];
    await saveRows(ctx.tx, ctx.table('rm_work_queue_subscribers'), SUBSCRIBER_COLUMNS, ['subscriber_id'], subscriberRows, (r) => !storedSubscribers.has(r.subscriber_id as string));
    const caseRows = changes.cases as unknown as Record<string, unknown>[];
    await saveRows(ctx.tx, ctx.table('rm_work_queue_cases'), CASE_COLUMNS, ['case_id'], caseRows, (r) => !storedCases.has(r.case_id as string));
    // Business time only advances: what fell out of the window never comes back into it, so
    // entries already outside it are not written at all (a catch-up would write and delete most).
    // (Whole milliseconds: an entry earlier than the window's millisecond is certainly out of it.)
    const from = trailingWindowFrom(ctx.asOf);
    const fromMs = Date.parse(from);
    const inWindow = changes.ledger.filter((r) => !(Date.parse(r.at) < fromMs));
    await insertRows(ctx.tx, ctx.table('rm_work_queue_ledger'), LEDGER_COLUMNS, inWindow as unknown as Record<string, unknown>[]);
    await ctx.tx.query(`DELETE FROM ${ctx.table('rm_work_queue_ledger')} WHERE at <= $1`, [from]);
  },
};
