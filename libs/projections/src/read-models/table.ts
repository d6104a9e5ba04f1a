import type { Column } from '../sql.js';

/** What a row of a read-model table holds in JS for each SQL type (after {@link decodeRow}). */
interface JsTypes {
  text: string;
  int: number;
  bigint: number;
  boolean: boolean;
  /** ISO-8601 instant. */
  timestamptz: string;
  /** `YYYY-MM-DD`. */
  date: string;
  jsonb: unknown;
}
export type SqlType = keyof JsTypes;

export interface ColumnOptions {
  /** Columns are NOT NULL unless they say so. */
  readonly nullable?: boolean;
  /** SQL default expression, written as PostgreSQL stores it back (e.g. `0`, `false`, `''`). */
  readonly default?: string;
  /**
   * Migration version that added the column to the existing table (absent: created with it).
   * The migration history is derived from this, so a database migrated step by step and a fresh
   * one end with the same table.
   */
  readonly since?: number;
  /**
   * For a NOT NULL column added (`since`) to a table that may hold rows: the SQL expression that
   * fills them. The migration adds the column nullable, fills it, then makes it NOT NULL.
   */
  readonly backfill?: string;
}

export type ColumnSpec<T extends SqlType = SqlType> = ColumnOptions & { readonly type: T };

/** Columns in their physical order (a column added later comes after the ones it was added to). */
export type Columns = Readonly<Record<string, ColumnSpec>>;

export interface TableIndex {
  readonly name: string;
  readonly columns: readonly string[];
  readonly where?: string;
}

/** A read-model table: the one place its columns are declared; DDL and column lists derive from it. */
export interface Table<C extends Columns = Columns, K extends string = string> {
  readonly name: string;
  /** Migration version that creates the table. */
  readonly since: number;
  readonly columns: C;
  /** Primary key; a key column added later joins the key in the version that adds it. */
  readonly key: readonly K[];
  readonly comment?: string;
  readonly indexes?: readonly TableIndex[];
}

/** A row as the projection code sees it: typed from the column declarations. */
export type RowOf<T extends Table> = {
  -readonly [K in keyof T['columns']]: T['columns'][K] extends { nullable: true } ? JsTypes[T['columns'][K]['type']] | null : JsTypes[T['columns'][K]['type']];
};

const column =
  <T extends SqlType>(type: T) =>
  <const O extends ColumnOptions = {}>(options?: O): ColumnSpec<T> & O =>
    ({ type, ...(options ?? {}) }) as ColumnSpec<T> & O;

/** Column constructors: `text()`, `bigint({ default: '0' })`, `text({ nullable: true, since: 3 })`. */
export const col = {
  text: column('text'),
  int: column('int'),
  bigint: column('bigint'),
  boolean: column('boolean'),
  timestamptz: column('timestamptz'),
  date: column('date'),
  jsonb: column('jsonb'),
};

export function defineTable<const C extends Columns, const K extends keyof C & string>(table: Table<C, K>): Table<C, K> {
  for (const k of table.key) if (!(k in table.columns)) throw new Error(`${table.name}: key column ${k} is not declared`);
  return table;
}

const existsAt = (spec: ColumnSpec, version: number) => (spec.since ?? 0) <= version;

function columnDdl(name: string, spec: ColumnSpec): string {
  return [name, spec.type, spec.nullable ? '' : 'NOT NULL', spec.default === undefined ? '' : `DEFAULT ${spec.default}`].filter(Boolean).join(' ');
}

const quote = (text: string) => `'${text.replaceAll("'", "''")}'`;

/** The table's key as of `version` (the key columns that existed then). */
function keyAt(table: Table, version: number): string[] {
  return table.key.filter((k) => existsAt(table.columns[k]!, version));
}

/** `CREATE TABLE` (with its comment and indexes) as of `version` (default: the table's creation). */
export function createTableStatements(table: Table, version = table.since): string[] {
  const cols = Object.entries(table.columns).filter(([, spec]) => existsAt(spec, version));
  const key = keyAt(table, version);
  const body = [...cols.map(([name, spec]) => columnDdl(name, spec)), ...(key.length > 0 ? [`PRIMARY KEY (${key.join(', ')})`] : [])];
  return [
    `CREATE TABLE ${table.name} (\n  ${body.join(',\n  ')}\n)`,
    ...(table.comment === undefined ? [] : [`COMMENT ON TABLE ${table.name} IS ${quote(table.comment)}`]),
    ...(table.indexes ?? []).map((i) => `CREATE INDEX ${i.name} ON ${table.name} (${i.columns.join(', ')})${i.where ? ` WHERE ${i.where}` : ''}`),
  ];
}

/**
 * What migration `version` does to the table: creates it in its creation version; in a later one
 * adds the columns declared `since` it (and re-keys the table when one of them joins the key).
 */
export function tableMigration(table: Table, version: number): string[] {
  if (version === table.since) return createTableStatements(table);
  if (version < table.since) return [];
  const added = Object.entries(table.columns).filter(([, spec]) => spec.since === version);
  if (added.length === 0) return [];
  const rekey = table.key.some((k) => table.columns[k]!.since === version);
  const actions = [
    ...added.map(([name, spec]) => `ADD COLUMN ${columnDdl(name, spec.backfill === undefined ? spec : { ...spec, nullable: true })}`),
    ...(rekey ? [`DROP CONSTRAINT IF EXISTS ${table.name}_pkey`, `ADD PRIMARY KEY (${keyAt(table, version).join(', ')})`] : []),
  ];
  const backfills = added.flatMap(([name, spec]) =>
    spec.backfill === undefined ? [] : [`UPDATE ${table.name} SET ${name} = ${spec.backfill}`, ...(spec.nullable ? [] : [`ALTER TABLE ${table.name} ALTER COLUMN ${name} SET NOT NULL`])],
  );
  return [`ALTER TABLE ${table.name}\n  ${actions.join(',\n  ')}`, ...backfills];
}

/** The column list of bulk statements ({@link upsertRows} and friends): every column, in order. */
export function columnsOf(table: Table): Column[] {
  return Object.entries(table.columns).map(([name, spec]) => ({ name, type: spec.type }));
}

/** A value as the driver returns it, in the JS type {@link RowOf} promises. */
function decodeValue(type: SqlType, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'int':
    case 'bigint':
      return Number(value);
    case 'timestamptz':
      return new Date(value as string | Date).toISOString();
    case 'date':
      return value instanceof Date ? value.toISOString().slice(0, 10) : String(value).slice(0, 10);
    case 'text':
    case 'boolean':
    case 'jsonb':
      return value;
    default: {
      const never: never = type;
      throw new Error(`unknown SQL type ${String(never)}`);
    }
  }
}

/** A row read with `SELECT *`, typed by the table's declaration. */
export function decodeRow<T extends Table>(table: T, raw: Record<string, unknown>): RowOf<T> {
  const row: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(table.columns)) row[name] = decodeValue(spec.type, raw[name]);
  return row as RowOf<T>;
}
