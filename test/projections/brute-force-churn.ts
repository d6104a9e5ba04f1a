/**
 * The brute force of the churn route (domain.md §6): customers and MRR folded at each month's
 * first instant, terminations, enrolments, reactivations and plan changes of the month counted,
 * and the SaaS ratios from those. Shares no code with libs/projections.
 */
import { months, next, ratio, startOf, type BruteForce, type E, type Seg } from './brute-force.js';

export function bruteForceChurn(bf: BruteForce, from: string, to: string, seg: Seg) {
  return {
    segment: seg,
    currency: bf.scopeCurrency,
    months: months(from, to).map((month) => {
      const start = bf.customersAndMrr(startOf(month), seg);
      const end = bf.customersAndMrr(startOf(next(month)), seg);
      const terminated = bf.inMonth(month, seg, 'SubscriberTerminated') as Array<Extract<E, { type: 'SubscriberTerminated' }>>;
      const kind = (k: string) => terminated.filter((e) => e.data.kind === k).length;
      const total = terminated.length;
      const enrolled = bf.inMonth(month, seg, 'SubscriberEnrolled') as Array<Extract<E, { type: 'SubscriberEnrolled' }>>;
      const reactivated = bf.inMonth(month, seg, 'SubscriberReactivated').length;
      const changes = bf.inMonth(month, seg, 'PlanChanged') as Array<Extract<E, { type: 'PlanChanged' }>>;
      const mrrLost = terminated.reduce((a, e) => a + e.data.planAtTermination.monthlyFee, 0);
      // Subscribers terminated in M who were customers at M's first instant (counted once each).
      const customerAtStart = (id: string) => ['active', 'suspended', 'notice'].includes(bf.stateBefore(id, startOf(month)).status);
      const fromStart = new Set(terminated.map((e) => e.data.subscriberId).filter(customerAtStart)).size;
      const reactivations = bf.inMonth(month, seg, 'SubscriberReactivated') as Array<Extract<E, { type: 'SubscriberReactivated' }>>;
      const mrrReactivation = reactivations.reduce((a, e) => a + e.data.plan.monthlyFee, 0);
      // Fee of the plan at the suspension / reinstatement of a service (the state just before the event).
      const feeOnTransition = (type: string, suspendedBefore: boolean) =>
        bf.inMonth(month, seg, type).reduce((a, e) => {
          const before = bf.stateBeforeEvent(e);
          return (before.status === 'suspended') === suspendedBefore ? a + before.plan!.monthlyFee : a;
        }, 0);
      const mrrNew = enrolled.reduce((a, e) => a + e.data.plan.monthlyFee, 0);
      const mrrExpansion = changes.reduce((a, e) => a + Math.max(0, e.data.to.monthlyFee - e.data.from.monthlyFee), 0);
      const mrrContraction = changes.reduce((a, e) => a + Math.max(0, e.data.from.monthlyFee - e.data.to.monthlyFee), 0);
      const net = ratio(mrrLost + mrrContraction - mrrExpansion - mrrReactivation, start.mrr);
      return {
        month,
        customersAtStart: start.customers,
        new: enrolled.length,
        reactivated,
        churned: { voluntary: kind('voluntary'), involuntary: kind('involuntary'), migrated: kind('migrated'), total, fromStart },
        customersAtEnd: start.customers + enrolled.length + reactivated - total,
        customerChurnRate: ratio(total, start.customers),
        startingCustomerChurnRate: ratio(fromStart, start.customers),
        mrrAtStart: start.mrr,
        mrrAtEnd: end.mrr,
        mrrLost,
        revenueChurnRate: ratio(mrrLost, start.mrr),
        mrrNew,
        mrrExpansion,
        mrrContraction,
        mrrReactivation,
        mrrSuspended: feeOnTransition('ServiceSuspended', false),
        mrrReinstated: feeOnTransition('ServiceReinstated', true),
        grossMrrChurnRate: ratio(mrrLost + mrrContraction, start.mrr),
        netMrrChurnRate: net,
        netRevenueRetention: net === null ? null : 1 - net,
        quickRatio: ratio(mrrNew + mrrExpansion + mrrReactivation, mrrLost + mrrContraction),
      };
    }),
  };
}
