import type { SqlExecutor } from '@libs/sql';
import { decodeCursor, encodeCursor, pageOf, PAGE_LIMIT } from '../../paging.js';
import { iso } from '../../query-kit.js';
import { casesTable } from './table.js';

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
    `SELECT *, opened_at::text AS opened_key FROM ${casesTable.name} ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_at, case_id LIMIT $${params.length}`,
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
