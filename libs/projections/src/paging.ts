/**
 * The one pagination convention of every list (api.md "Conventions"): `limit` and an opaque
 * `cursor` in, `nextCursor` out (absent on the last page). Lists page by key (the sort columns of
 * the last row, then a unique id), never by offset: a row written between two page reads neither
 * repeats nor pushes another row out of sight.
 */

/** Rows per page unless the caller says otherwise, and at most. */
export const PAGE_LIMIT = { default: 100, max: 1000 } as const;

/** A cursor this service did not hand out, or one from a list with another sort order (HTTP 400). */
export class InvalidCursorError extends Error {
  readonly code = 'invalid-cursor' as const;
  constructor(detail = 'the cursor is not one a previous page of this list returned') {
    super(detail);
    this.name = 'InvalidCursorError';
  }
}

/** What a cursor holds: the list it belongs to (`scope`: sort and order) and the last row's key. */
interface CursorBody {
  s: string;
  k: Array<string | number | null>;
}

/** The cursor after a row whose sort key is `key`, for a list read in `scope`. */
export function encodeCursor(scope: string, key: Array<string | number | null>): string {
  return Buffer.from(JSON.stringify({ s: scope, k: key } satisfies CursorBody), 'utf8').toString('base64url');
}

/** The key in a cursor of `scope` with `arity` parts, or {@link InvalidCursorError}. */
export function decodeCursor(cursor: string, scope: string, arity: number): Array<string | number | null> {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const b = body as Partial<CursorBody> | null;
  if (typeof b !== 'object' || b === null || !Array.isArray(b.k) || b.k.length !== arity) throw new InvalidCursorError();
  if (!b.k.every((v) => v === null || typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) throw new InvalidCursorError();
  if (b.s !== scope) throw new InvalidCursorError(`the cursor belongs to the list sorted ${String(b.s)}, not ${scope}: start again without a cursor`);
  return b.k;
}

/** One page of `rows` read with `limit + 1`: the page and, when a row was left over, the next cursor. */
export function pageOf<R>(rows: readonly R[], limit: number, cursorOf: (last: R) => string): { page: R[]; nextCursor?: string } {
  const page = rows.slice(0, limit);
  return rows.length > limit ? { page, nextCursor: cursorOf(page[page.length - 1]!) } : { page };
}

/**
 * Adds to `where` the condition "after the row with sort value `value` and id `id`" for
 * `ORDER BY expr <dir> NULLS LAST, idColumn ASC`, pushing the parameters it uses onto `params`.
 */
export function whereAfter(where: string[], params: unknown[], order: { expr: string; dir: 'ASC' | 'DESC'; idColumn: string }, value: unknown, id: unknown): void {
  const { expr, dir, idColumn } = order;
  params.push(id);
  const i = `$${params.length}`;
  if (value === null) {
    where.push(`((${expr}) IS NULL AND ${idColumn} > ${i})`);
    return;
  }
  params.push(value);
  const v = `$${params.length}`;
  const beyond = dir === 'ASC' ? '>' : '<';
  where.push(`((${expr}) ${beyond} ${v} OR ((${expr}) = ${v} AND ${idColumn} > ${i}) OR (${expr}) IS NULL)`);
}
