import { comparePositions, SharedReader, type EventStore, type Subscription } from '@libs/event-store';
import { advanceCheckpoint, readCheckpoint, resetCheckpoint, runMigrations, type SqlDatabase, type SqlExecutor } from '@libs/sql';
import { defaultLeadership, type Leadership } from './leadership.js';
import { applyProjectedBatch, applyProjectionBatch, META_TABLE, readMeta, REBUILD_SUFFIX, toBatchEvents, type BatchEvent, type Projection } from './projection.js';
import { PROJECTIONS } from './projections/index.js';
import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from './schema.js';
import { ident } from './sql.js';

/**
 * `running`: this process holds the projection and it is up to date or catching up;
 * `rebuilding`: a rebuild fills its side tables (the old rows are still served);
 * `failed`: its last batch failed (it retries with back-off); `standby`: another process holds
 * it; `stopped`: not started here.
 */
export type ProjectionState = 'running' | 'rebuilding' | 'stopped' | 'failed' | 'standby';

export interface ProjectionStatus {
  name: string;
  status: ProjectionState;
  /** This process holds the projection's leadership. */
  leader: boolean;
  /** Position of the last event applied (the subscription's checkpoint). */
  checkpoint: string;
  /** Latest business time applied. */
  asOf: string | null;
  /** Events of the projection's types after the checkpoint, counted up to {@link LAG_COUNT_CAP}. */
  lagEvents: number;
  /** True when there are more than `lagEvents` events behind. */
  lagCapped: boolean;
  /** Seconds since the oldest event not yet applied was recorded (0 when up to date). */
  lagSeconds: number;
  lastError?: string;
  rebuild?: { processed: number; position: string; head: string; startedAt: string };
}

export interface RebuildProgress {
  name: string;
  /** Events applied to the side tables so far. */
  processed: number;
  position: string;
  /** Head of the log when the rebuild started: the rebuild swaps once it is past it. */
  head: string;
}

export interface EngineLogger {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface ProjectionEngineOptions {
  store: EventStore;
  db: SqlDatabase;
  /** Projections this engine may run; default all. */
  projections?: readonly Projection[];
  /** Events per transaction; default 1,000. */
  batchSize?: number;
  /** How often standby processes try to take over and holders check their locks; default 2 s. */
  leadershipIntervalMs?: number;
  leadership?: Leadership;
  logger?: EngineLogger;
  /**
   * The live path: one reader of new events shared by every projection run here (and whatever
   * else joins it, e.g. the policies). Default: one of the engine's own, stopped with it.
   */
  reader?: SharedReader;
  /**
   * Under a burst of writes, the live reader starts a page at most this often (default 100 ms):
   * fewer, bigger batches, each costing every projection one transaction instead of one per
   * event. On PGlite, where the projections share the one session with the commands, this more
   * than doubled the commands/s at 16 connections (BENCHMARKS.md "HTTP commands").
   */
  livePageIntervalMs?: number;
}

/** Counting lag stops here: status stays cheap however far behind a projection is. */
export const LAG_COUNT_CAP = 10_000;

/** Events read per page of a rebuild's shared reader (the store allows up to 10,000). */
const REBUILD_PAGE = 6_000;
/** Events per rebuild transaction of one projection (at least the engine's batch size). */
const REBUILD_BATCH = 6_000;
/** A rebuild batch that fails this many times in a row fails the rebuild. */
const REBUILD_ATTEMPTS = 5;

const liveName = (name: string) => `projection:${name}`;
const rebuildName = (name: string) => `projection:${name}:rebuild`;
const silent: EngineLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

interface Runtime {
  projection: Projection;
  wanted: boolean;
  held: boolean;
  live?: Subscription;
  failed?: string;
  rebuilding?: Promise<void>;
  rebuild?: ProjectionStatus['rebuild'];
  abortRebuild?: boolean;
}

class ProjectionNotFoundError extends Error {
  constructor(name: string) {
    super(`unknown projection ${name}`);
    this.name = 'ProjectionNotFoundError';
  }
}

/**
 * Runs the projections of the read models: one checkpointed subscription each, all served by one
 * shared live reader (each page of new events is read once), leadership so
 * that one process at a time runs each projection, status and lag, waiting for a position, and
 * rebuilds into side tables swapped in atomically once caught up.
 */
export class ProjectionEngine {
  private readonly runtimes = new Map<string, Runtime>();
  private readonly leadership: Leadership;
  private readonly logger: EngineLogger;
  private readonly batchSize: number;
  private readonly interval: number;
  private timer?: NodeJS.Timeout;
  private ticking?: Promise<void>;
  private stopping = false;
  private initialized?: Promise<void>;
  private reader: SharedReader;
  private readonly ownsReader: boolean;

  constructor(private readonly options: ProjectionEngineOptions) {
    for (const projection of options.projections ?? PROJECTIONS) this.runtimes.set(projection.name, { projection, wanted: false, held: false });
    this.leadership = options.leadership ?? defaultLeadership(options.db);
    this.logger = options.logger ?? silent;
    this.batchSize = options.batchSize ?? 1_000;
    this.interval = options.leadershipIntervalMs ?? 2_000;
    this.ownsReader = !options.reader;
    this.reader = options.reader ?? this.ownReader();
  }

  private ownReader(): SharedReader {
    return new SharedReader({
      store: this.options.store,
      db: this.options.db,
      batchSize: this.batchSize,
      pageIntervalMs: this.options.livePageIntervalMs ?? 100,
      oneTransaction: this.options.db.dialect === 'pglite',
    });
  }

  /** The shared live reader the projections run on: other live subscriptions may join it. */
  get liveReader(): SharedReader {
    return this.reader;
  }

  /** Names of the projections this engine knows. */
  names(): string[] {
    return [...this.runtimes.keys()];
  }

  /** Creates or migrates the read-model tables. Idempotent; `start` calls it. */
  init(): Promise<void> {
    this.initialized ??= runMigrations(this.options.db, READ_MODEL_MIGRATIONS_TABLE, readModelMigrations).then(() => undefined);
    return this.initialized;
  }

  /**
   * Starts the given projections (default all): each runs here as soon as this process holds it,
   * now or when its current holder goes away.
   */
  async start(names?: readonly string[]): Promise<void> {
    await this.init();
    this.stopping = false;
    for (const name of names ?? this.names()) this.runtime(name).wanted = true;
    await this.tick();
  }

  /**
   * Takes the leadership of projections without running their live subscriptions (the rebuild
   * CLI). Returns the names it could not take because another process holds them.
   */
  async acquire(names: readonly string[]): Promise<string[]> {
    await this.init();
    const busy: string[] = [];
    for (const name of names) {
      const rt = this.runtime(name);
      rt.held = await this.leadership.acquire(name);
      if (!rt.held) busy.push(name);
    }
    return busy;
  }

  /** Stops every subscription and rebuild of this process and gives up its leadership. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
    for (const rt of this.runtimes.values()) {
      rt.wanted = false;
      rt.abortRebuild = true;
    }
    await Promise.all([...this.runtimes.values()].map((rt) => rt.rebuilding?.catch(() => undefined)));
    for (const rt of this.runtimes.values()) {
      await this.stopLive(rt);
      if (rt.held) await this.leadership.release(rt.projection.name);
      rt.held = false;
    }
    await this.leadership.close();
    if (this.ownsReader) {
      await this.reader.stop();
      this.reader = this.ownReader();
    }
  }

  private runtime(name: string): Runtime {
    const rt = this.runtimes.get(name);
    if (!rt) throw new ProjectionNotFoundError(name);
    return rt;
  }

  private schedule(): void {
    if (this.stopping) return;
    this.timer = setTimeout(() => void this.tick(), this.interval);
    this.timer.unref?.();
  }

  /** One leadership pass: keep or lose locks, take free projections, serve rebuild requests. */
  private tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    this.ticking = (async () => {
      try {
        if (!(await this.leadership.check())) {
          this.logger.warn('lost the projection locks (connection dropped): stopping to let another process take over');
          for (const rt of this.runtimes.values()) {
            await this.stopLive(rt);
            rt.held = false;
          }
        }
        for (const rt of this.runtimes.values()) {
          if (!rt.wanted || this.stopping) continue;
          if (!rt.held) {
            rt.held = await this.leadership.acquire(rt.projection.name);
            if (rt.held) this.logger.log(`projection ${rt.projection.name}: leader here`);
          }
          if (rt.held && !rt.live && !rt.rebuilding) this.startLive(rt);
        }
        await this.serveRequests();
      } catch (error) {
        this.logger.warn(`projection leadership pass failed: ${(error as Error).message}`);
      } finally {
        this.ticking = undefined;
        this.schedule();
      }
    })();
    return this.ticking;
  }

  private async serveRequests(): Promise<void> {
    const { rows } = await this.options.db.query<{ name: string }>('SELECT name FROM rm_projection_requests');
    for (const { name } of rows) {
      const rt = this.runtimes.get(name);
      if (!rt?.held || rt.rebuilding) continue;
      const { rowCount } = await this.options.db.query('DELETE FROM rm_projection_requests WHERE name = $1', [name]);
      if (rowCount === 1) void this.rebuild(name).catch((error) => this.logger.error(`rebuild of ${name} failed: ${(error as Error).message}`));
    }
  }

  private startLive(rt: Runtime): void {
    const p = rt.projection;
    rt.failed = undefined;
    rt.live = this.reader.subscribe({
      name: liveName(p.name),
      batchSize: this.batchSize,
      types: p.eventTypes,
      handler: async (events, tx) => {
        await applyProjectionBatch(p, events, tx);
        rt.failed = undefined;
      },
      onError: (error) => {
        rt.failed = (error as Error).message ?? String(error);
        this.logger.error(`projection ${p.name}: ${rt.failed}`);
      },
      // A projection whose events are rare would otherwise stay "failed" after an outage.
      onRecovered: () => {
        if (rt.failed) this.logger.log(`projection ${p.name}: recovered`);
        rt.failed = undefined;
      },
    });
  }

  private async stopLive(rt: Runtime): Promise<void> {
    const live = rt.live;
    rt.live = undefined;
    await live?.stop();
  }

  /** Checkpoint, lag and state of every projection. */
  async status(): Promise<ProjectionStatus[]> {
    await this.init();
    const out: ProjectionStatus[] = [];
    for (const rt of this.runtimes.values()) {
      const name = rt.projection.name;
      const checkpoint = await readCheckpoint(this.options.db, liveName(name));
      const meta = await readMeta(this.options.db, name);
      const behind = await this.options.store.readAll({ after: checkpoint, limit: LAG_COUNT_CAP, types: rt.projection.eventTypes });
      const oldest = behind.events[0]?.metadata?.recordedAt;
      const state: ProjectionState = rt.rebuilding
        ? 'rebuilding'
        : rt.held && rt.live
          ? rt.failed
            ? 'failed'
            : 'running'
          : rt.wanted
            ? 'standby'
            : 'stopped';
      out.push({
        name,
        status: state,
        leader: rt.held,
        checkpoint,
        asOf: meta.asOf,
        lagEvents: behind.events.length,
        lagCapped: behind.events.length >= LAG_COUNT_CAP,
        lagSeconds: oldest ? Math.max(0, (Date.now() - Date.parse(oldest)) / 1000) : 0,
        ...(rt.failed ? { lastError: rt.failed } : {}),
        ...(rt.rebuild ? { rebuild: { ...rt.rebuild } } : {}),
      });
    }
    return out;
  }

  /** Lowest checkpoint among `names` (default all): every one of them has applied the log up to it. */
  async position(names?: readonly string[]): Promise<string> {
    let min: string | undefined;
    for (const name of names ?? this.names()) {
      this.runtime(name);
      const p = await readCheckpoint(this.options.db, liveName(name));
      if (min === undefined || comparePositions(p, min) < 0) min = p;
    }
    return min ?? '0';
  }

  /**
   * Resolves true once the projections `names` (default all) have applied the log up to
   * `position`, false after `timeoutMs`. Reads the checkpoints, so it works whichever process
   * runs the projections.
   */
  async waitFor(position: string, timeoutMs = 5_000, names?: readonly string[]): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (comparePositions(await this.position(names), position) >= 0) return true;
      if (Date.now() >= deadline) return false;
      await new Promise((r) => setTimeout(r, Math.min(25, Math.max(1, deadline - Date.now()))));
    }
  }

  /**
   * Rebuilds a projection from the start of the log into side tables while the current rows keep
   * being served, then swaps them in one transaction once the rebuild has passed the head it
   * saw when it started. When another process holds the projection, leaves it a request
   * (picked up on its next leadership pass) and returns `requested`.
   */
  async rebuild(name: string, onProgress?: (progress: RebuildProgress) => void): Promise<'rebuilt' | 'requested'> {
    return (await this.rebuildMany([name], onProgress))[name]!;
  }

  /**
   * Rebuilds several projections at once through one shared reader: each page of the log is
   * read once and handed to every projection being rebuilt (see {@link rebuild} for one).
   * Answers per name `rebuilt`, or `requested` when another process holds it.
   */
  async rebuildMany(names: readonly string[], onProgress?: (progress: RebuildProgress) => void): Promise<Record<string, 'rebuilt' | 'requested'>> {
    await this.init();
    const result: Record<string, 'rebuilt' | 'requested'> = {};
    const waits: Promise<void>[] = [];
    const fresh: Runtime[] = [];
    for (const name of new Set(names)) {
      const rt = this.runtime(name);
      if (!rt.held) {
        await this.options.db.query(
          `INSERT INTO rm_projection_requests (name) VALUES ($1) ON CONFLICT (name) DO UPDATE SET requested_at = now()`,
          [name],
        );
        result[name] = 'requested';
        continue;
      }
      result[name] = 'rebuilt';
      if (rt.rebuilding) waits.push(rt.rebuilding);
      else fresh.push(rt);
    }
    if (fresh.length > 0) {
      const shared = this.runRebuild(fresh, onProgress);
      for (const rt of fresh) {
        rt.abortRebuild = false;
        rt.rebuilding = shared.finally(() => {
          rt.rebuilding = undefined;
          rt.rebuild = undefined;
        });
      }
      waits.push(...fresh.map((rt) => rt.rebuilding!));
    }
    await Promise.all(waits);
    return result;
  }

  private async runRebuild(rts: readonly Runtime[], onProgress?: (progress: RebuildProgress) => void): Promise<void> {
    // Let the callers register `rebuilding` first: abort flags and status see the whole run.
    await Promise.resolve();
    const { db, store } = this.options;
    const names = rts.map((rt) => rt.projection.name).join(', ');
    this.logger.log(`projections ${names}: rebuilding from the start of the log`);
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
    const batch = Math.max(this.batchSize, REBUILD_BATCH);
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
          this.logger.error(`rebuild of ${s.rt.projection.name}: ${(error as Error).message}`);
          if (attempt >= REBUILD_ATTEMPTS || s.rt.abortRebuild || this.stopping) throw error;
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
      if (rts.some((rt) => rt.abortRebuild) || this.stopping) {
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
      await this.stopLive(rt);
      await db.transaction((tx) => this.swap(tx, p));
      const live = await readCheckpoint(db, liveName(p.name));
      const s = states.find((x) => x.rt === rt)!;
      onProgress?.({ name: p.name, processed: s.processed, position: live, head });
      if (wasLive && rt.held && !this.stopping) this.startLive(rt);
      this.logger.log(`projection ${p.name}: rebuilt (${s.processed} events) and swapped in`);
    }
  }

  /** Replaces the projection's tables, bookkeeping and checkpoint by the rebuilt ones, atomically. */
  private async swap(tx: SqlExecutor, p: Projection): Promise<void> {
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
}
