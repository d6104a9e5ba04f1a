import { applyLifecycle, enrolledState, isCustomer, LIFECYCLE_EVENT_TYPES, mrrOf, type LifecycleState } from '../lifecycle.js';
import { monthOf } from '../months.js';
import type { ProjectedEvent, Projection, ProjectionContext } from '../projection.js';
import { Counters, loadByKeys, upsertRows, type Column } from '../sql.js';

interface MemberRow extends LifecycleState {
  cohort: string;
  segment: string;
}

const MEMBER_COLUMNS: Column[] = [
  { name: 'subscriber_id', type: 'text' },
  { name: 'cohort', type: 'text' },
  { name: 'segment', type: 'text' },
  { name: 'currency', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'notice_by', type: 'text' },
  { name: 'plan_code', type: 'text' },
  { name: 'fee', type: 'bigint' },
];
const COHORT_COLUMNS: Column[] = [
  { name: 'cohort', type: 'text' },
  { name: 'segment', type: 'text' },
  { name: 'currency', type: 'text' },
  { name: 'customers', type: 'int' },
  { name: 'mrr', type: 'bigint' },
];
const CHANGE_COLUMNS: Column[] = [
  { name: 'cohort', type: 'text' },
  { name: 'month', type: 'text' },
  { name: 'segment', type: 'text' },
  { name: 'currency', type: 'text' },
  { name: 'customers_delta', type: 'int' },
  { name: 'mrr_delta', type: 'bigint' },
];

/**
 * `cohorts`: signup cohorts (domain.md §6). The cohort of month C is the subscribers first enrolled
 * in C; its size and Σ enrolment fees are counters, and every change of a member's customer status
 * or MRR contribution is bucketed by the month it happened in (`rm_cohort_changes`), so the
 * retained customers and MRR at the end of C+k are the running sums up to C+k — an event only
 * touches its own month, as in `churn`. A reactivated client counts as retained again.
 */
export const cohortsProjection: Projection = {
  name: 'cohorts',
  description: 'Signup cohorts by enrolment month: size, enrolment MRR, and customers and MRR retained at each month end',
  tables: ['rm_cohorts', 'rm_cohort_changes', 'rm_cohort_members'],
  // Lifecycle events only (the rebuild then hands it a fraction of the log); the query takes the
  // newest month in the log from the projections that read every event.
  eventTypes: LIFECYCLE_EVENT_TYPES,
  async apply(events: readonly ProjectedEvent[], ctx: ProjectionContext): Promise<void> {
    const lifecycle = events;
    const members = new Map<string, MemberRow>();
    const lookup = lifecycle.map((e) => e.data.subscriberId);
    for (const r of await loadByKeys<Record<string, unknown>>(ctx.tx, ctx.table('rm_cohort_members'), 'subscriber_id', lookup)) {
      members.set(r.subscriber_id as string, {
        cohort: r.cohort as string,
        segment: r.segment as string,
        currency: r.currency as string,
        status: r.status as MemberRow['status'],
        noticeBy: (r.notice_by as MemberRow['noticeBy']) ?? null,
        planCode: r.plan_code as string,
        fee: Number(r.fee),
      });
    }
    const dirty = new Set<string>();
    const sizes = new Counters<{ cohort: string; segment: string; currency: string }, { customers: number; mrr: number }>(() => ({ customers: 0, mrr: 0 }));
    const changes = new Counters<{ cohort: string; month: string; segment: string; currency: string }, { customers_delta: number; mrr_delta: number }>(() => ({
      customers_delta: 0,
      mrr_delta: 0,
    }));
    for (const e of lifecycle) {
      const id = e.data.subscriberId;
      const month = monthOf(e.occurredAt);
      if (e.type === 'SubscriberEnrolled') {
        // Enrolment happens once per subscriber; a repeated one (corrupt data) changes nothing.
        if (members.has(id)) continue;
        const m: MemberRow = { ...enrolledState(e), cohort: month, segment: e.data.segment };
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
    await upsertRows(
      ctx.tx,
      ctx.table('rm_cohort_members'),
      MEMBER_COLUMNS,
      ['subscriber_id'],
      [...dirty].map((id) => {
        const m = members.get(id)!;
        return { subscriber_id: id, cohort: m.cohort, segment: m.segment, currency: m.currency, status: m.status, notice_by: m.noticeBy, plan_code: m.planCode, fee: m.fee };
      }),
      'replace',
    );
    await upsertRows(ctx.tx, ctx.table('rm_cohorts'), COHORT_COLUMNS, ['cohort', 'segment', 'currency'], sizes.rows(), 'add');
    await upsertRows(ctx.tx, ctx.table('rm_cohort_changes'), CHANGE_COLUMNS, ['cohort', 'month', 'segment', 'currency'], changes.rows(), 'add');
  },
};
