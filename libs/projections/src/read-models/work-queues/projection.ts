import { isCaseEventType, isSubscriberEventType, type EnrolledSubscriber, type ExistingCase } from '@libs/domain';
import { insertTable, loadRows, readModelProjection, saveTable } from '../read-model.js';
import { evolveWorkQueues, type WorkQueueModel } from './evolve.js';
import { workQueueCasesTable, workQueueLedgerTable, workQueueSubscribersTable } from './table.js';

/** jsonb as the driver returns it: parsed by node-postgres, text by some others. */
const stateOf = <S>(raw: unknown): S => (typeof raw === 'string' ? JSON.parse(raw) : raw) as S;

/**
 * `work-queues`: each subscriber's and case's state folded with the domain's own evolve (see
 * evolve.ts), the queue columns beside it, and a pruned trailing-window ledger.
 */
export const workQueuesProjection = readModelProjection({
  name: 'work-queues',
  description: 'Work queues: clients in default, suspensions due, unprofitable without a case, open cases, pending cancellations, notices, approvals',
  tables: [workQueueSubscribersTable, workQueueCasesTable, workQueueLedgerTable],
  async load(events, ctx): Promise<WorkQueueModel> {
    const subscriberIds = new Set<string>();
    const caseIds = new Set<string>();
    for (const e of events) {
      if (isSubscriberEventType(e.type)) subscriberIds.add(e.data.subscriberId);
      else if (isCaseEventType(e.type)) caseIds.add((e.data as { caseId: string }).caseId);
    }
    const subscribers = new Map((await loadRows(ctx, workQueueSubscribersTable, 'subscriber_id', subscriberIds)).map((r) => [r.subscriber_id, stateOf<EnrolledSubscriber>(r.state)]));
    const cases = new Map((await loadRows(ctx, workQueueCasesTable, 'case_id', caseIds)).map((r) => [r.case_id, stateOf<ExistingCase>(r.state)]));
    return { subscribers, cases };
  },
  evolve: evolveWorkQueues,
  async save(writes, ctx) {
    await saveTable(ctx, workQueueSubscribersTable, writes.subscribers, (r) => writes.created.subscribers.has(r.subscriber_id));
    await saveTable(ctx, workQueueCasesTable, writes.cases, (r) => writes.created.cases.has(r.case_id));
    await insertTable(ctx, workQueueLedgerTable, writes.ledger);
    await ctx.tx.query(`DELETE FROM ${ctx.table(workQueueLedgerTable.name)} WHERE at <= $1`, [writes.windowFrom]);
  },
});
