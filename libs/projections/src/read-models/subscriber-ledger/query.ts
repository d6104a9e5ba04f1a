/**
 * Queries of the two subscriber-ledger read models (client profitability, the subscribers list):
 * each returns exactly the response body of its route in api.md, read from the `rm_*` tables only,
 * so they work in any process that shares the database.
 */
import type { SqlExecutor } from '@libs/sql';
import { resolveCurrency } from '../../currency.js';
import { DAY_MS } from '../../months.js';
import { decodeCursor, encodeCursor, pageOf, PAGE_LIMIT, whereAfter } from '../../paging.js';
import { iso, num, projectionAsOf, rate, segmentsOf, type SegmentFilter } from '../../query-kit.js';
import { TRAILING_DAYS } from './evolve.js';
import { clientProfitabilityTables, subscribersTables, type SubscriberLedgerTables } from './table.js';

export const CLIENT_FLAGS = ['unprofitable', 'in_default', 'open_case'] as const;
export type ClientFlag = (typeof CLIENT_FLAGS)[number];

export interface MoneySummary {
  billed: number;
  collected: number;
  costToServe: number;
  margin: number;
  marginRatio: number | null;
}

export interface ClientRow {
  subscriberId: string;
  name: string;
  segment: string;
  status: string;
  salesRepId: string;
  lifetime: MoneySummary;
  trailing90Days: MoneySummary;
  flags: ClientFlag[];
}

export const CLIENT_SORTS = ['margin', 'marginRatio', 'trailingMargin', 'billed', 'collected', 'costToServe'] as const;
export type ClientSort = (typeof CLIENT_SORTS)[number];

export interface ClientsQuery {
  sort?: ClientSort;
  order?: 'asc' | 'desc';
  /** Rows per page (default 100). */
  limit?: number;
  /** Opaque: the `nextCursor` of the previous page (same sort and order). */
  cursor?: string;
  segment?: SegmentFilter;
  flag?: ClientFlag;
  /** Required when the read model holds subscribers in several currencies (see currency.ts). */
  currency?: string;
}

const SORT_SQL: Record<ClientSort, string> = {
  margin: '(p.collected - p.cost_to_serve)',
  marginRatio: '((p.collected - p.cost_to_serve)::float8 / NULLIF(p.collected, 0))',
  trailingMargin: '(COALESCE(t.collected, 0) - COALESCE(t.cost, 0))',
  billed: 'p.billed',
  collected: 'p.collected',
  costToServe: 'p.cost_to_serve',
};

/**
 * `unprofitable` follows the profitability watch's tenure rule (domain.md §5): a customer the whole
 * trailing window (since enrolment or the last reactivation, at or before `w.window_from`) and
 * active or suspended — so the flag and the automatic case agree.
 */
const FLAG_SQL: Record<ClientFlag, string> = {
  unprofitable: `(p.status IN ('active', 'suspended') AND p.customer_since <= w.window_from AND (COALESCE(t.collected, 0) - COALESCE(t.cost, 0)) < 0)`,
  in_default: 'p.missed_unpaid > 0',
  open_case: 'p.open_cases > 0',
};

function summary(billed: number, collected: number, cost: number): MoneySummary {
  return { billed, collected, costToServe: cost, margin: collected - cost, marginRatio: rate(collected - cost, collected) };
}

function flagsOf(r: Record<string, unknown>): ClientFlag[] {
  const flags: ClientFlag[] = [];
  const judged = (r.status === 'active' || r.status === 'suspended') && Date.parse(iso(r.customer_since)!) <= Date.parse(iso(r.window_from)!);
  if (judged && num(r.t_collected) - num(r.t_cost) < 0) flags.push('unprofitable');
  if (num(r.missed_unpaid) > 0) flags.push('in_default');
  if (num(r.open_cases) > 0) flags.push('open_case');
  return flags;
}

/**
 * The per-subscriber table joined with its trailing-window sums. The window is the 90 days up to
 * the projection's latest business time (`asOf`), not the wall clock: rows are then a function
 * of the log alone and a replayed or simulated history reads the same as it did live.
 */
async function subscriberRows(
  db: SqlExecutor,
  tables: SubscriberLedgerTables,
  projection: string,
  where: string[],
  params: unknown[],
  orderBy: string,
  limit: number,
  /** An SQL expression selected as `sort_key`: the value a page's cursor resumes after. */
  sortKey = 'NULL',
): Promise<{ asOf: string | null; rows: Record<string, unknown>[] }> {
  const asOf = await projectionAsOf(db, projection);
  const to = asOf ?? new Date(0).toISOString();
  const from = new Date(Date.parse(to) - TRAILING_DAYS * DAY_MS).toISOString();
  const p = params.length;
  const { rows } = await db.query<Record<string, unknown>>(
    `WITH t AS (
       SELECT subscriber_id, SUM(billed)::bigint AS billed, SUM(collected)::bigint AS collected, SUM(cost)::bigint AS cost
         FROM ${tables.ledger.name} WHERE at > $${p + 1} AND at <= $${p + 2} GROUP BY subscriber_id)
     SELECT p.*, t.billed AS t_billed, t.collected AS t_collected, t.cost AS t_cost, w.window_from, ${sortKey} AS sort_key
       FROM ${tables.subscribers.name} p LEFT JOIN t USING (subscriber_id)
      CROSS JOIN (SELECT $${p + 1}::timestamptz AS window_from) w
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${orderBy} LIMIT $${p + 3}`,
    [...params, from, to, limit],
  );
  return { asOf, rows };
}

/** `GET /v1/analytics/clients`: profitability per client, lifetime and trailing 90 days, with flags. */
export async function clients(db: SqlExecutor, q: ClientsQuery = {}): Promise<{ asOf: string | null; currency: string | null; clients: ClientRow[]; nextCursor?: string }> {
  const currency = await resolveCurrency(db, clientProfitabilityTables.subscribers.name, q.currency);
  const sort = q.sort ?? 'margin';
  const dir = q.order === 'desc' ? 'DESC' : 'ASC';
  const limit = q.limit ?? PAGE_LIMIT.default;
  const scope = `clients:${sort}:${dir}:${currency ?? ''}`;
  const where = ['p.segment = ANY($1::text[])', 'p.currency = $2'];
  const params: unknown[] = [segmentsOf(q.segment), currency ?? ''];
  if (q.flag) where.push(FLAG_SQL[q.flag]);
  if (q.cursor) {
    const [value, id] = decodeCursor(q.cursor, scope, 2);
    whereAfter(where, params, { expr: SORT_SQL[sort], dir, idColumn: 'p.subscriber_id' }, value, id);
  }
  const read = await subscriberRows(db, clientProfitabilityTables, 'client-profitability', where, params, `${SORT_SQL[sort]} ${dir} NULLS LAST, p.subscriber_id ASC`, limit + 1, SORT_SQL[sort]);
  const { asOf } = read;
  const { page: rows, nextCursor } = pageOf(read.rows, limit, (last) => encodeCursor(scope, [cursorValue(last.sort_key), last.subscriber_id as string]));
  return {
    asOf,
    currency,
    ...(nextCursor === undefined ? {} : { nextCursor }),
    clients: rows.map((r) => ({
      subscriberId: r.subscriber_id as string,
      name: r.name as string,
      segment: r.segment as string,
      status: r.status as string,
      salesRepId: r.sales_rep_id as string,
      lifetime: summary(num(r.billed), num(r.collected), num(r.cost_to_serve)),
      trailing90Days: summary(num(r.t_billed), num(r.t_collected), num(r.t_cost)),
      flags: flagsOf(r),
    })),
  };
}

export interface SubscriberListItem {
  subscriberId: string;
  name: string;
  segment: string;
  status: string;
  plan: { code: string; monthlyFee: number; currency: string };
  mrr: number;
  balance: number;
  salesRepId: string;
  enrolledAt: string;
  terminatedAt: string | null;
  openCases: number;
  flags: ClientFlag[];
}

export interface SubscribersQuery {
  status?: 'active' | 'suspended' | 'notice' | 'terminated';
  segment?: SegmentFilter;
  flag?: ClientFlag;
  limit?: number;
  /** Opaque: the `nextCursor` of the previous page. */
  cursor?: string;
}

/** A sort value as a cursor holds it: bigints stay exact as strings, floats as numbers. */
function cursorValue(v: unknown): string | number | null {
  if (v === null || v === undefined) return null;
  return typeof v === 'number' ? v : String(v);
}

/** `GET /v1/subscribers`: the list, in subscriber-id order, paged by cursor. */
export async function subscribers(db: SqlExecutor, q: SubscribersQuery = {}): Promise<{ subscribers: SubscriberListItem[]; nextCursor?: string }> {
  const limit = q.limit ?? PAGE_LIMIT.default;
  const where = ['p.segment = ANY($1::text[])'];
  const params: unknown[] = [segmentsOf(q.segment)];
  if (q.status) {
    params.push(q.status);
    where.push(`p.status = $${params.length}`);
  }
  if (q.cursor) {
    params.push(decodeCursor(q.cursor, 'subscribers', 1)[0]);
    where.push(`p.subscriber_id > $${params.length}`);
  }
  if (q.flag) where.push(FLAG_SQL[q.flag]);
  const read = await subscriberRows(db, subscribersTables, 'subscribers', where, params, 'p.subscriber_id ASC', limit + 1);
  const { page, nextCursor } = pageOf(read.rows, limit, (last) => encodeCursor('subscribers', [last.subscriber_id as string]));
  return {
    ...(nextCursor === undefined ? {} : { nextCursor }),
    subscribers: page.map((r) => ({
      subscriberId: r.subscriber_id as string,
      name: r.name as string,
      segment: r.segment as string,
      status: r.status as string,
      plan: { code: r.plan_code as string, monthlyFee: num(r.monthly_fee), currency: r.currency as string },
      mrr: num(r.mrr),
      balance: num(r.balance),
      salesRepId: r.sales_rep_id as string,
      enrolledAt: iso(r.enrolled_at)!,
      terminatedAt: iso(r.terminated_at),
      openCases: num(r.open_cases),
      flags: flagsOf(r),
    })),
  };
}
