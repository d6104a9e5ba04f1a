import { comparePositions, type EventStore } from '@libs/event-store';
import { advanceCheckpoint, readCheckpoint, resetCheckpoint, type SqlDatabase, type SqlExecutor } from '@libs/sql';
import { liveName, rebuildName, type EngineLogger, type RebuildProgress, type Runtime } from './engine-types.js';
import { applyProjectedBatch, META_TABLE, REBUILD_SUFFIX, toBatchEvents, type BatchEvent, type Projection } from './projection.js';
import { ident } from './sql.js';

/** Events read per page of a rebuild's shared reader (the store allows up to 10,000). */
const REBUILD_PAGE = 6_000;
/** Events per rebuild transaction of one projection (at least the engine's batch size). */
const REBUILD_BATCH = 6_000;
/** A rebuild batch that fails this many times in a row fails the rebuild. */
const REBUILD_ATTEMPTS = 5;

/**
 * What a rebuild needs of the engine running it: the rebuild owns the side tables and their
 * checkpoints, the engine owns the live subscriptions it stops before the swap and restarts after.
 */
export interface RebuildHost {
  db: SqlDatabase;
  store: EventStore;
  batchSize: number;
  logger: EngineLogger;
  stopping(): boolean;
  stopLive(rt: Runtime): Promise<void>;
  startLive(rt: Runtime): void;
}

/**
 * Rebuilds the projections `rts` from the start of the log through one shared read of it into
 * their side tables, then swaps each in once past the head seen at start.
 */
export async function runRebuild(host: RebuildHost, rts: readonly Runtime[], onProgress?: (progress: RebuildProgress) => void): Promise<void> {
  // Let the callers register `rebuilding` first: abort flags and status see the whole run.
  await Promise.resolve();
  const { db, store, logger } = host;
  const names = rts.map((rt) => rt.projection.name).join(', ');
  logger.log(`projections ${names}: rebuilding from the start of the log`);
  await db.transaction(async (tx) => {
    for (const { projection: p } of rts) {
      for (const t of p.tables) {
        await tx.query(`DROP TABLE IF EXISTS ${ident(t + REBUILD_SUFFIX)}`);
        await tx.query(`CREATE TABLE ${ident(t + REBUILD_SUFFIX)} (LIKE ${ident(t)} INCLUDING ALL)`);
      }
      await tx.query(`DELETE FROM ${META_TABLE} WHERE name = $1`, [p.name + REBUILD_SUFFIX]);
      await resetCheckpoint(tx, rebuildName(p.name));
    }
  });
  const head = await store.headPosition();
  const startedAt = new Date().toISOString();
  // Catch-up is throughput-bound: bigger batches mean fewer statements and transactions per event.
  const batch = Math.max(host.batchSize, REBUILD_BATCH);
  const states = rts.map((rt) => {
    rt.rebuild = { processed: 0, position: '0', head, startedAt };
    return {
      rt,
      types: rt.projection.eventTypes ? new Set(rt.projection.eventTypes) : undefined,
      pending: [] as BatchEvent[],
      pendingLast: '0',
      committed: '0',
      processed: 0,
    };
  });
  type State = (typeof states)[number];
  const report = (s: State) => {
    s.rt.rebuild = { ...s.rt.rebuild!, processed: s.processed, position: s.committed };
    onProgress?.({ name: s.rt.projection.name, processed: s.processed, position: s.committed, head });
  };
  // Each projection commits its own batch with its own checkpoint, as its live subscription
  // would: exactly once per projection, whatever happens to the others.
  const flush = async (s: State): Promise<void> => {
    const events = s.pending;
    const to = s.pendingLast;
    for (let attempt = 1; ; attempt++) {
      try {
        await db.transaction(async (tx) => {
          // A rebuild restarts from zero if the database goes down, and a batch and its
          // checkpoint are lost or kept together, so waiting for each commit's WAL flush buys
          // nothing here.
          await tx.query('SET LOCAL synchronous_commit = off');
          if (events.length > 0) await applyProjectedBatch(s.rt.projection, events, tx, { side: true });
          await advanceCheckpoint(tx, rebuildName(s.rt.projection.name), s.committed, to);
        });
        break;
      } catch (error) {
        // The transaction rolled back: retrying the same batch is safe.
        logger.error(`rebuild of ${s.rt.projection.name}: ${(error as Error).message}`);
        if (attempt >= REBUILD_ATTEMPTS || s.rt.abortRebuild || host.stopping()) throw error;
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
    s.pending = [];
    s.committed = to;
    s.processed += events.length;
    report(s);
  };
  const read = (after: string) => store.readAll({ after, limit: REBUILD_PAGE });
  let position = '0';
  // One page is read ahead while the projections apply the current one.
  let next = comparePositions(position, head) < 0 ? read(position) : undefined;
  while (next) {
    if (rts.some((rt) => rt.abortRebuild) || host.stopping()) {
      await next.catch(() => undefined);
      throw new Error(`rebuild of ${names} aborted`);
    }
    const page = await next;
    const moved = comparePositions(page.last, position) > 0;
    // Past the head seen at start (or nothing more to read): what follows is the live subscription's.
    const done = !moved || comparePositions(page.last, head) >= 0;
    next = done ? undefined : read(page.last);
    if (moved) {
      position = page.last;
      // Upcast once for every projection, not once per projection.
      const upcast = toBatchEvents(page.events);
      for (const s of states) {
        page.events.forEach((e, i) => {
          if (!s.types || s.types.has(e.type)) s.pending.push(upcast[i]!);
        });
        s.pendingLast = position;
      }
    }
    await Promise.all(states.filter((s) => comparePositions(s.pendingLast, s.committed) > 0 && (done || s.pending.length >= batch)).map(flush));
  }
  for (const s of states) report(s);
  for (const rt of rts) {
    const p = rt.projection;
    const wasLive = rt.live !== undefined;
    await host.stopLive(rt);
    await db.transaction((tx) => swap(tx, p));
    const live = await readCheckpoint(db, liveName(p.name));
    const s = states.find((x) => x.rt === rt)!;
    onProgress?.({ name: p.name, processed: s.processed, position: live, head });
    if (wasLive && rt.held && !host.stopping()) host.startLive(rt);
    logger.log(`projection ${p.name}: rebuilt (${s.processed} events) and swapped in`);
  }
}

/** Replaces the projection's tables, bookkeeping and checkpoint by the rebuilt ones, atomically. */
async function swap(tx: SqlExecutor, p: Projection): Promise<void> {
  for (const t of p.tables) {
    const sideTable = ident(t + REBUILD_SUFFIX);
    await tx.query(`DROP TABLE ${ident(t)}`);
    await tx.query(`ALTER TABLE ${sideTable} RENAME TO ${ident(t)}`);
    const { rows } = await tx.query<{ indexname: string }>(`SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = $1`, [t]);
    for (const { indexname } of rows) {
      if (indexname.includes(REBUILD_SUFFIX)) await tx.query(`ALTER INDEX ${ident(indexname)} RENAME TO ${ident(indexname.replace(REBUILD_SUFFIX, ''))}`);
    }
  }
  await tx.query(`DELETE FROM ${META_TABLE} WHERE name = $1`, [p.name]);
  await tx.query(`UPDATE ${META_TABLE} SET name = $1 WHERE name = $2`, [p.name, p.name + REBUILD_SUFFIX]);
  const position = await readCheckpoint(tx, rebuildName(p.name));
  await resetCheckpoint(tx, liveName(p.name));
  await advanceCheckpoint(tx, liveName(p.name), '0', position);
  await resetCheckpoint(tx, rebuildName(p.name));
}
