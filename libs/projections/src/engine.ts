import { comparePositions, SharedReader } from '@libs/event-store';
import { readCheckpoint, runMigrations } from '@libs/sql';
import { LAG_COUNT_CAP, liveName, type EngineLogger, type ProjectionEngineOptions, type ProjectionState, type ProjectionStatus, type RebuildProgress, type Runtime } from './engine-types.js';
import { defaultLeadership, type Leadership } from './leadership.js';
import { applyProjectionBatch, readMeta } from './projection.js';
import { PROJECTIONS } from './projections/index.js';
import { runRebuild, type RebuildHost } from './rebuild.js';
import { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from './schema.js';

const silent: EngineLogger = { log: () => undefined, warn: () => undefined, error: () => undefined };

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
      const shared = runRebuild(this.rebuildHost(), fresh, onProgress);
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

  /** The engine as its rebuilds see it (rebuild.ts): the live subscriptions stay the engine's. */
  private rebuildHost(): RebuildHost {
    return {
      db: this.options.db,
      store: this.options.store,
      batchSize: this.batchSize,
      logger: this.logger,
      stopping: () => this.stopping,
      stopLive: (rt) => this.stopLive(rt),
      startLive: (rt) => this.startLive(rt),
    };
  }
}
