/**
 * The scheduler pass of domain.md §4, for one subscriber, "as of" an instant. Pure: the application
 * runs it for every subscriber that needs attention (see {@link nextSchedulerAttention}), every
 * minute against the real clock or on `POST /v1/admin/tick`, and passes each command through the
 * normal decide path (in order, evolving the state between commands).
 *
 * What a pass does, in this order, all at the pass's instant:
 * 1. every open invoice more than `graceDays` days past due → `RecordMissedPayment`
 *    (PaymentMissed + a friendly PaymentReminderSent);
 * 2. unless the subscriber is terminated in this pass: a missed invoice still unpaid
 *    `suspendAfterDays` past due with no arrangement in force (or past its arrangement's payBy)
 *    while the service is delivered → `SuspendService(non_payment)` (ServiceSuspended, plus
 *    DebtWrittenOff of the missed invoices when `writeOffOnSuspension`);
 * 3. a notice whose effective date (00:00Z) has been reached, or a migration to a partner not yet
 *    followed by termination → `TerminateSubscriber` (occurredAt = the pass's instant).
 *
 * Idempotent: after applying a pass, the same pass at the same instant yields nothing. A pass as of
 * an instant earlier than the subscriber's last event does nothing (business time never goes
 * backwards): it will act once the clock catches up.
 */
import type { SubscriberCommand } from '../contracts/commands.js';
import type { SubscriberEvent } from '../contracts/events.js';
import { DAY_MS, dateStartMs, instantMs, isBefore, normalizeInstant } from '../shared/time.js';
import { decideSubscriber } from '../subscriber/decide.js';
import { invoicesInOrder, invoicesToRecordMissed, isNoticeEffective, isSuspensionDue, suspensionTriggerMs } from '../subscriber/queries.js';
import { evolveSubscriber } from '../subscriber/evolve.js';
import type { SubscriberState } from '../subscriber/state.js';
import { defaultDunningPolicy, type DunningPolicy } from './policy.js';

/** `automatedBy` of the scheduler's commands. */
export const SCHEDULER = 'scheduler';

export interface SchedulerPassResult {
  commands: SubscriberCommand[];
  /** The events those commands decide, in order (what the application will append). */
  events: SubscriberEvent[];
  /** The state after them. */
  state: SubscriberState;
}

/** Runs the pass on `state` and also returns the events and resulting state. */
export function runSchedulerPass(state: SubscriberState, asOf: string, policy: DunningPolicy = defaultDunningPolicy): SchedulerPassResult {
  const result: SchedulerPassResult = { commands: [], events: [], state };
  if (!state.exists || state.status === 'terminated' || state.subscriberId === null) return result;
  const at = normalizeInstant(asOf);
  if (state.lastOccurredAt !== null && isBefore(at, state.lastOccurredAt)) return result;
  const subscriberId = state.subscriberId;

  const apply = (command: SubscriberCommand): void => {
    const events = decideSubscriber(command, result.state, { policy });
    if (events.length === 0) return;
    result.commands.push(command);
    for (const e of events) {
      result.events.push(e);
      result.state = evolveSubscriber(result.state, e);
    }
  };

  for (const invoice of invoicesToRecordMissed(result.state, at, policy)) {
    apply({ type: 'RecordMissedPayment', data: { subscriberId, invoiceId: invoice.invoiceId, at }, automatedBy: SCHEDULER });
  }
  const terminating = isNoticeEffective(result.state, at) || result.state.partnerMigration !== null;
  if (!terminating && isSuspensionDue(result.state, at, policy)) {
    apply({ type: 'SuspendService', data: { subscriberId, reason: 'non_payment', at }, automatedBy: SCHEDULER });
  }
  if (terminating) {
    apply({ type: 'TerminateSubscriber', data: { subscriberId, at }, automatedBy: SCHEDULER });
  }
  return result;
}

/**
 * The commands one scheduler pass issues for this subscriber as of `asOf` (`[]` when nothing is
 * due). Each carries `automatedBy: 'scheduler'` and `at = asOf`.
 */
export function schedulerPass(state: SubscriberState, asOf: string, policy: DunningPolicy = defaultDunningPolicy): SubscriberCommand[] {
  return runSchedulerPass(state, asOf, policy).commands;
}

/**
 * The earliest instant at which a scheduler pass would act on this subscriber (ISO), or null when
 * nothing is pending. Lets the application index subscribers by "needs attention at" instead of
 * scanning them all every minute; recompute it after every event.
 */
export function nextSchedulerAttention(state: SubscriberState, policy: DunningPolicy = defaultDunningPolicy): string | null {
  if (!state.exists || state.status === 'terminated') return null;
  let earliest = Number.POSITIVE_INFINITY;
  const consider = (ms: number) => {
    if (ms < earliest) earliest = ms;
  };
  const delivered = state.status === 'active' || state.status === 'notice';
  for (const inv of invoicesInOrder(state)) {
    if (inv.status === 'open' && inv.owed > 0) consider(dateStartMs(inv.dueDate) + (policy.graceDays + 1) * DAY_MS);
    if (inv.status === 'missed' && inv.owed > 0 && delivered) consider(suspensionTriggerMs(inv, policy));
  }
  if (state.notice) consider(dateStartMs(state.notice.effectiveDate));
  if (state.partnerMigration && state.lastOccurredAt) consider(instantMs(state.lastOccurredAt));
  if (!Number.isFinite(earliest)) return null;
  if (state.lastOccurredAt !== null) earliest = Math.max(earliest, instantMs(state.lastOccurredAt));
  return new Date(earliest).toISOString();
}
