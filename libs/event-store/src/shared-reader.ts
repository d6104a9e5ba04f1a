import { advanceCheckpoint, advanceCheckpoints, type SqlDatabase } from '@libs/sql';
import { comparePositions } from './position.js';
import { errorBackoffMs, Member, type MemberHost } from './shared-reader-member.js';
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

/**
 * One reader of the live log for many subscriptions (the projections and the policies): each new
 * page is read once and handed to every member, each filtered by its own types and committed in
 * its own transaction with its own checkpoint — exactly-once per member, as with a subscription of
 * its own. A member that fails leaves the shared path and retries from its checkpoint with its own
 * reads and back-off; the others go on. A member that starts (or falls) behind the shared reader's
 * cursor catches up with its own reads and joins once it has reached it.
 */
export class SharedReader implements LiveSubscriber, MemberHost {
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
        await new Promise((r) => setTimeout(r, errorBackoffMs(failures)));
      }
    }
  }

  whenReady(): Promise<void> {
    return this.ready;
  }

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
          if (await advanceCheckpoints(db, group.map((m) => m.options.name!), from, last)) {
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

  get store(): EventStore {
    return this.options.store;
  }

  get db(): SqlDatabase | undefined {
    return this.options.db;
  }
}
