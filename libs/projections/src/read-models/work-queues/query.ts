/**
 * Queries of the work queues (issue 16; docs/operators.md "Work queues"), read from the
 * `work-queues` projection. Every date-dependent answer ("days past due", "within 30 days",
 * the trailing window) is computed from the projection's `asOf` — its latest business time —
 * never the wall clock, so the same log always gives the same queues.
 */
import type { SqlExecutor } from '@libs/sql';
import { decodeCursor, encodeCursor, pageOf, PAGE_LIMIT } from '../../paging.js';
import { projectionAsOf } from '../../query-kit.js';
import { trailingWindowFrom } from './evolve.js';
import { workQueueCasesTable, workQueueLedgerTable, workQueueSubscribersTable } from './table.js';

export const WORK_QUEUES = ['in-default', 'suspensions-due', 'unprofitable-without-case', 'open-cases', 'pending-cancellations', 'notices-ending'] as const;
export type WorkQueue = (typeof WORK_QUEUES)[number];
/** Notices taking effect within this many days of `asOf` are "ending". */
const NOTICE_HORIZON_DAYS = 30;

const DAY_MS = 86_400_000;
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string | Date).toISOString());
const dateStart = (d: string): string => `${d}T00:00:00.000Z`;
const daysBetween = (at: string, date: string): number => Math.floor((Date.parse(at) - Date.parse(dateStart(date))) / DAY_MS);

/** Whom a subscriber queue's entry is about. */
export interface QueueClient {
  subscriberId: string;
  name: string;
}
/** … with what its amounts are read in. */
export interface QueueClientAccount extends QueueClient {
  segment: string;
  currency: string;
}
/** Which case a case queue's entry is, and whose. */
export interface QueueCase extends QueueClient {
  caseId: string;
  kind: string;
}
export interface InDefaultRow extends QueueClientAccount {
  amountOwed: number;
  missedInvoices: number;
  oldestDueDate: string;
  daysPastDue: number;
  arrangement: { payBy: string } | null;
}
export interface SuspensionDueRow extends QueueClient {
  /** 00:00Z of the day the scheduler's next pass suspends (domain.md §4); may be past when the scheduler has not run since. */
  dueAt: string;
}
export interface UnprofitableRow extends QueueClientAccount {
  collected: number;
  costToServe: number;
  trailingMargin: number;
}
export interface OpenCaseRow extends QueueCase {
  openedAt: string;
  nextStep: string;
}
export interface PendingCancellationRow extends QueueClient {
  requestedAt: string;
  reason: string;
  caseId: string | null;
}
export interface NoticeEndingRow extends QueueClient {
  effectiveDate: string;
  initiatedBy: string;
}
export interface ApprovalRow extends QueueCase {
  recommendedAt: string;
  effectiveDate: string;
}

/** What the queues need to know besides the read model: the service's dunning policy. */
export interface WorkQueueSettings {
  suspendAfterDays: number;
}

interface Ctx {
  asOf: string;
  settings: WorkQueueSettings;
  p: (value: unknown) => string;
}

/** One queue: its rows (FROM + WHERE), its key order (a non-null sort value, then an id) and its row shape. */
interface QueueDef<R> {
  from: string;
  where: (c: Ctx) => string[];
  select: string;
  /** SQL of the sort value and its type (for the cursor), then the unique id. */
  sort: { expr: string; type: 'date' | 'timestamptz' | 'bigint'; id: string };
  row: (r: Record<string, unknown>, asOf: string) => R;
}

const SUBSCRIBERS = `${workQueueSubscribersTable.name} s`;
const CASES = `${workQueueCasesTable.name} c`;
// Every queue's entry starts with whom (and which case) it is about, read from the same columns.
const clientOf = (r: Record<string, unknown>): QueueClient => ({ subscriberId: r.subscriber_id as string, name: r.name as string });
const accountOf = (r: Record<string, unknown>): QueueClientAccount => ({ ...clientOf(r), segment: r.segment as string, currency: r.currency as string });
const caseOf = (r: Record<string, unknown>): QueueCase => ({ caseId: r.case_id as string, ...clientOf(r), kind: r.kind as string });
const nameOf = `COALESCE((SELECT n.name FROM ${workQueueSubscribersTable.name} n WHERE n.subscriber_id = c.subscriber_id), '')`;
/** The columns {@link caseOf} reads (the name from the subscriber's row). */
const CASE_COLUMNS = `c.case_id, c.subscriber_id, c.kind, ${nameOf} AS name`;
const suspensionDue = (c: Ctx) => `LEAST(s.unarranged_due_date + ${c.p(c.settings.suspendAfterDays)}::int, s.arranged_until + 1)`;
const trailing = (c: Ctx) => {
  const from = c.p(trailingWindowFrom(c.asOf));
  const to = c.p(c.asOf);
  return { from, sum: `(SELECT COALESCE(SUM(l.collected), 0)::bigint AS collected, COALESCE(SUM(l.cost), 0)::bigint AS cost FROM ${workQueueLedgerTable.name} l WHERE l.subscriber_id = s.subscriber_id AND l.at > ${from}::timestamptz AND l.at <= ${to}::timestamptz)` };
};

const QUEUES: { [Q in WorkQueue]: QueueDef<unknown> } & { approvals: QueueDef<ApprovalRow> } = {
  'in-default': {
    from: SUBSCRIBERS,
    where: () => ['s.missed_invoices > 0'],
    select: 's.*, s.oldest_due_date::text AS oldest, s.arranged_until::text AS arranged',
    sort: { expr: 's.oldest_due_date', type: 'date', id: 's.subscriber_id' },
    row: (r, asOf): InDefaultRow => {
      const arranged = r.arranged as string | null;
      // In force until the end of its payBy day (domain.md §4): a broken one is no arrangement.
      const inForce = arranged !== null && daysBetween(asOf, arranged) <= 0;
      return {
        ...accountOf(r),
        amountOwed: num(r.amount_owed),
        missedInvoices: num(r.missed_invoices),
        oldestDueDate: r.oldest as string,
        daysPastDue: daysBetween(asOf, r.oldest as string),
        arrangement: inForce ? { payBy: arranged } : null,
      };
    },
  },
  'suspensions-due': {
    from: SUBSCRIBERS,
    where: () => ["s.status IN ('active', 'notice')", 's.missed_invoices > 0'],
    select: 's.subscriber_id, s.name',
    sort: { expr: '', type: 'date', id: 's.subscriber_id' },
    row: (r): SuspensionDueRow => ({ ...clientOf(r), dueAt: dateStart(r.sort_key as string) }),
  },
  'unprofitable-without-case': {
    from: SUBSCRIBERS,
    where: (c) => [
      "s.status IN ('active', 'suspended')",
      `s.customer_since <= ${c.p(trailingWindowFrom(c.asOf))}::timestamptz`,
      `NOT EXISTS (SELECT 1 FROM ${workQueueCasesTable.name} k WHERE k.subscriber_id = s.subscriber_id AND k.kind = 'unprofitable' AND k.status = 'open')`,
    ],
    select: 's.subscriber_id, s.name, s.segment, s.currency, t.collected, t.cost',
    sort: { expr: '(t.collected - t.cost)', type: 'bigint', id: 's.subscriber_id' },
    row: (r): UnprofitableRow => ({
      ...accountOf(r),
      collected: num(r.collected),
      costToServe: num(r.cost),
      trailingMargin: num(r.collected) - num(r.cost),
    }),
  },
  'open-cases': {
    from: CASES,
    where: () => ["c.status = 'open'"],
    select: `${CASE_COLUMNS}, c.opened_at, c.next_step`,
    sort: { expr: 'c.opened_at', type: 'timestamptz', id: 'c.case_id' },
    row: (r): OpenCaseRow => ({
      ...caseOf(r),
      openedAt: iso(r.opened_at)!,
      nextStep: r.next_step as string,
    }),
  },
  'pending-cancellations': {
    from: SUBSCRIBERS,
    where: () => ['s.cancellation_requested_at IS NOT NULL'],
    select: `s.subscriber_id, s.name, s.cancellation_requested_at, s.cancellation_reason,
      (SELECT k.case_id FROM ${workQueueCasesTable.name} k WHERE k.subscriber_id = s.subscriber_id AND k.kind = 'retention' AND k.status = 'open' ORDER BY k.opened_at DESC, k.case_id LIMIT 1) AS case_id`,
    sort: { expr: 's.cancellation_requested_at', type: 'timestamptz', id: 's.subscriber_id' },
    row: (r): PendingCancellationRow => ({
      ...clientOf(r),
      requestedAt: iso(r.cancellation_requested_at)!,
      reason: r.cancellation_reason as string,
      caseId: (r.case_id as string | null) ?? null,
    }),
  },
  'notices-ending': {
    from: SUBSCRIBERS,
    where: (c) => ['s.notice_effective_date IS NOT NULL', `s.notice_effective_date <= (${c.p(c.asOf)}::timestamptz AT TIME ZONE 'UTC')::date + ${NOTICE_HORIZON_DAYS}`],
    select: 's.subscriber_id, s.name, s.notice_initiated_by',
    sort: { expr: 's.notice_effective_date', type: 'date', id: 's.subscriber_id' },
    row: (r): NoticeEndingRow => ({ ...clientOf(r), effectiveDate: r.sort_key as string, initiatedBy: r.notice_initiated_by as string }),
  },
  approvals: {
    from: CASES,
    where: () => ["c.status = 'open'", 'c.recommended_at IS NOT NULL', 'NOT c.approved'],
    select: `${CASE_COLUMNS}, c.recommended_at, c.effective_date::text AS effective`,
    sort: { expr: 'c.recommended_at', type: 'timestamptz', id: 'c.case_id' },
    row: (r): ApprovalRow => ({
      ...caseOf(r),
      recommendedAt: iso(r.recommended_at)!,
      effectiveDate: r.effective as string,
    }),
  },
};

type QueueName = WorkQueue | 'approvals';

/** FROM, WHERE and the sort expression of a queue, with its parameters. */
function build(queue: QueueName, asOf: string, settings: WorkQueueSettings, params: unknown[], sorted = true) {
  const c: Ctx = { asOf, settings, p: (v) => (params.push(v), `$${params.length}`) };
  const def = QUEUES[queue];
  let from = def.from;
  const where = def.where(c);
  let sortExpr = def.sort.expr;
  // Only when used: PostgreSQL refuses a parameter it cannot type because nothing references it.
  if (queue === 'suspensions-due' && sorted) sortExpr = suspensionDue(c);
  if (queue === 'unprofitable-without-case') {
    const t = trailing(c);
    from = `${from} CROSS JOIN LATERAL ${t.sum} t`;
    where.push('(t.collected - t.cost) < 0');
  }
  return { def, from, where, sortExpr };
}

export interface QueuePage {
  /** Cursor scope: the queue's name. Limit 1–1000 (default 100). */
  limit?: number;
  cursor?: string;
}

/**
 * One page of a queue, in its order (oldest debt, soonest suspension, worst margin, oldest case,
 * oldest request, soonest notice, oldest recommendation), paged by key like every list.
 */
export async function workQueue<R = unknown>(db: SqlExecutor, queue: QueueName, settings: WorkQueueSettings, page: QueuePage = {}): Promise<{ asOf: string | null; rows: R[]; nextCursor?: string }> {
  const asOf = await projectionAsOf(db, 'work-queues');
  const at = asOf ?? new Date(0).toISOString();
  const params: unknown[] = [];
  const { def, from, where, sortExpr } = build(queue, at, settings, params);
  if (page.cursor) {
    const [value, id] = decodeCursor(page.cursor, `work-queue:${queue}`, 2);
    params.push(value, id);
    where.push(`(${sortExpr}, ${def.sort.id}) > ($${params.length - 1}::${def.sort.type}, $${params.length}::text)`);
  }
  const limit = page.limit ?? PAGE_LIMIT.default;
  params.push(limit + 1);
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT ${def.select}, (${sortExpr})::text AS sort_key FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${sortExpr}, ${def.sort.id} LIMIT $${params.length}`,
    params,
  );
  const idKey = def.sort.id.split('.')[1]!;
  const paged = pageOf(rows, limit, (last) => encodeCursor(`work-queue:${queue}`, [last.sort_key as string, last[idKey] as string]));
  return { asOf, rows: paged.page.map((r) => def.row(r, at) as R), ...(paged.nextCursor === undefined ? {} : { nextCursor: paged.nextCursor }) };
}

export interface WorkQueueCounts {
  inDefault: number;
  suspensionsDue: number;
  unprofitableWithoutCase: number;
  openCases: number;
  pendingCancellations: number;
  noticesEnding: number;
}

const COUNT_KEYS: Record<WorkQueue, keyof WorkQueueCounts> = {
  'in-default': 'inDefault',
  'suspensions-due': 'suspensionsDue',
  'unprofitable-without-case': 'unprofitableWithoutCase',
  'open-cases': 'openCases',
  'pending-cancellations': 'pendingCancellations',
  'notices-ending': 'noticesEnding',
};

/** The size of every operator queue (the console's navigation badges). */
export async function workQueueCounts(db: SqlExecutor, settings: WorkQueueSettings): Promise<{ asOf: string | null; counts: WorkQueueCounts }> {
  const asOf = await projectionAsOf(db, 'work-queues');
  const at = asOf ?? new Date(0).toISOString();
  const params: unknown[] = [];
  const parts = WORK_QUEUES.map((q) => {
    const { from, where } = build(q, at, settings, params, false);
    return `(SELECT count(*) FROM ${from} WHERE ${where.join(' AND ')}) AS "${COUNT_KEYS[q]}"`;
  });
  const { rows } = await db.query<Record<string, unknown>>(`SELECT ${parts.join(', ')}`, params);
  const counts = Object.fromEntries(Object.values(COUNT_KEYS).map((k) => [k, num(rows[0]?.[k])])) as unknown as WorkQueueCounts;
  return { asOf, counts };
}
