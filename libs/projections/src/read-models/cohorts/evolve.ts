import { applyLifecycle, enrolledState, isCustomer, mrrOf, type LifecycleState } from '../../lifecycle.js';
import { monthOf } from '../../months.js';
import type { ProjectedEvent } from '../../projection.js';
import { countersOf } from '../read-model.js';
import { cohortChangesTable, cohortsTable, type CohortChangeRow, type CohortMemberRow, type CohortRow } from './table.js';

interface Member extends LifecycleState {
  cohort: string;
  segment: string;
}

/** What a batch changes: the members it touched (whole rows), and the deltas of cohort sizes and monthly changes. */
export interface CohortsChanges {
  members: CohortMemberRow[];
  sizes: CohortRow[];
  changes: CohortChangeRow[];
}

const memberOf = (r: CohortMemberRow): Member => ({
  cohort: r.cohort,
  segment: r.segment,
  currency: r.currency,
  status: r.status as Member['status'],
  noticeBy: r.notice_by as Member['noticeBy'],
  planCode: r.plan_code,
  fee: r.fee,
});

const rowOf = (id: string, m: Member): CohortMemberRow => ({
  subscriber_id: id,
  cohort: m.cohort,
  segment: m.segment,
  currency: m.currency,
  status: m.status,
  notice_by: m.noticeBy,
  plan_code: m.planCode,
  fee: m.fee,
});

/**
 * Pure: the stored members the batch mentions and the batch → what to write. A change of a
 * member's customer status or MRR lands in the month it happened in, so a cohort's retention at
 * C+k is the running sum up to C+k.
 */
export function evolveCohorts(loaded: readonly CohortMemberRow[], events: readonly ProjectedEvent[]): CohortsChanges {
  const members = new Map<string, Member>(loaded.map((r) => [r.subscriber_id, memberOf(r)]));
  const dirty = new Set<string>();
  const sizes = countersOf(cohortsTable);
  const changes = countersOf(cohortChangesTable);
  for (const e of events) {
    const id = e.data.subscriberId;
    const month = monthOf(e.occurredAt);
    if (e.type === 'SubscriberEnrolled') {
      // Enrolment happens once per subscriber; a repeated one (corrupt data) changes nothing.
      if (members.has(id)) continue;
      const m: Member = { ...enrolledState(e), cohort: month, segment: e.data.segment };
      members.set(id, m);
      dirty.add(id);
      const size = sizes.at({ cohort: m.cohort, segment: m.segment, currency: m.currency });
      size.customers += 1;
      size.mrr += e.data.plan.monthlyFee;
      const c = changes.at({ cohort: m.cohort, month, segment: m.segment, currency: m.currency });
      c.customers_delta += 1;
      c.mrr_delta += mrrOf(m);
      continue;
    }
    const m = members.get(id);
    if (!m) continue;
    const wasCustomer = isCustomer(m);
    const mrrBefore = mrrOf(m);
    applyLifecycle(m, e);
    dirty.add(id);
    const customerDelta = Number(isCustomer(m)) - Number(wasCustomer);
    const mrrDelta = mrrOf(m) - mrrBefore;
    if (customerDelta === 0 && mrrDelta === 0) continue;
    const c = changes.at({ cohort: m.cohort, month, segment: m.segment, currency: m.currency });
    c.customers_delta += customerDelta;
    c.mrr_delta += mrrDelta;
  }
  return { members: [...dirty].map((id) => rowOf(id, members.get(id)!)), sizes: sizes.rows() as CohortRow[], changes: changes.rows() as CohortChangeRow[] };
}
