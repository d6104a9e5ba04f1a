import type { ProjectedEvent, Projection, ProjectionContext } from '../projection.js';
import { Counters, deleteRows, insertRows, loadByKeys, saveRows, upsertRows } from '../sql.js';
import { columnsOf, decodeRow, type RowOf, type Table } from './table.js';

/** What an evolve may know besides rows and events: the projection's business "now". */
export interface EvolveContext {
  asOf: string;
}

/**
 * A read model as three steps: `load` reads the rows a batch needs, `evolve` (pure: no SQL, no
 * clock, inputs untouched) turns them and the batch into the rows to write, `save` writes them.
 * The split lets a spec check the read model's rules on plain rows, with no database.
 */
export interface ReadModel<Loaded, Changes> {
  readonly name: string;
  readonly description: string;
  /** Every table it owns; their DDL is derived from these declarations. */
  readonly tables: readonly Table[];
  readonly eventTypes?: readonly string[];
  load(events: readonly ProjectedEvent[], ctx: ProjectionContext): Promise<Loaded>;
  evolve(loaded: Loaded, events: readonly ProjectedEvent[], ctx: EvolveContext): Changes;
  save(changes: Changes, ctx: ProjectionContext): Promise<void>;
}

/** The {@link Projection} the engine runs: load → evolve → save in the batch's transaction. */
export function readModelProjection<L, C>(model: ReadModel<L, C>): Projection {
  return {
    name: model.name,
    description: model.description,
    tables: model.tables.map((t) => t.name),
    ...(model.eventTypes ? { eventTypes: model.eventTypes } : {}),
    async apply(events, ctx) {
      const loaded = await model.load(events, ctx);
      await model.save(model.evolve(loaded, events, { asOf: ctx.asOf }), ctx);
    },
  };
}

/** Rows of `table` (its physical copy in `ctx`) whose text column `keyColumn` is one of `keys`, typed by its declaration. */
export async function loadRows<T extends Table>(ctx: ProjectionContext, table: T, keyColumn: keyof T['columns'] & string, keys: Iterable<string>): Promise<RowOf<T>[]> {
  const raw = await loadByKeys<Record<string, unknown>>(ctx.tx, ctx.table(table.name), keyColumn, keys);
  return raw.map((r) => decodeRow(table, r));
}

/** Upserts rows on the table's key: `replace` the other columns, `add` to them (counters), or `ignore`. */
export async function upsertTable<T extends Table>(ctx: ProjectionContext, table: T, rows: readonly RowOf<T>[], mode: 'replace' | 'add' | 'ignore'): Promise<void> {
  await upsertRows(ctx.tx, ctx.table(table.name), columnsOf(table), table.key, rows as readonly Record<string, unknown>[], mode);
}

/** {@link saveRows} on a declared table: `created` rows by plain INSERT, the others by upsert. */
export async function saveTable<T extends Table>(
  ctx: ProjectionContext,
  table: T,
  rows: readonly RowOf<T>[],
  created: (row: RowOf<T>) => boolean,
  mode: 'replace' | 'ignore' = 'replace',
): Promise<void> {
  await saveRows(ctx.tx, ctx.table(table.name), columnsOf(table), table.key, rows as readonly Record<string, unknown>[], (r) => created(r as RowOf<T>), mode);
}

type KeyName<T extends Table> = T['key'][number];
export type KeyOf<T extends Table> = Pick<RowOf<T>, KeyName<T>> & Record<string, string>;
export type CountsOf<T extends Table> = Omit<RowOf<T>, KeyName<T>> & Record<string, number>;

/**
 * In-memory deltas for a counter table (every non-key column a number), written with one `add`
 * upsert: the zero row comes from the declaration, so a new counter column is declared once.
 */
export function countersOf<T extends Table>(table: T): Counters<KeyOf<T>, CountsOf<T>> {
  const counts = Object.entries(table.columns).filter(([name]) => !table.key.includes(name));
  for (const [name, spec] of counts) {
    if (spec.type !== 'int' && spec.type !== 'bigint') throw new Error(`${table.name}.${name} is not a counter column`);
  }
  return new Counters<KeyOf<T>, CountsOf<T>>(() => Object.fromEntries(counts.map(([name]) => [name, 0])) as CountsOf<T>);
}

/** Deletes rows of a declared table by their key (each given as its key columns). */
export async function deleteTableRows<T extends Table>(ctx: ProjectionContext, table: T, keys: readonly Pick<RowOf<T>, T['key'][number]>[]): Promise<void> {
  const keyColumns = columnsOf(table).filter((c) => table.key.includes(c.name));
  await deleteRows(ctx.tx, ctx.table(table.name), keyColumns, keys as readonly Record<string, unknown>[]);
}

/** Plain bulk INSERT into a declared table (append-only tables). */
export async function insertTable<T extends Table>(ctx: ProjectionContext, table: T, rows: readonly RowOf<T>[]): Promise<void> {
  await insertRows(ctx.tx, ctx.table(table.name), columnsOf(table), rows as readonly Record<string, unknown>[]);
}
