/**
 * Query functions of the read models: each returns exactly the response body of its route in
 * api.md. They read only `rm_*` tables, so they work in any process that shares the database.
 */
import { decodeCursor, encodeCursor, pageOf, PAGE_LIMIT, whereAfter } from './paging.js';
import type { SqlExecutor } from '@libs/event-store';
import { addMonths, DAY_MS, monthOf, monthRange } from './months.js';
import { META_TABLE } from './projection.js';
import { TRAILING_DAYS } from './projections/subscriber-ledger.js';

export type SegmentFilter = 'all' | 'b2b' | 'b2c';
export const SEGMENTS: readonly SegmentFilter[] = ['all', 'b2b', 'b2c'];
export const CLIENT_FLAGS = ['unprofitable', 'in_default', 'open_case'] as const;
export type ClientFlag = (typeof CLIENT_FLAGS)[number];

export interface MonthRange {
  from: string;
  to: string;
  segment?: SegmentFilter;
}

const segmentsOf = (s: SegmentFilter = 'all'): string[] => (s === 'all' ? ['b2b', 'b2c'] : [s]);
/** Rates are plain decimals, unrounded, null when the denominator is 0 (domain.md §6). */
const rate = (num: number, den: number): number | null => (den === 0 ? null : num / den);
const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
const iso = (v: unknown): string | null => (v === null || v === undefined ? null : new Date(v as string | Date).toISOString());

/** Latest business time a projection has seen (null before its first event). */
export async function projectionAsOf(db: SqlExecutor, name: string): Promise<string | null> {
  const { rows } = await db.query<{ as_of: Date | null }>(`SELECT as_of FROM ${META_TABLE} WHERE name = $1`, [name]);
  return iso(rows[0]?.as_of ?? null);
}

export interface ChurnMonth {
  month: string;
  customersAtStart: number;
  new: number;
  reactivated: number;
  /** `fromStart`: of `total`, the subscribers who were customers at the month's first instant. */
  churned: { voluntary: number; involuntary: number; migrated: number; total: number; fromStart: number };
  customersAtEnd: number;
  customerChurnRate: number | null;
  /** churned.fromStart / customersAtStart (the convention that leaves out who joined and left in M). */
  startingCustomerChurnRate: number | null;
  mrrAtStart: number;
  mrrAtEnd: number;
  mrrLost: number;
  revenueChurnRate: number | null;
  mrrNew: number;
  mrrExpansion: number;
  mrrContraction: number;
  mrrReactivation: number;
  mrrSuspended: number;
  mrrReinstated: number;
  /** (mrrLost + mrrContraction) / mrrAtStart. */
  grossMrrChurnRate: number | null;
  /** (mrrLost + mrrContraction − mrrExpansion − mrrReactivation) / mrrAtStart; may be negative. */
  netMrrChurnRate: number | null;
  /** 1 − netMrrChurnRate. */
  netRevenueRetention: number | null;
  /** (mrrNew + mrrExpansion + mrrReactivation) / (mrrLost + mrrContraction). */
  quickRatio: number | null;
}

/** `GET /v1/analytics/churn`. Customers and MRR at a month's start are the state before any of that month's events. */
export async function churn(db: SqlExecutor, q: MonthRange): Promise<{ segment: SegmentFilter; months: ChurnMonth[] }> {
  const segment = q.segment ?? 'all';
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT month, SUM(new_subscribers)::bigint AS n, SUM(reactivated)::bigint AS r, SUM(churned_voluntary)::bigint AS cv,
            SUM(churned_involuntary)::bigint AS ci, SUM(churned_migrated)::bigint AS cm, SUM(mrr_new)::bigint AS mrr_new,
            SUM(mrr_lost)::bigint AS mrr_lost, SUM(mrr_expansion)::bigint AS exp, SUM(mrr_contraction)::bigint AS con,
            SUM(mrr_delta)::bigint AS delta, SUM(churned_from_start)::bigint AS from_start, SUM(mrr_reactivation)::bigint AS reactivation,
            SUM(mrr_suspended)::bigint AS suspended, SUM(mrr_reinstated)::bigint AS reinstated
       FROM rm_churn WHERE segment = ANY($1::text[]) AND month <= $2 GROUP BY month ORDER BY month`,
    [segmentsOf(segment), q.to],
  );
  const byMonth = new Map(rows.map((r) => [r.month as string, r]));
  let customers = 0;
  let mrr = 0;
  for (const r of rows) {
    if ((r.month as string) >= q.from) break;
    customers += num(r.n) + num(r.r) - num(r.cv) - num(r.ci) - num(r.cm);
    mrr += num(r.delta);
  }
  const months = monthRange(q.from, q.to).map((month): ChurnMonth => {
    const r = byMonth.get(month) ?? {};
    const voluntary = num(r.cv);
    const involuntary = num(r.ci);
    const migrated = num(r.cm);
    const total = voluntary + involuntary + migrated;
    const start = customers;
    const mrrStart = mrr;
    customers = start + num(r.n) + num(r.r) - total;
    mrr = mrrStart + num(r.delta);
    const fromStart = num(r.from_start);
    const [lost, expansion, contraction, reactivation] = [num(r.mrr_lost), num(r.exp), num(r.con), num(r.reactivation)];
    const netMrrChurnRate = rate(lost + contraction - expansion - reactivation, mrrStart);
    return {
      month,
      customersAtStart: start,
      new: num(r.n),
      reactivated: num(r.r),
      churned: { voluntary, involuntary, migrated, total, fromStart },
      customersAtEnd: customers,
      customerChurnRate: rate(total, start),
      startingCustomerChurnRate: rate(fromStart, start),
      mrrAtStart: mrrStart,
      mrrAtEnd: mrr,
      mrrLost: lost,
      revenueChurnRate: rate(lost, mrrStart),
      mrrNew: num(r.mrr_new),
      mrrExpansion: expansion,
      mrrContraction: contraction,
      mrrReactivation: reactivation,
      mrrSuspended: num(r.suspended),
      mrrReinstated: num(r.reinstated),
      grossMrrChurnRate: rate(lost + contraction, mrrStart),
      netMrrChurnRate,
      netRevenueRetention: netMrrChurnRate === null ? null : 1 - netMrrChurnRate,
      quickRatio: rate(num(r.mrr_new) + expansion + reactivation, lost + contraction),
    };
  });
  return { segment, months };
}

export interface Aging {
  '1-30': number;
  '31-60': number;
  '61-90': number;
  '90+': number;
}

export interface DefaultRateMonth {
  month: string;
  invoicesDue: number;
  amountDue: number;
  invoicesDefaulted: number;
  amountDefaulted: number;
  defaultRate: number | null;
  amountDefaultRate: number | null;
  invoicesRecovered: number;
  amountRecovered: number;
  amountWrittenOff: number;
  aging: Aging;
}

/** `GET /v1/analytics/default-rate`. */
export async function defaultRate(db: SqlExecutor, q: MonthRange): Promise<{ segment: SegmentFilter; months: DefaultRateMonth[] }> {
  const segment = q.segment ?? 'all';
  const segs = segmentsOf(segment);
  const list = monthRange(q.from, q.to);
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT month, SUM(invoices_due)::bigint AS invoices_due, SUM(amount_due)::bigint AS amount_due,
            SUM(invoices_defaulted)::bigint AS invoices_defaulted, SUM(amount_defaulted)::bigint AS amount_defaulted,
            SUM(invoices_recovered)::bigint AS invoices_recovered, SUM(amount_recovered)::bigint AS amount_recovered,
            SUM(amount_written_off)::bigint AS amount_written_off
       FROM rm_default_rate WHERE segment = ANY($1::text[]) AND month >= $2 AND month <= $3 GROUP BY month`,
    [segs, q.from, q.to],
  );
  // Days past due at the first instant of M+1 = (first day of M+1) − due date, in whole days.
  const aging = await db.query<Record<string, unknown>>(
    `SELECT m.month,
            COALESCE(SUM(s.owed) FILTER (WHERE d.days BETWEEN 1 AND 30), 0)::bigint AS a1,
            COALESCE(SUM(s.owed) FILTER (WHERE d.days BETWEEN 31 AND 60), 0)::bigint AS a2,
            COALESCE(SUM(s.owed) FILTER (WHERE d.days BETWEEN 61 AND 90), 0)::bigint AS a3,
            COALESCE(SUM(s.owed) FILTER (WHERE d.days > 90), 0)::bigint AS a4
       FROM unnest($1::text[]) AS m(month)
       JOIN rm_default_rate_aging_spans s
         ON s.from_month <= m.month AND (s.to_month IS NULL OR s.to_month > m.month) AND s.segment = ANY($2::text[])
       CROSS JOIN LATERAL (SELECT ((to_date(m.month, 'YYYY-MM') + interval '1 month')::date - s.due_date) AS days) d
      GROUP BY m.month`,
    [list, segs],
  );
  const byMonth = new Map(rows.map((r) => [r.month as string, r]));
  const agingByMonth = new Map(aging.rows.map((r) => [r.month as string, r]));
  const months = list.map((month): DefaultRateMonth => {
    const r = byMonth.get(month) ?? {};
    const a = agingByMonth.get(month) ?? {};
    return {
      month,
      invoicesDue: num(r.invoices_due),
      amountDue: num(r.amount_due),
      invoicesDefaulted: num(r.invoices_defaulted),
      amountDefaulted: num(r.amount_defaulted),
      defaultRate: rate(num(r.invoices_defaulted), num(r.invoices_due)),
      amountDefaultRate: rate(num(r.amount_defaulted), num(r.amount_due)),
      invoicesRecovered: num(r.invoices_recovered),
      amountRecovered: num(r.amount_recovered),
      amountWrittenOff: num(r.amount_written_off),
      aging: { '1-30': num(a.a1), '31-60': num(a.a2), '61-90': num(a.a3), '90+': num(a.a4) },
    };
  });
  return { segment, months };
}

export interface RevenueMonth {
  month: string;
  clientsBilled: number;
  billed: number;
  collected: number;
  costToServe: number;
  arpu: number | null;
  collectedPerClient: number | null;
  costPerClient: number | null;
  marginPerClient: number | null;
}

/** `GET /v1/analytics/revenue-per-client`. `billed` and `clientsBilled` go by invoice period; `collected` and `costToServe` by month of occurrence. */
export async function revenuePerClient(db: SqlExecutor, q: MonthRange): Promise<{ segment: SegmentFilter; months: RevenueMonth[] }> {
  const segment = q.segment ?? 'all';
  const segs = segmentsOf(segment);
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT month, SUM(billed)::bigint AS billed, SUM(collected)::bigint AS collected, SUM(cost_to_serve)::bigint AS cost
       FROM rm_revenue_per_client WHERE segment = ANY($1::text[]) AND month >= $2 AND month <= $3 GROUP BY month`,
    [segs, q.from, q.to],
  );
  const clients = await db.query<{ period: string; n: number }>(
    `SELECT period, COUNT(*)::int AS n FROM rm_revenue_per_client_billed WHERE segment = ANY($1::text[]) AND period >= $2 AND period <= $3 GROUP BY period`,
    [segs, q.from, q.to],
  );
  const byMonth = new Map(rows.map((r) => [r.month as string, r]));
  const clientsBy = new Map(clients.rows.map((r) => [r.period, Number(r.n)]));
  const months = monthRange(q.from, q.to).map((month): RevenueMonth => {
    const r = byMonth.get(month) ?? {};
    const n = clientsBy.get(month) ?? 0;
    const billed = num(r.billed);
    const collected = num(r.collected);
    const cost = num(r.cost);
    return {
      month,
      clientsBilled: n,
      billed,
      collected,
      costToServe: cost,
      arpu: rate(billed, n),
      collectedPerClient: rate(collected, n),
      costPerClient: rate(cost, n),
      marginPerClient: rate(collected - cost, n),
    };
  });
  return { segment, months };
}

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
  table: 'rm_subscribers' | 'rm_client_profitability',
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
         FROM ${table}_ledger WHERE at > $${p + 1} AND at <= $${p + 2} GROUP BY subscriber_id)
     SELECT p.*, t.billed AS t_billed, t.collected AS t_collected, t.cost AS t_cost, w.window_from, ${sortKey} AS sort_key
       FROM ${table} p LEFT JOIN t USING (subscriber_id)
      CROSS JOIN (SELECT $${p + 1}::timestamptz AS window_from) w
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${orderBy} LIMIT $${p + 3}`,
    [...params, from, to, limit],
  );
  return { asOf, rows };
}

/** `GET /v1/analytics/clients`: profitability per client, lifetime and trailing 90 days, with flags. */
export async function clients(db: SqlExecutor, q: ClientsQuery = {}): Promise<{ asOf: string | null; clients: ClientRow[]; nextCursor?: string }> {
  const sort = q.sort ?? 'margin';
  const dir = q.order === 'desc' ? 'DESC' : 'ASC';
  const limit = q.limit ?? PAGE_LIMIT.default;
  const scope = `clients:${sort}:${dir}`;
  const where = ['p.segment = ANY($1::text[])'];
  const params: unknown[] = [segmentsOf(q.segment)];
  if (q.flag) where.push(FLAG_SQL[q.flag]);
  if (q.cursor) {
    const [value, id] = decodeCursor(q.cursor, scope, 2);
    whereAfter(where, params, { expr: SORT_SQL[sort], dir, idColumn: 'p.subscriber_id' }, value, id);
  }
  const read = await subscriberRows(db, 'rm_client_profitability', 'client-profitability', where, params, `${SORT_SQL[sort]} ${dir} NULLS LAST, p.subscriber_id ASC`, limit + 1, SORT_SQL[sort]);
  const { asOf } = read;
  const { page: rows, nextCursor } = pageOf(read.rows, limit, (last) => encodeCursor(scope, [cursorValue(last.sort_key), last.subscriber_id as string]));
  return {
    asOf,
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
  const read = await subscriberRows(db, 'rm_subscribers', 'subscribers', where, params, 'p.subscriber_id ASC', limit + 1);
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

export interface CaseListItem {
  caseId: string;
  subscriberId: string;
  kind: string;
  status: 'open' | 'closed';
  summary: string;
  openedBy: string;
  openedAt: string;
  closedAt: string | null;
  outcome: string | null;
  lastEventType: string;
  lastEventAt: string;
}

export interface CasesQuery {
  subscriberId?: string;
  kind?: string;
  status?: 'open' | 'closed';
  /** Rows per page (default 100). */
  limit?: number;
  /** Opaque: the `nextCursor` of the previous page. */
  cursor?: string;
}

/** `GET /v1/cases`, oldest first (by opening, then case id), paged by cursor to the newest. */
export async function cases(db: SqlExecutor, q: CasesQuery = {}): Promise<{ cases: CaseListItem[]; nextCursor?: string }> {
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [col, value] of [
    ['subscriber_id', q.subscriberId],
    ['kind', q.kind],
    ['status', q.status],
  ] as const) {
    if (value === undefined) continue;
    params.push(value);
    where.push(`${col} = $${params.length}`);
  }
  if (q.cursor) {
    const [openedAt, caseId] = decodeCursor(q.cursor, 'cases', 2);
    params.push(openedAt, caseId);
    where.push(`(opened_at, case_id) > ($${params.length - 1}::timestamptz, $${params.length})`);
  }
  const limit = q.limit ?? PAGE_LIMIT.default;
  params.push(limit + 1);
  // opened_at as text: the exact stored instant (microseconds included) for the cursor.
  const read = await db.query<Record<string, unknown>>(
    `SELECT *, opened_at::text AS opened_key FROM rm_cases ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at, case_id LIMIT $${params.length}`,
    params,
  );
  const { page: rows, nextCursor } = pageOf(read.rows, limit, (last) => encodeCursor('cases', [last.opened_key as string, last.case_id as string]));
  return {
    ...(nextCursor === undefined ? {} : { nextCursor }),
    cases: rows.map((r) => ({
      caseId: r.case_id as string,
      subscriberId: r.subscriber_id as string,
      kind: r.kind as string,
      status: r.status as 'open' | 'closed',
      summary: r.summary as string,
      openedBy: r.opened_by as string,
      openedAt: iso(r.opened_at)!,
      closedAt: iso(r.closed_at),
      outcome: (r.outcome as string | null) ?? null,
      lastEventType: r.last_event_type as string,
      lastEventAt: iso(r.last_event_at)!,
    })),
  };
}

export interface RepMonth {
  salesRepId: string;
  newSubscribers: number;
  newMrr: number;
  churnedWithin90Days: number;
  invoicesDue: number;
  invoicesDefaulted: number;
  defaultRate: number | null;
}

/** `GET /v1/analytics/sales-reps`: per enrolment month, the reps who sold (others are absent). */
export async function salesReps(db: SqlExecutor, q: MonthRange): Promise<{ segment: SegmentFilter; months: Array<{ month: string; reps: RepMonth[] }> }> {
  const segment = q.segment ?? 'all';
  const { rows } = await db.query<Record<string, unknown>>(
    `SELECT month, sales_rep_id, SUM(new_subscribers)::bigint AS n, SUM(new_mrr)::bigint AS mrr, SUM(churned_within_90_days)::bigint AS churned,
            SUM(invoices_due)::bigint AS due, SUM(invoices_defaulted)::bigint AS defaulted
       FROM rm_sales_per_rep WHERE segment = ANY($1::text[]) AND month >= $2 AND month <= $3
      GROUP BY month, sales_rep_id ORDER BY month, sales_rep_id`,
    [segmentsOf(segment), q.from, q.to],
  );
  const byMonth = new Map<string, RepMonth[]>();
  for (const r of rows) {
    const list = byMonth.get(r.month as string) ?? [];
    list.push({
      salesRepId: r.sales_rep_id as string,
      newSubscribers: num(r.n),
      newMrr: num(r.mrr),
      churnedWithin90Days: num(r.churned),
      invoicesDue: num(r.due),
      invoicesDefaulted: num(r.defaulted),
      defaultRate: rate(num(r.defaulted), num(r.due)),
    });
    byMonth.set(r.month as string, list);
  }
  return { segment, months: monthRange(q.from, q.to).map((month) => ({ month, reps: byMonth.get(month) ?? [] })) };
}

export interface ForecastInputs {
  /** Latest business time known to the churn and default-rate projections ("now"). */
  asOf: string | null;
  /** Month of `asOf`: the forecast starts with the month after it. */
  baseMonth: string;
  /** The three complete months before the base month whose averages are used. */
  trailingMonths: string[];
  /** MRR at `asOf`. */
  mrr: number;
  /** c: mean revenue churn rate of the trailing months (months with no MRR at start are left out; 0 if none). */
  revenueChurnRate: number;
  /** n: mean new MRR per month. */
  newMrr: number;
  /** e: mean net expansion (expansion − contraction) per month. */
  netExpansion: number;
  /** d: mean amount default rate of the trailing months' cohorts (months with nothing due left out; 0 if none). */
  amountDefaultRate: number;
}

export interface ForecastMonth {
  month: string;
  /** Minor units, rounded to the unit; the recurrence itself runs unrounded. */
  mrr: number;
  expectedCollections: number;
}

const mean = (values: number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);

/**
 * `GET /v1/analytics/forecast` (domain.md §6): MRR(k+1) = MRR(k)·(1 − c) + n + e and
 * collections(k) = MRR(k)·(1 − d), from the trailing three months' averages.
 */
export async function forecast(db: SqlExecutor, q: { months?: number; segment?: SegmentFilter }): Promise<{ segment: SegmentFilter; inputs: ForecastInputs; months: ForecastMonth[] }> {
  const segment = q.segment ?? 'all';
  const horizon = q.months ?? 12;
  const stamps = [await projectionAsOf(db, 'churn'), await projectionAsOf(db, 'default-rate')].filter((s): s is string => s !== null).sort();
  const asOf = stamps.length > 0 ? stamps[stamps.length - 1] : null;
  const baseMonth = monthOf(asOf ?? new Date().toISOString());
  const trailingFrom = addMonths(baseMonth, -3);
  const trailingTo = addMonths(baseMonth, -1);
  const history = await churn(db, { from: trailingFrom, to: baseMonth, segment });
  const trailing = history.months.slice(0, 3);
  const defaults = (await defaultRate(db, { from: trailingFrom, to: trailingTo, segment })).months;
  const inputs: ForecastInputs = {
    asOf,
    baseMonth,
    trailingMonths: trailing.map((m) => m.month),
    mrr: history.months[3].mrrAtEnd,
    revenueChurnRate: mean(trailing.map((m) => m.revenueChurnRate).filter((r): r is number => r !== null)),
    newMrr: mean(trailing.map((m) => m.mrrNew)),
    netExpansion: mean(trailing.map((m) => m.mrrExpansion - m.mrrContraction)),
    amountDefaultRate: mean(defaults.map((m) => m.amountDefaultRate).filter((r): r is number => r !== null)),
  };
  const months: ForecastMonth[] = [];
  let mrr = inputs.mrr;
  for (let k = 1; k <= horizon; k++) {
    mrr = mrr * (1 - inputs.revenueChurnRate) + inputs.newMrr + inputs.netExpansion;
    months.push({ month: addMonths(baseMonth, k), mrr: Math.round(mrr), expectedCollections: Math.round(mrr * (1 - inputs.amountDefaultRate)) });
  }
  return { segment, inputs, months };
}
