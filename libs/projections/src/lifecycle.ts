import type { ProjectedEvent } from './projection.js';

/** The part of a subscriber's state that decides whether it is a customer and what it adds to MRR. */
export interface LifecycleState {
  status: 'active' | 'suspended' | 'notice' | 'terminated';
  /** Who gave the termination notice in force, if any (a client's notice is withdrawn by a retention plan). */
  noticeBy: 'provider' | 'client' | null;
  planCode: string;
  currency: string;
  fee: number;
}

/** Customers (domain.md §6): enrolled or reactivated and not terminated; suspended and under notice count. */
export function isCustomer(s: LifecycleState): boolean {
  return s.status !== 'terminated';
}

/** What the subscriber adds to MRR: its current fee while `active` or `notice`. */
export function mrrOf(s: LifecycleState): number {
  return s.status === 'active' || s.status === 'notice' ? s.fee : 0;
}

/** The state right after enrolment. */
export function enrolledState(e: Extract<ProjectedEvent, { type: 'SubscriberEnrolled' }>): LifecycleState {
  return { status: 'active', noticeBy: null, planCode: e.data.plan.code, currency: e.data.plan.currency, fee: e.data.plan.monthlyFee };
}

/**
 * Applies a subscriber event's effect on status and plan, with the same transitions as the
 * aggregate (libs/domain evolveSubscriber). Mutates `s`; other event types leave it alone.
 * A copy, because projections fold a compact row rather than the aggregate's whole state: the
 * property test lifecycle.property.spec.ts proves it equal to evolveSubscriber on every accepted
 * history, so a change to one that is not made to the other fails there.
 */
export function applyLifecycle(s: LifecycleState, e: ProjectedEvent): void {
  switch (e.type) {
    case 'ServiceSuspended':
      s.status = 'suspended';
      break;
    case 'ServiceReinstated':
      s.status = s.noticeBy ? 'notice' : 'active';
      break;
    case 'TerminationNoticeGiven':
      s.noticeBy = e.data.initiatedBy;
      s.status = s.status === 'suspended' ? 'suspended' : 'notice';
      break;
    case 'CancellationWithdrawn':
      if (s.noticeBy === 'client') {
        s.noticeBy = null;
        if (s.status === 'notice') s.status = 'active';
      }
      break;
    case 'SubscriberTerminated':
      s.status = 'terminated';
      s.noticeBy = null;
      break;
    case 'SubscriberReactivated':
      s.status = 'active';
      s.planCode = e.data.plan.code;
      s.currency = e.data.plan.currency;
      s.fee = e.data.plan.monthlyFee;
      break;
    case 'PlanChanged':
      s.planCode = e.data.to.code;
      s.fee = e.data.to.monthlyFee;
      break;
    case 'ClientMigrated':
      if (e.data.toPlan) {
        s.planCode = e.data.toPlan.code;
        s.currency = e.data.toPlan.currency;
        s.fee = e.data.toPlan.monthlyFee;
      }
      break;
    default:
      break;
  }
}

/** Event types that change {@link LifecycleState}. */
export const LIFECYCLE_EVENT_TYPES = [
  'SubscriberEnrolled',
  'ServiceSuspended',
  'ServiceReinstated',
  'TerminationNoticeGiven',
  'CancellationWithdrawn',
  'SubscriberTerminated',
  'SubscriberReactivated',
  'PlanChanged',
  'ClientMigrated',
] as const;

/** Key of an invoice across subscribers (invoice ids are unique per subscriber only). */
export function invoiceKey(subscriberId: string, invoiceId: string): string {
  return `${subscriberId}/${invoiceId}`;
}
