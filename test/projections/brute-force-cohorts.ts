/**
 * The brute force of the signup cohorts (domain.md §6): each member's state folded up to the end
 * of every month C+k, counted. Shares no code with libs/projections.
 */
import { months, monthOf, next, ratio, startOf, type BruteForce, type E, type Seg } from './brute-force.js';

export function bruteForceCohorts(bf: BruteForce, from: string, to: string, seg: Seg, requested?: string) {
  const currency = bf.currency(requested);
  const lastMonth = bf.asOf === null ? null : monthOf(bf.asOf);
  const enrolments = bf.events.filter((e) => e.type === 'SubscriberEnrolled' && bf.inSeg(e.data.subscriberId, seg) && bf.currencyOf(e.data.subscriberId) === currency) as Array<
    Extract<E, { type: 'SubscriberEnrolled' }>
  >;
  return {
    segment: seg,
    currency,
    lastMonth,
    cohorts: months(from, to).map((cohort) => {
      const members = enrolments.filter((e) => monthOf(e.occurredAt) === cohort);
      const size = members.length;
      const mrr = members.reduce((a, e) => a + e.data.plan.monthlyFee, 0);
      const offsets = lastMonth === null || lastMonth < cohort ? [] : months(cohort, lastMonth);
      return {
        cohort,
        customers: size,
        mrr,
        months: offsets.map((month, offset) => {
          // The end of C+k is the first instant of C+k+1.
          const states = members.map((e) => bf.stateBefore(e.data.subscriberId, startOf(next(month))));
          const retained = states.filter((s) => s.status === 'active' || s.status === 'suspended' || s.status === 'notice').length;
          const mrrRetained = states.reduce((a, s) => a + (s.status === 'active' || s.status === 'notice' ? s.plan!.monthlyFee : 0), 0);
          return { offset, month, customersRetained: retained, customerRetention: ratio(retained, size), mrrRetained, netMrrRetention: ratio(mrrRetained, mrr) };
        }),
      };
    }),
  };
}
