import { applyLifecycle, enrolledState, isCustomer, LIFECYCLE_EVENT_TYPES, mrrOf, type LifecycleState } from '../lifecycle.js';
import { monthOf, monthStartMs } from '../months.js';
import type { ProjectedEvent, Projection, ProjectionContext } from '../projection.js';
import { Counters, loadByKeys, upsertRows, type Column } from '../sql.js';

interface StateRow extends LifecycleState {
  segment: string;
  /** Enrolment or last reactivation: a terminated subscriber was a customer at M's start when this is before it. */
  customerSince: string;
}

const STATE_COLUMNS: Column[] = [
  { name: 'subscriber_id', type: 'text' },
  { name: 'segment', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'notice_by', type: 'text' },
  { name: 'plan_code', type: 'text' },
  { name: 'currency', type: 'text' },
  { name: 'fee', type: 'bigint' },
  { name: 'customer_since', type: 'timestamptz' },
];
const MONTH_COLUMNS: Column[] = [
  { name: 'currency', type: 'text' },
  { name: 'segment', type: 'text' },
  { name: 'month', type: 'text' },
  { name: 'new_subscribers', type: 'int' },
  { name: 'reactivated', type: 'int' },
  { name: 'churned_voluntary', type: 'int' },
  { name: 'churned_involuntary', type: 'int' },
  { name: 'churned_migrated', type: 'int' },
  { name: 'mrr_new', type: 'bigint' },
  { name: 'mrr_lost', type: 'bigint' },
  { name: 'mrr_expansion', type: 'bigint' },
  { name: 'mrr_contraction', type: 'bigint' },
  { name: 'mrr_delta', type: 'bigint' },
  { name: 'churned_from_start', type: 'int' },
  { name: 'mrr_reactivation', type: 'bigint' },
  { name: 'mrr_suspended', type: 'bigint' },
  { name: 'mrr_reinstated', type: 'bigint' },
];

const zero = () => ({
  new_subscribers: 0,
  reactivated: 0,
  churned_voluntary: 0,
  churned_involuntary: 0,
  churned_migrated: 0,
  mrr_new: 0,
  mrr_lost: 0,
  mrr_expansion: 0,
  mrr_contraction: 0,
  mrr_delta: 0,
  churned_from_start: 0,
  mrr_reactivation: 0,
  mrr_suspended: 0,
  mrr_reinstated: 0,
});

/**
 * `churn`: monthly counters per currency and segment (money is never summed across currencies). Customers and MRR at a month's start are not stored:
 * they are the running sums of `new + reactivated − churned` and of `mrr_delta` (every change of
 * MRR, bucketed by the month it happened in) over the earlier months, so an event only ever
 * touches its own month's row and late or out-of-order events stay exact.
 */
export const churnProjection: Projection = {
  name: 'churn',
  description: 'Customers, churn by kind and MRR movement per month; also the forecast inputs',
  tables: ['rm_churn', 'rm_churn_subscribers'],
  eventTypes: LIFECYCLE_EVENT_TYPES,
  async apply(events: readonly ProjectedEvent[], ctx: ProjectionContext): Promise<void> {
    const states = new Map<string, StateRow>();
    const loaded = await loadByKeys<Record<string, unknown>>(ctx.tx, ctx.table('rm_churn_subscribers'), 'subscriber_id', events.map((e) => e.data.subscriberId));
    for (const r of loaded) {
      states.set(r.subscriber_id as string, {
        segment: r.segment as string,
        status: r.status as StateRow['status'],
        noticeBy: (r.notice_by as StateRow['noticeBy']) ?? null,
        planCode: r.plan_code as string,
        currency: r.currency as string,
        fee: Number(r.fee),
        // Rows written before schema v3 have none; the migration asks for a rebuild.
        customerSince: r.customer_since ? new Date(r.customer_since as string).toISOString() : new Date(0).toISOString(),
      });
    }
    const dirty = new Set<string>();
    const months = new Counters<{ currency: string; segment: string; month: string }, ReturnType<typeof zero>>(zero);
    for (const e of events) {
      const id = e.data.subscriberId;
      const month = monthOf(e.occurredAt);
      if (e.type === 'SubscriberEnrolled') {
        if (states.has(id)) continue;
        const s: StateRow = { ...enrolledState(e), segment: e.data.segment, customerSince: e.occurredAt };
        states.set(id, s);
        dirty.add(id);
        const c = months.at({ currency: s.currency, segment: s.segment, month });
        c.new_subscribers += 1;
        c.mrr_new += e.data.plan.monthlyFee;
        c.mrr_delta += mrrOf(s);
        continue;
      }
      const s = states.get(id);
      if (!s) continue;
      const c = months.at({ currency: s.currency, segment: s.segment, month });
      const statusBefore = s.status;
      const wasCustomer = isCustomer(s);
      const mrrBefore = mrrOf(s);
      applyLifecycle(s, e);
      dirty.add(id);
      c.mrr_delta += mrrOf(s) - mrrBefore;
      if (e.type === 'SubscriberTerminated' && wasCustomer) {
        if (e.data.kind === 'voluntary') c.churned_voluntary += 1;
        else if (e.data.kind === 'involuntary') c.churned_involuntary += 1;
        else c.churned_migrated += 1;
        c.mrr_lost += e.data.planAtTermination.monthlyFee;
        // Customer at M's first instant (the convention that leaves out who joined and left in M).
        if (Date.parse(s.customerSince) < monthStartMs(month)) c.churned_from_start += 1;
      } else if (e.type === 'SubscriberReactivated' && !wasCustomer) {
        c.reactivated += 1;
        c.mrr_reactivation += e.data.plan.monthlyFee;
        s.customerSince = e.occurredAt;
      } else if (e.type === 'ServiceSuspended' && statusBefore !== 'suspended') {
        c.mrr_suspended += s.fee;
      } else if (e.type === 'ServiceReinstated' && statusBefore === 'suspended') {
        c.mrr_reinstated += s.fee;
      } else if (e.type === 'PlanChanged') {
        const diff = e.data.to.monthlyFee - e.data.from.monthlyFee;
        if (diff > 0) c.mrr_expansion += diff;
        else c.mrr_contraction -= diff;
      }
    }
    await upsertRows(
      ctx.tx,
      ctx.table('rm_churn_subscribers'),
      STATE_COLUMNS,
      ['subscriber_id'],
      [...dirty].map((id) => {
        const s = states.get(id)!;
        return { subscriber_id: id, segment: s.segment, status: s.status, notice_by: s.noticeBy, plan_code: s.planCode, currency: s.currency, fee: s.fee, customer_since: s.customerSince };
      }),
      'replace',
    );
    await upsertRows(ctx.tx, ctx.table('rm_churn'), MONTH_COLUMNS, ['currency', 'segment', 'month'], months.rows(), 'add');
  },
};
