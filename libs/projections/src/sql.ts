import type { SqlExecutor } from '@libs/sql';

/** A column of a bulk statement: its name and the SQL type `json_to_recordset` casts it to. */
export interface Column {
  name: string;
  type: string;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/** Refuses anything but a plain lower-case identifier: table names are interpolated into SQL. */
export function ident(name: string): string {
  if (!IDENT.test(name)) throw new Error(`invalid SQL identifier ${name}`);
  return name;
}

function recordset(columns: readonly Column[]): string {
  return columns.map((c) => `${ident(c.name)} ${c.type}`).join(', ');
}

/**
 * One statement for many rows: `INSERT … SELECT FROM json_to_recordset($1) ON CONFLICT (key)`.
 * `json`, not `jsonb`: the parameter is read once, row by row, instead of being converted to a
 * jsonb document first (a third of a rebuild's statement time went there).
 * `replace` overwrites the other columns, `add` adds them to what is there (counter tables),
 * `ignore` keeps the existing row. Keys must be unique within `rows` (PostgreSQL refuses to
 * touch one row twice in a statement), which the callers guarantee by folding into maps first.
 */
export async function upsertRows(
  tx: SqlExecutor,
  table: string,
  columns: readonly Column[],
  key: readonly string[],
  rows: readonly Record<string, unknown>[],
  mode: 'replace' | 'add' | 'ignore',
): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map((c) => ident(c.name));
  const others = names.filter((n) => !key.includes(n));
  let conflict: string;
  if (mode === 'ignore' || others.length === 0) conflict = 'DO NOTHING';
  else if (mode === 'add') conflict = `DO UPDATE SET ${others.map((n) => `${n} = t.${n} + EXCLUDED.${n}`).join(', ')}`;
  else conflict = `DO UPDATE SET ${others.map((n) => `${n} = EXCLUDED.${n}`).join(', ')}`;
  await tx.query(
    `INSERT INTO ${ident(table)} AS t (${names.join(', ')})
     SELECT ${names.join(', ')} FROM json_to_recordset($1::json) AS x(${recordset(columns)})
     ON CONFLICT (${key.map(ident).join(', ')}) ${conflict}`,
    [JSON.stringify(rows)],
  );
}

/** Plain bulk insert (append-only tables). */
export async function insertRows(tx: SqlExecutor, table: string, columns: readonly Column[], rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const names = columns.map((c) => ident(c.name));
  await tx.query(
    `INSERT INTO ${ident(table)} (${names.join(', ')}) SELECT ${names.join(', ')} FROM json_to_recordset($1::json) AS x(${recordset(columns)})`,
    [JSON.stringify(rows)],
  );
}

/**
 * Writes the rows a batch changed: those it created (`created(row)`: the batch looked for their key
 * and found none, or knows none can exist) with a plain INSERT, the others with an upsert that
 * replaces them (or, `ignore`, keeps what is there). A plain INSERT skips the conflict check of every row — most rows of a catch-up
 * or rebuild are new. A row wrongly taken for new fails the batch (unique key), never doubles.
 */
export async function saveRows(
  tx: SqlExecutor,
  table: string,
  columns: readonly Column[],
  key: readonly string[],
  rows: readonly Record<string, unknown>[],
  created: (row: Record<string, unknown>) => boolean,
  mode: 'replace' | 'ignore' = 'replace',
): Promise<void> {
  const fresh: Record<string, unknown>[] = [];
  const existing: Record<string, unknown>[] = [];
  for (const r of rows) (created(r) ? fresh : existing).push(r);
  await insertRows(tx, table, columns, fresh);
  await upsertRows(tx, table, columns, key, existing, mode);
}

/** Rows of `table` whose text column `keyColumn` is one of `keys`. */
export async function loadByKeys<R>(tx: SqlExecutor, table: string, keyColumn: string, keys: Iterable<string>): Promise<R[]> {
  const list = [...new Set(keys)];
  if (list.length === 0) return [];
  const { rows } = await tx.query<R>(`SELECT * FROM ${ident(table)} WHERE ${ident(keyColumn)} = ANY($1::text[])`, [list]);
  return rows;
}

/** Deletes rows by a composite text key given as rows of `{col: value}`. */
export async function deleteRows(tx: SqlExecutor, table: string, columns: readonly Column[], rows: readonly Record<string, unknown>[]): Promise<void> {
  if (rows.length === 0) return;
  const match = columns.map((c) => `t.${ident(c.name)} = x.${ident(c.name)}`).join(' AND ');
  await tx.query(`DELETE FROM ${ident(table)} AS t USING json_to_recordset($1::json) AS x(${recordset(columns)}) WHERE ${match}`, [JSON.stringify(rows)]);
}

/** Accumulates numeric deltas per key in memory, to be written with one `add` upsert. */
export class Counters<K extends Record<string, string>, V extends Record<string, number>> {
  private readonly map = new Map<string, K & V>();
  constructor(private readonly zero: () => V) {}

  /** The accumulator of `key` (created at zero), to add to. */
  at(key: K): K & V {
    const k = Object.values(key).join('\u0000');
    let row = this.map.get(k);
    if (!row) {
      row = { ...key, ...this.zero() };
      this.map.set(k, row);
    }
    return row;
  }

  rows(): (K & V)[] {
    return [...this.map.values()];
  }
}
