/**
 * The subscriber decider (domain.md §4). `decide` never reads a clock: business time is the
 * command's `at`.
 *
 * Order of checks, the same for every command: contract (400) → existence (`unknown-subscriber`,
 * 404) → `time-goes-backwards` → terminated subscriber (`subscriber-terminated`, or
 * `no-billing-while-suspended` for an invoice) → the command's own rules in the order listed in
 * each handler.
 */
import type { SubscriberCommand, SubscriberCommandOf } from '../contracts/commands.js';
import { assertValidCommand } from '../contracts/commands.js';
import { CommandValidationError, doneOrRefuse, refuse } from '../shared/errors.js';
import type { SubscriberEvent, SubscriberEventOf } from '../contracts/events.js';
import { defaultDunningPolicy, type DunningPolicy } from '../dunning/policy.js';
import { businessTime, compact, isBlank, type Decider } from '../shared/decider.js';
import { addDays, daysPastDue, normalizeInstant, utcDate } from '../shared/time.js';
import {
  earliestEffectiveDate,
  isAutomaticReinstatementDue,
  isNoticeEffective,
  isSuspensionDue,
  missedUnpaid,
} from './queries.js';
import { evolveSubscriber } from './evolve.js';
import { initialSubscriberState, type EnrolledSubscriber, type InvoiceState, type SubscriberState } from './state.js';

/** Inputs `decide` needs that are not in the stream. */
export interface SubscriberContext {
  /** The service's dunning policy (defaults: graceDays 0, suspendAfterDays 15, writeOffOnSuspension true). */
  policy: DunningPolicy;
}

const defaultSubscriberContext: SubscriberContext = Object.freeze({ policy: defaultDunningPolicy });

/** Longest payment arrangement, in days after the day it is agreed. */
export const MAX_ARRANGEMENT_DAYS = 30;

interface Ctx {
  /** Every command but enrolment runs on an enrolled subscriber (else `unknown-subscriber`). */
  readonly state: EnrolledSubscriber;
  /** Normalised business time (UTC). */
  readonly at: string;
  readonly policy: DunningPolicy;
  /**
   * The command's own business time (normalised). Differs from `at` only for an automated command
   * whose `at` was raised to the stream's last event.
   */
  readonly requestedAt: string;
  /** Issued by a process manager or the scheduler: idempotent. */
  readonly auto: boolean;
  readonly subscriberId: string;
}

function event<T extends SubscriberEvent['type']>(type: T, data: SubscriberEventOf<T>['data']): SubscriberEventOf<T> {
  return { type, data } as SubscriberEventOf<T>;
}

export function decideSubscriber(
  command: SubscriberCommand,
  state: SubscriberState,
  context: SubscriberContext = defaultSubscriberContext,
): SubscriberEvent[] {
  assertValidCommand(command);
  const auto = command.automatedBy !== undefined;
  const policy = context.policy ?? defaultDunningPolicy;

  if (command.type === 'EnrollSubscriber') {
    if (state.exists) {
      return doneOrRefuse(auto, 'subscriber-already-enrolled', `subscriber ${state.subscriberId} is already enrolled`);
    }
    return enroll(command.data);
  }

  if (!state.exists || state.subscriberId !== command.data.subscriberId) {
    refuse('unknown-subscriber', `subscriber ${command.data.subscriberId} does not exist`, { subscriberId: command.data.subscriberId });
  }

  const requestedAt = normalizeInstant(command.data.at);
  const at = businessTime(requestedAt, state.lastOccurredAt, auto);

  if (state.status === 'terminated') {
    if (command.type === 'IssueInvoice') {
      refuse('no-billing-while-suspended', 'no invoice for a terminated subscriber', { status: state.status });
    }
    if (command.type !== 'RecordPayment' && command.type !== 'ReactivateSubscriber') {
      return doneOrRefuse(auto, 'subscriber-terminated', `a terminated subscriber accepts only payments of what is still owed and reactivation (got ${command.type})`);
    }
  }

  const ctx: Ctx = { state, at, requestedAt, policy, auto, subscriberId: state.subscriberId };

  switch (command.type) {
    case 'IssueInvoice':
      return issueInvoice(ctx, command.data);
    case 'RecordPayment':
      return recordPayment(ctx, command.data);
    case 'RecordMissedPayment':
      return recordMissedPayment(ctx, command.data);
    case 'SendPaymentReminder':
      return sendReminder(ctx, command.data);
    case 'AgreePaymentArrangement':
      return agreeArrangement(ctx, command.data);
    case 'SuspendService':
      return suspend(ctx, command.data);
    case 'ReinstateService':
      return reinstate(ctx, command.data);
    case 'WriteOffDebt':
      return writeOff(ctx, command.data);
    case 'RecordCostToServe':
      return [
        event(
          'CostToServeRecorded',
          compact({
            subscriberId: ctx.subscriberId,
            occurredAt: at,
            kind: command.data.kind,
            amount: command.data.amount,
            minutes: command.data.minutes,
            note: command.data.note,
          }),
        ),
      ];
    case 'LogComplaint':
      return [
        event('ComplaintLogged', {
          subscriberId: ctx.subscriberId,
          occurredAt: at,
          category: command.data.category,
          description: command.data.description,
        }),
      ];
    case 'ChangePlan':
      return changePlan(ctx, command.data);
    case 'MigrateClient':
      return migrate(ctx, command.data);
    case 'RequestCancellation':
      return requestCancellation(ctx, command.data);
    case 'WithdrawCancellation':
      return withdrawCancellation(ctx, command.data);
    case 'GiveTerminationNotice':
      return giveNotice(ctx, command.data);
    case 'TerminateSubscriber':
      return terminate(ctx);
    case 'ReactivateSubscriber':
      return reactivate(ctx, command.data);
    default: {
      const unreachable: never = command;
      throw new TypeError(`decideSubscriber: unknown command ${(unreachable as { type: string }).type}`);
    }
  }
}

type Data<T extends SubscriberCommand['type']> = SubscriberCommandOf<T>['data'];

function enroll(d: Data<'EnrollSubscriber'>): SubscriberEvent[] {
  const q = d.qualification;
  const qualified = q.needsService && q.valuesService && q.canPay;
  const override = d.override && !isBlank(d.override.by) && !isBlank(d.override.justification) ? d.override : undefined;
  if (!qualified && !override) {
    const missing = (['needsService', 'valuesService', 'canPay'] as const).filter((k) => !q[k]);
    refuse('unqualified-subscriber', `the subscriber must need, value and be able to pay for the service (missing: ${missing.join(', ')}); an override needs who and why`, {
      missing,
    });
  }
  return [
    event(
      'SubscriberEnrolled',
      compact({
        subscriberId: d.subscriberId,
        occurredAt: normalizeInstant(d.at),
        name: d.name,
        segment: d.segment,
        plan: { code: d.plan.code, monthlyFee: d.plan.monthlyFee, currency: d.plan.currency },
        salesRepId: d.salesRepId,
        qualification: { needsService: q.needsService, valuesService: q.valuesService, canPay: q.canPay },
        noticeDays: d.noticeDays,
        override: override ? { by: override.by, justification: override.justification } : undefined,
      }),
    ),
  ];
}

function issueInvoice(ctx: Ctx, d: Data<'IssueInvoice'>): SubscriberEvent[] {
  if (ctx.state.status === 'suspended') {
    refuse('no-billing-while-suspended', 'no invoice while the service is suspended: debt never accumulates on a service that is not delivered');
  }
  if (ctx.state.invoices[d.invoiceId]) {
    return doneOrRefuse(ctx.auto, 'duplicate-invoice', `invoice ${d.invoiceId} was already issued`, { invoiceId: d.invoiceId });
  }
  return [
    event('InvoiceIssued', {
      subscriberId: ctx.subscriberId,
      occurredAt: ctx.at,
      invoiceId: d.invoiceId,
      period: d.period,
      amount: d.amount,
      dueDate: d.dueDate,
    }),
  ];
}

/** The invoice, refusing `unknown-invoice`. */
function invoiceOf(ctx: Ctx, invoiceId: string): InvoiceState {
  const inv = ctx.state.invoices[invoiceId];
  if (!inv) refuse('unknown-invoice', `invoice ${invoiceId} is not an invoice of this subscriber`, { invoiceId });
  return inv;
}

function isSettled(inv: InvoiceState): boolean {
  return inv.status === 'paid' || inv.status === 'written_off';
}

function settledMessage(inv: InvoiceState): string {
  return `invoice ${inv.invoiceId} is ${inv.status === 'paid' ? 'paid' : 'written off'}`;
}

function refuseSettled(inv: InvoiceState): never {
  refuse('invoice-already-settled', settledMessage(inv), { invoiceId: inv.invoiceId, status: inv.status });
}

function recordPayment(ctx: Ctx, d: Data<'RecordPayment'>): SubscriberEvent[] {
  const inv = invoiceOf(ctx, d.invoiceId);
  if (isSettled(inv)) refuseSettled(inv);
  if (d.amount > inv.owed) {
    refuse('overpayment', `payment of ${d.amount} exceeds the ${inv.owed} still owed on invoice ${inv.invoiceId}`, {
      invoiceId: inv.invoiceId,
      owed: inv.owed,
      amount: d.amount,
    });
  }
  return [event('PaymentReceived', { subscriberId: ctx.subscriberId, occurredAt: ctx.at, invoiceId: d.invoiceId, amount: d.amount })];
}

function recordMissedPayment(ctx: Ctx, d: Data<'RecordMissedPayment'>): SubscriberEvent[] {
  const inv = invoiceOf(ctx, d.invoiceId);
  if (isSettled(inv)) {
    return doneOrRefuse(ctx.auto, 'invoice-already-settled', settledMessage(inv), { invoiceId: inv.invoiceId, status: inv.status });
  }
  if (inv.status === 'missed') {
    return doneOrRefuse(ctx.auto, 'payment-already-missed', `invoice ${inv.invoiceId} was already recorded missed`, { invoiceId: inv.invoiceId });
  }
  const dpd = daysPastDue(ctx.at, inv.dueDate);
  if (dpd <= ctx.policy.graceDays) {
    return doneOrRefuse(ctx.auto, 'payment-not-missed', `invoice ${inv.invoiceId} is ${dpd} day(s) past due; it is missed only when more than ${ctx.policy.graceDays} day(s) past due`, {
      invoiceId: inv.invoiceId,
      dueDate: inv.dueDate,
      daysPastDue: dpd,
      graceDays: ctx.policy.graceDays,
    });
  }
  return [
    event('PaymentMissed', {
      subscriberId: ctx.subscriberId,
      occurredAt: ctx.at,
      invoiceId: inv.invoiceId,
      amount: inv.owed,
      dueDate: inv.dueDate,
      consecutiveMissed: ctx.state.consecutiveMissed + 1,
    }),
    event('PaymentReminderSent', { subscriberId: ctx.subscriberId, occurredAt: ctx.at, invoiceId: inv.invoiceId, tone: 'friendly' }),
  ];
}

function sendReminder(ctx: Ctx, d: Data<'SendPaymentReminder'>): SubscriberEvent[] {
  const inv = invoiceOf(ctx, d.invoiceId);
  if (isSettled(inv)) {
    return doneOrRefuse(ctx.auto, 'invoice-already-settled', settledMessage(inv), { invoiceId: inv.invoiceId, status: inv.status });
  }
  return [event('PaymentReminderSent', { subscriberId: ctx.subscriberId, occurredAt: ctx.at, invoiceId: inv.invoiceId, tone: d.tone })];
}

function agreeArrangement(ctx: Ctx, d: Data<'AgreePaymentArrangement'>): SubscriberEvent[] {
  const invoices = d.invoiceIds.map((id) => invoiceOf(ctx, id));
  for (const inv of invoices) if (isSettled(inv)) refuseSettled(inv);
  const today = utcDate(ctx.at);
  if (d.payBy < today) {
    throw new CommandValidationError('AgreePaymentArrangement', [{ field: 'payBy', message: `must not be before the day the arrangement is agreed (${today})` }]);
  }
  const latest = addDays(today, MAX_ARRANGEMENT_DAYS);
  if (d.payBy > latest) {
    refuse('arrangement-too-long', `a payment arrangement ends at most ${MAX_ARRANGEMENT_DAYS} days after it is agreed (payBy ≤ ${latest})`, {
      payBy: d.payBy,
      latestPayBy: latest,
    });
  }
  const rearranged = invoices.filter((i) => i.arrangedUntil !== null);
  if (rearranged.length > 0) {
    refuse('arrangement-too-long', `an invoice gets one short-term arrangement; already arranged: ${rearranged.map((i) => i.invoiceId).join(', ')}`, {
      invoiceIds: rearranged.map((i) => i.invoiceId),
    });
  }
  return [event('PaymentArrangementAgreed', { subscriberId: ctx.subscriberId, occurredAt: ctx.at, invoiceIds: [...d.invoiceIds], payBy: d.payBy })];
}

function suspend(ctx: Ctx, d: Data<'SuspendService'>): SubscriberEvent[] {
  const s = ctx.state;
  if (s.status === 'suspended') {
    return doneOrRefuse(ctx.auto, 'already-suspended', 'the service is already suspended');
  }
  const missed = missedUnpaid(s);
  if (d.reason === 'non_payment') {
    if (missed.length === 0) {
      return doneOrRefuse(ctx.auto, 'suspension-needs-missed-payment', 'a non-payment suspension needs a missed, unpaid invoice');
    }
    if (ctx.auto && !isSuspensionDue(s, ctx.at, ctx.policy)) return [];
  }
  const events: SubscriberEvent[] = [
    event('ServiceSuspended', { subscriberId: ctx.subscriberId, occurredAt: ctx.at, reason: d.reason, outstanding: s.balance }),
  ];
  const writeOff = d.writeOff ?? ctx.policy.writeOffOnSuspension;
  if (d.reason === 'non_payment' && writeOff) {
    events.push(
      event('DebtWrittenOff', {
        subscriberId: ctx.subscriberId,
        occurredAt: ctx.at,
        invoiceIds: missed.map((i) => i.invoiceId),
        amount: missed.reduce((sum, i) => sum + i.owed, 0),
      }),
    );
  }
  return events;
}

function reinstate(ctx: Ctx, d: Data<'ReinstateService'>): SubscriberEvent[] {
  const s = ctx.state;
  if (s.status !== 'suspended') {
    return doneOrRefuse(ctx.auto, 'not-suspended', 'the service is not suspended');
  }
  if (s.suspension?.reason === 'non_payment') {
    const missed = missedUnpaid(s);
    if (missed.length > 0) {
      return doneOrRefuse(ctx.auto, 'reinstatement-needs-zero-balance', 'reinstatement after a non-payment suspension needs every missed invoice paid or written off', {
        invoiceIds: missed.map((i) => i.invoiceId),
        owed: missed.reduce((sum, i) => sum + i.owed, 0),
      });
    }
  }
  if (ctx.auto && !isAutomaticReinstatementDue(s)) return [];
  return [event('ServiceReinstated', { subscriberId: ctx.subscriberId, occurredAt: ctx.at, reason: d.reason })];
}

function writeOff(ctx: Ctx, d: Data<'WriteOffDebt'>): SubscriberEvent[] {
  const invoices = d.invoiceIds.map((id) => invoiceOf(ctx, id));
  for (const inv of invoices) if (isSettled(inv)) refuseSettled(inv);
  return [
    event('DebtWrittenOff', {
      subscriberId: ctx.subscriberId,
      occurredAt: ctx.at,
      invoiceIds: invoices.map((i) => i.invoiceId),
      amount: invoices.reduce((sum, i) => sum + i.owed, 0),
    }),
  ];
}

function changePlan(ctx: Ctx, d: Data<'ChangePlan'>): SubscriberEvent[] {
  const plan = ctx.state.plan;
  return [
    event('PlanChanged', {
      subscriberId: ctx.subscriberId,
      occurredAt: ctx.at,
      from: { code: plan.code, monthlyFee: plan.monthlyFee },
      to: { code: d.to.code, monthlyFee: d.to.monthlyFee },
      reason: d.reason,
    }),
  ];
}

function refuseCurrency(ctx: Ctx, currency: string): void {
  const plan = ctx.state.plan;
  if (currency !== plan.currency) {
    refuse('currency-mismatch', `the subscriber is billed in ${plan.currency}, not ${currency}`, { currency, subscriberCurrency: plan.currency });
  }
}

function migrate(ctx: Ctx, d: Data<'MigrateClient'>): SubscriberEvent[] {
  if (d.toPlan) refuseCurrency(ctx, d.toPlan.currency);
  return [
    event(
      'ClientMigrated',
      compact({
        subscriberId: ctx.subscriberId,
        occurredAt: ctx.at,
        target: d.target,
        toPlan: d.toPlan ? { code: d.toPlan.code, monthlyFee: d.toPlan.monthlyFee, currency: d.toPlan.currency } : undefined,
        partner: d.partner,
        channel: d.channel,
        caseId: d.caseId,
      }),
    ),
  ];
}

function requestCancellation(ctx: Ctx, d: Data<'RequestCancellation'>): SubscriberEvent[] {
  const s = ctx.state;
  if (s.notice) {
    return doneOrRefuse(ctx.auto, 'notice-in-force', `a termination notice is already in force (effective ${s.notice.effectiveDate})`, { effectiveDate: s.notice.effectiveDate });
  }
  if (s.pendingCancellation) {
    return doneOrRefuse(ctx.auto, 'cancellation-already-requested', 'a cancellation request is already pending');
  }
  return [
    event(
      'CancellationRequested',
      compact({ subscriberId: ctx.subscriberId, occurredAt: ctx.at, reason: d.reason, requestedEffectiveDate: d.requestedEffectiveDate }),
    ),
  ];
}

function withdrawCancellation(ctx: Ctx, d: Data<'WithdrawCancellation'>): SubscriberEvent[] {
  const s = ctx.state;
  if (!s.pendingCancellation && s.notice?.initiatedBy !== 'client') {
    return doneOrRefuse(ctx.auto, 'no-pending-cancellation', 'there is no pending cancellation (nor client notice) to withdraw');
  }
  return [event('CancellationWithdrawn', { subscriberId: ctx.subscriberId, occurredAt: ctx.at, caseId: d.caseId })];
}

function giveNotice(ctx: Ctx, d: Data<'GiveTerminationNotice'>): SubscriberEvent[] {
  const s = ctx.state;
  if (
    ctx.auto &&
    s.notice !== null &&
    s.notice.initiatedBy === d.initiatedBy &&
    s.notice.effectiveDate === d.effectiveDate &&
    s.notice.caseId === (d.caseId ?? null)
  ) {
    return [];
  }
  if (d.initiatedBy === 'client' && s.notice?.initiatedBy === 'provider') {
    // An approved termination is honoured: a client notice would replace it and could then be
    // withdrawn, undoing the executive's decision.
    return doneOrRefuse(ctx.auto, 'notice-in-force', `the provider's termination notice is in force (effective ${s.notice.effectiveDate})`, { effectiveDate: s.notice.effectiveDate });
  }
  if (d.initiatedBy === 'provider' && (isBlank(d.caseId) || isBlank(d.approvedBy))) {
    refuse('termination-needs-approval', 'a provider-initiated termination notice comes only from an approved termination on a case (caseId and approvedBy)');
  }
  if (d.reasons.length === 0 || d.reasons.some((r) => isBlank(r))) {
    refuse('reasons-required', 'a termination notice gives at least one specific reason (and no blank ones)');
  }
  const excused = d.caseKind === 'unethical' || d.caseKind === 'abusive';
  if (d.initiatedBy === 'provider' && !excused && isBlank(d.recommendedProvider)) {
    refuse('recommendation-required', 'a provider-initiated termination recommends another provider unless the client was unethical or abusive');
  }
  const facts = { segment: s.segment, noticeDays: s.noticeDays };
  // A policy's notice was decided, and its length checked, at the triggering event's business time
  // (the approval, the rejected retention plan). Measuring it from a later instant — the stream's
  // last event, when that was later — could refuse an approved termination for a few hours' skew.
  const earliest = earliestEffectiveDate(facts, ctx.auto ? ctx.requestedAt : ctx.at, d.caseKind ?? null);
  if (d.effectiveDate < earliest) {
    refuse('notice-too-short', `effective date ${d.effectiveDate} is earlier than the minimum notice allows (${earliest})`, {
      effectiveDate: d.effectiveDate,
      earliestEffectiveDate: earliest,
    });
  }
  return [
    event(
      'TerminationNoticeGiven',
      compact({
        subscriberId: ctx.subscriberId,
        occurredAt: ctx.at,
        initiatedBy: d.initiatedBy,
        reasons: [...d.reasons],
        effectiveDate: d.effectiveDate,
        recommendedProvider: isBlank(d.recommendedProvider) ? undefined : d.recommendedProvider,
        caseId: d.caseId,
        approvedBy: isBlank(d.approvedBy) ? undefined : d.approvedBy,
      }),
    ),
  ];
}

function terminate(ctx: Ctx): SubscriberEvent[] {
  const s = ctx.state;
  const plan = ctx.state.plan;
  const planAtTermination = { code: plan.code, monthlyFee: plan.monthlyFee, currency: plan.currency };
  if (s.partnerMigration) {
    return [
      event('SubscriberTerminated', {
        subscriberId: ctx.subscriberId,
        occurredAt: ctx.at,
        kind: 'migrated',
        reasons: [`migrated to partner ${s.partnerMigration.partner}`],
        effectiveDate: utcDate(ctx.at),
        finalBalance: s.balance,
        planAtTermination,
      }),
    ];
  }
  if (s.notice) {
    if (!isNoticeEffective(s, ctx.at)) {
      return doneOrRefuse(ctx.auto, 'termination-not-due', `the notice takes effect on ${s.notice.effectiveDate}`, { effectiveDate: s.notice.effectiveDate });
    }
    return [
      event('SubscriberTerminated', {
        subscriberId: ctx.subscriberId,
        occurredAt: ctx.at,
        kind: s.notice.initiatedBy === 'client' ? 'voluntary' : 'involuntary',
        reasons: [...s.notice.reasons],
        effectiveDate: s.notice.effectiveDate,
        finalBalance: s.balance,
        planAtTermination,
      }),
    ];
  }
  return doneOrRefuse(ctx.auto, 'termination-needs-approval', 'a subscriber is terminated only when a termination notice takes effect (or after a migration to a partner)');
}

function reactivate(ctx: Ctx, d: Data<'ReactivateSubscriber'>): SubscriberEvent[] {
  const s = ctx.state;
  if (s.status !== 'terminated') {
    return doneOrRefuse(ctx.auto, 'not-terminated', 'only a terminated subscriber is reactivated');
  }
  refuseCurrency(ctx, d.plan.currency);
  const missed = missedUnpaid(s);
  if (missed.length > 0) {
    refuse('reinstatement-needs-zero-balance', 'reactivation needs every missed invoice paid (a terminated subscriber cannot have debt written off)', {
      invoiceIds: missed.map((i) => i.invoiceId),
      owed: missed.reduce((sum, i) => sum + i.owed, 0),
    });
  }
  return [
    event('SubscriberReactivated', {
      subscriberId: ctx.subscriberId,
      occurredAt: ctx.at,
      plan: { code: d.plan.code, monthlyFee: d.plan.monthlyFee, currency: d.plan.currency },
    }),
  ];
}

/** `{initialState, evolve, decide}` for the subscriber aggregate (stream `subscriber-<id>`). */
export const subscriberDecider: Decider<SubscriberCommand, SubscriberEvent, SubscriberState, SubscriberContext> = {
  initialState: initialSubscriberState,
  evolve: evolveSubscriber,
  decide: (command, state, context = defaultSubscriberContext) => decideSubscriber(command, state, context),
};
