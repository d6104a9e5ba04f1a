import { advanceCheckpoint, readCheckpoint, type SqlDatabase, type SqlExecutor } from '@libs/sql';
import { PositionWaiters } from './position-waiters.js';
import { comparePositions, START_POSITION } from './position.js';
import type { EventStore, StoredEvent, SubscribeOptions, Subscription } from './types.js';

/** Anything live subscriptions can be taken from: a store, or a {@link SharedReader} over one. */
export interface LiveSubscriber {
  subscribe(options: SubscribeOptions): Subscription;
}

export interface SharedReaderOptions {
  store: EventStore;
  /** Where named members keep their checkpoints (and run their transactions). */
  db?: SqlDatabase;
  /** Events per shared read; default 1,000. Each member still gets at most its own `batchSize` per call. */
  batchSize?: number;
  /**
   * Shortest time from the start of one shared page to the start of the next, when the page was
   * not full; default 0. Under a burst of writes this turns many one-event pages, each costing
   * every member a transaction, into fewer bigger ones; a lone event after a quiet spell still
   * goes out at once.
   */
  pageIntervalMs?: number;
  /**
   * Applies a page to every named member that has events in it in one transaction (each still
   * with its own checkpoint); if that transaction fails, each is retried in its own, so a failing
   * member still fails alone. For PGlite, where every transaction takes the one session in turn.
   */
  oneTransaction?: boolean;
}

const CATCH_UP_RECHECK_MS = 50;
const MAX_ERROR_BACKOFF_MS = 5_000;

/**
 * One reader of the live log for many subscriptions (the projections and the policies): each new
 * page is read once and handed to every member, each filtered by its own types and committed in
 * its own transaction with its own checkpoint — exactly-once per member, as with a subscription of
 * its own. A member that fails leaves the shared path and retries from its checkpoint with its own
 * reads and back-off; the others go on. A member that starts (or falls) behind the shared reader's
 * cursor catches up with its own reads and joins once it has reached it.
 */
export class SharedReader implements LiveSubscriber {
  private readonly members = new Set<Member>();
  private readonly batchSize: number;
  /** Position up to which every joined member has been served; undefined until the reader runs. */
  private cursor?: string;
  private shared?: Subscription;
  private starting?: Promise<void>;
  private readyResolve!: () => void;
  private ready: Promise<void>;
  private stopped = false;

  constructor(private readonly options: SharedReaderOptions) {
    this.batchSize = options.batchSize ?? 1_000;
    this.ready = new Promise((r) => (this.readyResolve = r));
  }

  subscribe(options: SubscribeOptions): Subscription {
    if (options.name && !this.options.db) throw new Error('a named subscription needs a database for its checkpoint');
    if (this.stopped) throw new Error('this shared reader is stopped');
    const member = new Member(this, options);
    this.members.add(member);
    this.starting ??= this.start();
    member.startCatchUp(0);
    return member;
  }

  /** Stops every member and the shared reading. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all([...this.members].map((m) => m.stop()));
    await this.starting?.catch(() => undefined);
    await this.shared?.stop();
    this.shared = undefined;
    this.readyResolve();
  }

  /** @internal */
  leave(member: Member): void {
    this.members.delete(member);
  }

  private async start(): Promise<void> {
    for (let failures = 0; !this.stopped; failures++) {
      try {
        // From the head: members behind it catch up on their own, so a fresh start reads nothing twice.
        const head = await this.options.store.headPosition();
        if (this.stopped) return;
        this.cursor = head;
        this.shared = this.options.store.subscribe({
          after: head,
          batchSize: this.batchSize,
          handler: (events) => this.fanOut(events),
          onError: (error) => {
            for (const m of this.members) if (m.joined) m.options.onError?.(error);
          },
          onRecovered: () => {
            for (const m of this.members) if (m.joined) m.options.onRecovered?.();
          },
        });
        this.readyResolve();
        return;
      } catch (error) {
        for (const m of this.members) m.options.onError?.(error);
        await new Promise((r) => setTimeout(r, Math.min(MAX_ERROR_BACKOFF_MS, 100 * 2 ** Math.min(failures, 6))));
      }
    }
  }

  /** @internal Resolves once the shared reader runs (or is stopped). */
  whenReady(): Promise<void> {
    return this.ready;
  }

  /** @internal A member that has reached the cursor joins the shared path. */
  tryJoin(member: Member): boolean {
    if (this.cursor === undefined || comparePositions(member.position(), this.cursor) < 0) return false;
    // Joining while a page is being handed out is fine: the page starts at the cursor, and
    // `fanOut` serves late joiners before it moves the cursor.
    member.joined = true;
    return true;
  }

  /** Hands one unfiltered page, (cursor, last], to every joined member. */
  private async fanOut(events: StoredEvent[]): Promise<void> {
    const started = Date.now();
    await this.serve(events);
    const wait = started + (this.options.pageIntervalMs ?? 0) - Date.now();
    if (wait > 0 && events.length < this.batchSize && !this.stopped) await new Promise((r) => setTimeout(r, wait));
  }

  private async serve(events: StoredEvent[]): Promise<void> {
    const last = events[events.length - 1]!.position;
    const served = new Set<Member>();
    for (;;) {
      const todo = [...this.members].filter((m) => m.joined && !served.has(m));
      if (todo.length === 0) break;
      for (const m of todo) served.add(m);
      const idle: Member[] = [];
      const busy: Promise<void>[] = [];
      const together: { m: Member; mine: StoredEvent[] }[] = [];
      for (const m of todo) {
        if (comparePositions(m.position(), last) >= 0) continue;
        const mine = events.filter((e) => comparePositions(e.position, m.position()) > 0 && m.wants(e));
        if (mine.length === 0 && m.options.name) idle.push(m);
        else if (this.options.oneTransaction && m.options.name && mine.length <= (m.options.batchSize ?? 500)) together.push({ m, mine });
        else busy.push(m.deliver(mine, last));
      }
      if (together.length > 0) busy.push(this.applyTogether(together, last));
      if (idle.length > 0) busy.push(this.advanceIdle(idle, last));
      await Promise.all(busy);
    }
    this.cursor = last;
  }

  private async applyTogether(together: { m: Member; mine: StoredEvent[] }[], last: string): Promise<void> {
    if (together.length === 1) return together[0]!.m.deliver(together[0]!.mine, last);
    const run = (async () => {
      try {
        await this.options.db!.transaction(async (tx) => {
          for (const { m, mine } of together) {
            if (!m.joined) continue;
            await m.options.handler(mine, tx);
            await advanceCheckpoint(tx, m.options.name!, m.position(), last);
          }
        });
        for (const { m } of together) if (m.joined) m.advanced(last);
      } catch {
        // Nothing was committed: each on its own now, so only the failing one fails.
        await Promise.all(together.map(({ m, mine }) => (m.joined ? m.deliver(mine, last) : undefined)));
      }
    })();
    // A member's stop waits for this batch, as for one of its own.
    for (const { m } of together) m.hold(run);
    return run;
  }

  /**
   * Moves the checkpoints of named members that had nothing in the page, in one statement per
   * starting position instead of one transaction each. Should that not move every one of them
   * (another worker moved one), each is retried alone so only that one fails.
   */
  private async advanceIdle(idle: Member[], last: string): Promise<void> {
    const db = this.options.db!;
    const byFrom = new Map<string, Member[]>();
    for (const m of idle) byFrom.set(m.position(), [...(byFrom.get(m.position()) ?? []), m]);
    await Promise.all(
      [...byFrom].map(async ([from, group]) => {
        try {
          const { rowCount } = await db.query(
            `INSERT INTO cl_checkpoints AS c (name, position, updated_at)
             SELECT n, $3::numeric, now() FROM unnest($1::text[]) AS u(n)
             ON CONFLICT (name) DO UPDATE SET position = EXCLUDED.position, updated_at = now()
             WHERE c.position = $2::numeric`,
            [group.map((m) => m.options.name!), from, last],
          );
          if (rowCount === group.length) {
            for (const m of group) m.advanced(last);
            return;
          }
        } catch {
          // Retried one by one below: each member then fails (or not) on its own.
        }
        await Promise.all(group.map((m) => m.deliver([], last)));
      }),
    );
  }

  /** @internal */
  get store(): EventStore {
    return this.options.store;
  }

  /** @internal */
  get db(): SqlDatabase | undefined {
    return this.options.db;
  }
}

/** One subscription served by a {@link SharedReader}. */
class Member implements Subscription {
  readonly name?: string;
  joined = false;
  private current: string;
  private running = true;
  private loaded: boolean;
  private failures = 0;
  private readonly types?: ReadonlySet<string>;
  private readonly inflight = new Set<Promise<void>>();
  private catchingUp = false;
  private wakeTimer?: NodeJS.Timeout;
  private wakeResolve?: () => void;
  private readonly waiters = new PositionWaiters();

  constructor(
    private readonly reader: SharedReader,
    readonly options: SubscribeOptions,
  ) {
    this.name = options.name;
    this.current = options.after ?? START_POSITION;
    this.loaded = !options.name;
    this.types = options.types && options.types.length > 0 ? new Set(options.types) : undefined;
  }

  position(): string {
    return this.current;
  }

  wants(e: StoredEvent): boolean {
    return (!this.types || this.types.has(e.type)) && (!this.options.streamPrefix || e.streamId.startsWith(this.options.streamPrefix));
  }

  async waitFor(position: string, timeoutMs = 5_000): Promise<boolean> {
    return this.waiters.wait(this.current, position, timeoutMs);
  }


  async stop(): Promise<void> {
    this.running = false;
    this.joined = false;
    this.reader.leave(this);
    this.wake();
    while (this.inflight.size > 0) await Promise.all([...this.inflight].map((p) => p.catch(() => undefined)));
    this.waiters.cancelAll();
  }

  /** @internal The checkpoint was moved to `to` outside {@link apply} (grouped with others). */
  advanced(to: string): void {
    this.setPosition(to);
    this.recovered();
  }

  /** Applies the member's share of a shared page; a failure takes it off the shared path. */
  deliver(events: StoredEvent[], last: string): Promise<void> {
    return this.track(async () => {
      try {
        const size = Math.max(1, this.options.batchSize ?? 500);
        if (events.length === 0) await this.apply([], last);
        for (let i = 0; i < events.length && this.running; i += size) {
          const chunk = events.slice(i, i + size);
          await this.apply(chunk, i + size >= events.length ? last : chunk[chunk.length - 1]!.position);
        }
      } catch (error) {
        this.joined = false;
        this.fail(error);
      }
    });
  }

  /** Starts catching up alone (from the checkpoint) after `delayMs`, unless already doing so. */
  startCatchUp(delayMs: number): void {
    if (this.catchingUp || !this.running) return;
    this.catchingUp = true;
    void this.track(async () => {
      try {
        if (delayMs > 0) await this.sleep(delayMs);
        await this.catchUp();
      } finally {
        this.catchingUp = false;
      }
    });
  }

  private fail(error: unknown): void {
    this.failures++;
    // Another worker may have moved the checkpoint, or the handler failed: reload and retry.
    this.loaded = !this.name;
    this.options.onError?.(error);
    this.startCatchUp(Math.min(MAX_ERROR_BACKOFF_MS, 100 * 2 ** Math.min(this.failures, 6)));
  }

  private recovered(): void {
    if (this.failures === 0) return;
    this.failures = 0;
    this.options.onRecovered?.();
  }

  private async catchUp(): Promise<void> {
    const { store } = this.reader;
    while (this.running && !this.joined) {
      try {
        if (!this.loaded) {
          this.setPosition(await readCheckpoint(this.reader.db!, this.name!));
          this.loaded = true;
        }
        if (this.reader.tryJoin(this)) {
          this.recovered();
          return;
        }
        const page = await store.readAll({ after: this.current, limit: this.options.batchSize ?? 500, types: this.options.types, streamPrefix: this.options.streamPrefix });
        if (!this.running) return;
        const moved = comparePositions(page.last, this.current) > 0;
        if (moved || page.events.length > 0) {
          await this.apply(page.events, page.last);
          this.recovered();
        } else {
          this.recovered();
          // Nothing more to read alone: wait for the shared reader to run, or for the
          // horizon (an open transaction) to pass the cursor.
          await Promise.race([this.reader.whenReady(), this.sleep(CATCH_UP_RECHECK_MS)]);
          if (this.reader.tryJoin(this)) return;
          await this.sleep(CATCH_UP_RECHECK_MS);
        }
      } catch (error) {
        if (!this.running) return;
        this.failures++;
        this.loaded = !this.name;
        this.options.onError?.(error);
        await this.sleep(Math.min(MAX_ERROR_BACKOFF_MS, 100 * 2 ** Math.min(this.failures, 6)));
      }
    }
  }

  /** The handler and the checkpoint, in one transaction for a named member (as a subscription of its own). */
  private async apply(events: StoredEvent[], to: string): Promise<void> {
    if (!this.running) return;
    const from = this.current;
    if (comparePositions(to, from) <= 0) return;
    const { db } = this.reader;
    if (this.name) {
      await db!.transaction(async (tx) => {
        if (events.length > 0) await this.options.handler(events, tx);
        await advanceCheckpoint(tx, this.name!, from, to);
      });
    } else if (events.length > 0) {
      await this.options.handler(events, db ?? noTransaction);
    }
    this.setPosition(to);
  }

  private setPosition(position: string): void {
    this.current = position;
    this.waiters.reached(position);
  }

  /** @internal Makes `stop` wait for work on this member done by the reader. */
  hold(p: Promise<void>): void {
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
  }

  private track(fn: () => Promise<void>): Promise<void> {
    const p = fn();
    this.inflight.add(p);
    void p.finally(() => this.inflight.delete(p)).catch(() => undefined);
    return p;
  }

  private wake(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeResolve?.();
  }

  private sleep(ms: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.wakeResolve = resolve;
      this.wakeTimer = setTimeout(resolve, ms);
      this.wakeTimer.unref?.();
    }).finally(() => {
      this.wakeResolve = undefined;
    });
  }
}

const noTransaction: SqlExecutor = {
  async query() {
    throw new Error('this subscription has no database: its handler cannot run SQL');
  },
};
