import type { StoredEvent } from '@libs/event-store';
import type { SqlExecutor } from '@libs/sql';
import { comparePositions } from '@libs/event-store';
import { toDomainEvent } from '@libs/codec';
import type { DomainEvent } from '@libs/domain';
import { ident } from './sql.js';

/** A stored event as projections see it: upcast to the current contract. */
export type ProjectedEvent = DomainEvent & {
  position: string;
  streamId: string;
  occurredAt: string;
};

/** What a projection's `apply` gets besides the events. */
export interface ProjectionContext {
  tx: SqlExecutor;
  /**
   * Physical name of one of the projection's tables: the table itself, or its side copy while
   * a rebuild fills it. Projections never write a table name literally.
   */
  table(base: string): string;
  /** Latest `occurredAt` the projection has seen, this batch included (its notion of "now"). */
  asOf: string;
}

/** One read model: the tables it owns and how a batch of events changes them. */
export interface Projection {
  readonly name: string;
  readonly description: string;
  /** Every table the projection owns (`rm_*`), created by the read-model migrations. */
  readonly tables: readonly string[];
  /** Only these event types are read (absent: every event, e.g. to track the latest business time). */
  readonly eventTypes?: readonly string[];
  /** Folds one batch (position order, never empty) into its tables, in the caller's transaction. */
  apply(events: readonly ProjectedEvent[], ctx: ProjectionContext): Promise<void>;
}

/** Bookkeeping table: per projection (and per rebuild side copy) the last position applied and the latest business time. */
export const META_TABLE = 'rm_projection_meta';
/** Suffix of the side tables a rebuild fills before swapping them in. */
export const REBUILD_SUFFIX = '__rebuild';

/** Upcasts a stored event; undefined for types this code does not know (e.g. another service's). */
export function toProjected(event: StoredEvent): ProjectedEvent | undefined {
  const up = toDomainEvent(event);
  if (!up) return undefined;
  return { type: up.type, data: up.data, position: event.position, streamId: event.streamId, occurredAt: event.occurredAt } as ProjectedEvent;
}

export interface ProjectionMeta {
  position: string;
  asOf: string | null;
}

/** Reads the bookkeeping row of a projection (or of its rebuild copy with `side`). */
export async function readMeta(db: SqlExecutor, name: string, side = false): Promise<ProjectionMeta> {
  const { rows } = await db.query<{ position: string; as_of: Date | null }>(`SELECT position::text AS position, as_of FROM ${META_TABLE} WHERE name = $1`, [
    side ? name + REBUILD_SUFFIX : name,
  ]);
  const row = rows[0];
  return { position: row?.position ?? '0', asOf: row?.as_of ? new Date(row.as_of).toISOString() : null };
}

/** An event of a batch as {@link applyProjectedBatch} takes it: where it is, when it happened, and its upcast form. */
export interface BatchEvent {
  position: string;
  occurredAt: string;
  /** Undefined for a type this code does not know: it still moves the position and business time. */
  projected: ProjectedEvent | undefined;
}

/** Upcasts a batch of stored events once (a rebuild shares the result between its projections). */
export function toBatchEvents(events: readonly StoredEvent[]): BatchEvent[] {
  return events.map((e) => ({ position: e.position, occurredAt: e.occurredAt, projected: toProjected(e) }));
}

/**
 * Applies a batch to a projection exactly once: events at or before the projection's own
 * recorded position are skipped, so replaying a batch (a retried transaction, a test, a manual
 * replay) changes nothing even outside the subscription's checkpoint. Runs inside `tx`.
 */
export async function applyProjectionBatch(projection: Projection, events: readonly StoredEvent[], tx: SqlExecutor, options: { side?: boolean } = {}): Promise<void> {
  if (events.length === 0) return;
  await applyProjectedBatch(projection, toBatchEvents(events), tx, options);
}

/** {@link applyProjectionBatch} on events already upcast (position order, as read). */
export async function applyProjectedBatch(projection: Projection, events: readonly BatchEvent[], tx: SqlExecutor, options: { side?: boolean } = {}): Promise<void> {
  if (events.length === 0) return;
  const key = options.side ? projection.name + REBUILD_SUFFIX : projection.name;
  // FOR UPDATE: two writers of one projection serialise here instead of double-applying.
  const lockMeta = () => tx.query<{ position: string; as_of: Date | null }>(`SELECT position::text AS position, as_of FROM ${META_TABLE} WHERE name = $1 FOR UPDATE`, [key]);
  let { rows } = await lockMeta();
  // The row exists after a projection's first batch: inserting it only then saves every later
  // batch a statement (per projection per page, the live path's main cost on PGlite).
  if (rows.length === 0) {
    await tx.query(`INSERT INTO ${META_TABLE} (name, position) VALUES ($1, 0) ON CONFLICT (name) DO NOTHING`, [key]);
    ({ rows } = await lockMeta());
  }
  const done = rows[0]?.position ?? '0';
  let asOf = rows[0]?.as_of ? new Date(rows[0].as_of).toISOString() : null;
  const fresh: ProjectedEvent[] = [];
  let last = done;
  // The batch is in position order: when its first event is past `done`, all of it is.
  const allFresh = comparePositions(events[0]!.position, done) > 0;
  for (const e of events) {
    if (!allFresh && comparePositions(e.position, done) <= 0) continue;
    last = e.position;
    if (asOf === null || e.occurredAt > asOf) asOf = e.occurredAt;
    if (e.projected) fresh.push(e.projected);
  }
  if (last === done) return;
  const suffix = options.side ? REBUILD_SUFFIX : '';
  if (fresh.length > 0) await projection.apply(fresh, { tx, table: (base) => ident(base + suffix), asOf: asOf! });
  await tx.query(`UPDATE ${META_TABLE} SET position = $2::numeric, as_of = $3, updated_at = now() WHERE name = $1`, [key, last, asOf]);
}
