import { applyLifecycle, enrolledState, isCustomer, mrrOf, type LifecycleState } from '../../lifecycle.js';
import { monthOf, monthStartMs } from '../../months.js';
import type { ProjectedEvent } from '../../projection.js';
import { countersOf } from '../read-model.js';
import { churnTable, type ChurnMonthRow, type ChurnSubscriberRow } from './table.js';

interface State extends LifecycleState {
  segment: string;
  /** Enrolment or last reactivation: a terminated subscriber was a customer at M's start when this is before it. */
  customerSince: string;
}

/** What a batch changes: the subscribers it touched (whole rows) and the deltas of each month row. */
export interface ChurnChanges {
  subscribers: ChurnSubscriberRow[];
  months: ChurnMonthRow[];
}

function stateOf(r: ChurnSubscriberRow): State {
  return {
    segment: r.segment,
    status: r.status as State['status'],
    noticeBy: r.notice_by as State['noticeBy'],
    planCode: r.plan_code,
    currency: r.currency,
    fee: r.fee,
    // Rows written before schema v3 have none; the migration asks for a rebuild.
    customerSince: r.customer_since ?? new Date(0).toISOString(),
  };
}

function rowOf(id: string, s: State): ChurnSubscriberRow {
  return { subscriber_id: id, segment: s.segment, status: s.status, notice_by: s.noticeBy, plan_code: s.planCode, currency: s.currency, fee: s.fee, customer_since: s.customerSince };
}

/**
 * Pure: the subscribers' stored rows (those the batch mentions) and the batch → what to write.
 * Every delta lands in the month of its event, so late or out-of-order events stay exact.
 */
export function evolveChurn(loaded: readonly ChurnSubscriberRow[], events: readonly ProjectedEvent[]): ChurnChanges {
  const states = new Map<string, State>(loaded.map((r) => [r.subscriber_id, stateOf(r)]));
  const dirty = new Set<string>();
  const months = countersOf(churnTable);
  for (const e of events) {
    const id = e.data.subscriberId;
    const month = monthOf(e.occurredAt);
    if (e.type === 'SubscriberEnrolled') {
      if (states.has(id)) continue;
      const s: State = { ...enrolledState(e), segment: e.data.segment, customerSince: e.occurredAt };
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
  return { subscribers: [...dirty].map((id) => rowOf(id, states.get(id)!)), months: months.rows() as ChurnMonthRow[] };
}
