/**
 * The relay mechanism against a real store (PGlite or PostgreSQL), with sinks written here: order,
 * retries, per-sink isolation, pause, replay (checkpoint moved back), restart from the checkpoint.
 */
import { type OpenedEventStore } from '@libs/event-store';
import { readCheckpoint, resetCheckpoint, advanceCheckpoint } from '@libs/sql';
import { RelayEngine, SinkPausedError, type EventEnvelope, type RelaySink } from '@libs/relay';

export async function until(check: () => Promise<boolean> | boolean, timeoutMs = 30_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A sink that records what it acknowledged and fails when `failWhen` says so. */
export class RecordingSink implements RelaySink {
  readonly received: EventEnvelope[] = [];
  attempts = 0;
  closed = false;
  constructor(
    readonly name: string,
    private readonly failWhen: (event: EventEnvelope, attempt: number) => Error | undefined = () => undefined,
  ) {}
  private perEvent = new Map<string, number>();
  async deliver(event: EventEnvelope): Promise<void> {
    this.attempts++;
    const n = (this.perEvent.get(event.id) ?? 0) + 1;
    this.perEvent.set(event.id, n);
    const error = this.failWhen(event, n);
    if (error) throw error;
    this.received.push(event);
  }
  async close(): Promise<void> {
    this.closed = true;
  }
  /** First delivery of each event, in the order received (what a de-duplicating receiver keeps). */
  firstSeen(): string[] {
    const seen = new Set<string>();
    return this.received.map((e) => e.id).filter((id) => (seen.has(id) ? false : (seen.add(id), true)));
  }
}

/**
 * Appends `n` events and waits until readers see them: an open transaction anywhere on the shared
 * server holds the gap-free horizon back for a while.
 */
export async function appendEvents(opened: OpenedEventStore, stream: string, n: number, type = 'Something'): Promise<string> {
  let last = '0';
  for (let i = 0; i < n; i++) {
    const r = await opened.store.append(stream, [{ type, data: { i }, occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString() }]);
    last = r.position;
  }
  await until(async () => (await opened.store.readAll({ limit: 10_000 })).events.some((e) => e.position === last), 60_000, 'the appended events visible');
  return last;
}

const fast = { retry: { baseMs: 5, maxMs: 40 }, leadershipIntervalMs: 100, random: () => 0.5 };

export function relayEngineScenarios(open: () => Promise<OpenedEventStore>) {
  let opened: OpenedEventStore;
  const engines: RelayEngine[] = [];
  const engine = (extra: Partial<ConstructorParameters<typeof RelayEngine>[0]> = {}) => {
    const e = new RelayEngine({ store: opened.store, db: opened.db, ...fast, ...extra });
    engines.push(e);
    return e;
  };
  beforeEach(async () => {
    opened = await open();
  });
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.stop();
    await opened.close();
  });

  it('delivers every event in position order, retrying failures of the same event before the next, and checkpoints the last', async () => {
    await appendEvents(opened, 'a-1', 5);
    await appendEvents(opened, 'b-1', 5);
    const flaky = new RecordingSink('relay:flaky', (e, attempt) => (Number(e.data['i']) % 2 === 0 && attempt <= 2 ? new Error('receiver down') : undefined));
    const e = engine();
    await e.add(flaky);
    await e.start();
    const all = (await opened.store.readAll({ limit: 100 })).events;
    let head = all[all.length - 1]!.position;
    await until(() => flaky.received.length === 10, 30_000, 'ten deliveries');
    // Live: appended after the start.
    head = await appendEvents(opened, 'a-1', 3);
    await until(async () => (await readCheckpoint(opened.db, 'relay:flaky')) === head, 30_000, 'checkpoint at head');
    const log = (await opened.store.readAll({ limit: 100 })).events.map((x) => x.id);
    expect(flaky.received.map((x) => x.id)).toEqual(log);
    const status = await e.statusOne('relay:flaky');
    expect(status).toMatchObject({ status: 'running', leader: true, checkpoint: head, lagEvents: 0, failures: 0 });
  });

  it('a sink that keeps failing holds no other sink back; a filtered sink gets only its events', async () => {
    await appendEvents(opened, 'a-1', 4, 'Kept');
    await appendEvents(opened, 'b-1', 4, 'Other');
    const dead = new RecordingSink('relay:dead', () => new Error('connection refused'));
    const healthy = new RecordingSink('relay:healthy');
    const filtered = new RecordingSink('webhook:filtered');
    const e = engine();
    await e.add(dead);
    await e.add(healthy);
    await e.add(filtered, { types: ['Kept'], streamPrefix: 'a-' });
    await e.start();
    await until(() => healthy.received.length === 8 && filtered.received.length === 4, 30_000, 'the healthy sinks');
    expect(filtered.received.every((x) => x.type === 'Kept' && x.streamId === 'a-1')).toBe(true);
    await until(() => dead.attempts >= 3, 30_000, 'retries');
    expect(dead.received).toEqual([]);
    expect(await readCheckpoint(opened.db, 'relay:dead')).toBe('0');
    const status = await e.statusOne('relay:dead');
    expect(status).toMatchObject({ status: 'retrying', checkpoint: '0', lagEvents: 8 });
    expect(status!.lastError).toBe('connection refused');
  });

  it('a paused sink stops where it is; registered again it resumes from its checkpoint with nothing lost', async () => {
    await appendEvents(opened, 'a-1', 6);
    let pause = true;
    const first = new RecordingSink('webhook:p', (ev) => (pause && ev.data['i'] === 3 ? new SinkPausedError('failing') : undefined));
    const e = engine();
    await e.add(first);
    await e.start();
    await until(async () => (await e.statusOne('webhook:p'))?.status === 'paused', 30_000, 'paused');
    expect(first.received.map((x) => x.data['i'])).toEqual([0, 1, 2]);
    const log = (await opened.store.readAll()).events;
    await until(async () => (await readCheckpoint(opened.db, 'webhook:p')) === log[2]!.position, 10_000, 'checkpoint before the paused event');
    pause = false;
    const again = new RecordingSink('webhook:p');
    await e.add(again);
    await until(() => again.received.length === 3, 30_000, 'the rest');
    expect(again.received.map((x) => x.data['i'])).toEqual([3, 4, 5]);
    expect(first.closed).toBe(true);
  });

  it('moving the checkpoint back (a replay) redelivers from there, whoever moved it', async () => {
    await appendEvents(opened, 'a-1', 5);
    const sink = new RecordingSink('webhook:r');
    const e = engine();
    await e.add(sink);
    await e.start();
    await until(() => sink.received.length === 5, 30_000, 'first pass');
    const log = (await opened.store.readAll()).events;
    await until(async () => (await readCheckpoint(opened.db, 'webhook:r')) === log[4]!.position, 10_000, 'checkpointed');
    // As another process would: only the table changes; the engine notices on its own.
    await opened.db.transaction(async (tx) => {
      await resetCheckpoint(tx, 'webhook:r');
      await advanceCheckpoint(tx, 'webhook:r', '0', log[1]!.position);
    });
    await until(() => sink.received.length === 8, 30_000, 'redelivery');
    expect(sink.received.slice(5).map((x) => x.data['i'])).toEqual([2, 3, 4]);
    // In-process: restart() resumes at once.
    await opened.db.transaction(async (tx) => {
      await resetCheckpoint(tx, 'webhook:r');
      await advanceCheckpoint(tx, 'webhook:r', '0', '0');
    });
    await e.restart('webhook:r');
    await until(() => sink.received.length === 13, 30_000, 'second redelivery');
    expect(sink.received.slice(8).map((x) => x.data['i'])).toEqual([0, 1, 2, 3, 4]);
  });

  it('stopped mid-stream and started again, a new engine resumes from the checkpoint: every event at least once, first deliveries in order', async () => {
    await appendEvents(opened, 'a-1', 30);
    const slow = new RecordingSink('relay:slow');
    const original = slow.deliver.bind(slow);
    slow.deliver = async (ev) => {
      await new Promise((r) => setTimeout(r, 5));
      return original(ev);
    };
    const e1 = engine({ checkpointIntervalMs: 0 });
    await e1.add(slow);
    await e1.start();
    await until(() => slow.received.length >= 10, 30_000, 'some deliveries');
    await e1.stop();
    const at = await readCheckpoint(opened.db, 'relay:slow');
    const log = (await opened.store.readAll()).events;
    expect(slow.received[slow.received.length - 1]!.position).toBe(at);
    const e2 = engine();
    await e2.add(slow);
    await e2.start();
    await until(async () => (await readCheckpoint(opened.db, 'relay:slow')) === log[29]!.position, 30_000, 'caught up');
    expect(slow.firstSeen()).toEqual(log.map((x) => x.id));
  });
}
