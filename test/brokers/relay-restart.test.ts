/**
 * Broker restarts through the relay engine (issue 18): a backlog on PostgreSQL, the AMQP or NATS
 * sink delivering it from its checkpoint, and the broker — a private rabbitmq-server node or
 * nats-server -js of the test's own, never the machine's shared ones — stopped mid-stream while
 * more events are appended, then started again. Every event reaches the broker at least once, in
 * order (de-duplicated by message id), nothing skipped, and the relay's checkpoint never passes an
 * event the broker has not confirmed.
 */
import { jest } from '@jest/globals';
import amqp from 'amqplib';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { openEventStore, type OpenedEventStore } from '@libs/event-store';
import { readCheckpoint } from '@libs/sql';
import { AmqpSink, NatsSink, RelayEngine, type EventEnvelope, type RelaySink } from '@libs/relay';
import { createTestDatabase } from '../support/postgres.js';
import { startPrivateNats, startPrivateRabbit, type PrivateNats, type PrivateRabbit } from '../support/private-brokers.js';
import { firstOccurrences, sleep, until } from './support.js';

jest.setTimeout(420_000);

/** Appends `count` events over a few subscriber streams, `perAppend` per call; returns the last position. */
async function appendBacklog(opened: OpenedEventStore, count: number, tag: string, perAppend = 50): Promise<string> {
  let last = '0';
  for (let i = 0; i < count; i += perAppend) {
    const n = Math.min(perAppend, count - i);
    const stream = `subscriber-${tag}${(i / perAppend) % 7}`;
    const events = Array.from({ length: n }, (_, k) => ({ type: (i + k) % 5 === 0 ? 'ServiceSuspended' : 'InvoiceIssued', data: { i: i + k, tag }, occurredAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i + k)).toISOString() }));
    last = (await opened.store.append(stream, events)).position;
  }
  // An open transaction elsewhere on the shared server can hold the visible horizon back.
  await until(async () => (await opened.store.headPosition()) === last, 60_000, 'the appended events visible');
  return last;
}

/**
 * The real sink, watched: the highest position it confirmed, and a hook that stops the broker the
 * first time the relay hands it `stopAt` or later (in the delivery path, so the stop lands mid-stream).
 */
class WatchedSink implements RelaySink {
  confirmed = 0n;
  failures = 0;
  private fault?: Promise<void>;
  /** Resolves once the broker has been stopped mid-stream. */
  readonly stopped: Promise<void>;
  private onStopped: () => void = () => undefined;
  constructor(
    private readonly inner: RelaySink,
    private readonly stopAt: bigint,
    private readonly stopBroker: () => Promise<void>,
  ) {
    this.stopped = new Promise<void>((resolve) => (this.onStopped = resolve));
  }
  get name(): string {
    return this.inner.name;
  }
  async deliver(event: EventEnvelope): Promise<void> {
    if (!this.fault && BigInt(event.position) >= this.stopAt) {
      this.fault = this.stopBroker().then(() => this.onStopped());
      await this.fault;
    }
    try {
      await this.inner.deliver(event);
    } catch (error) {
      this.failures++;
      throw error;
    }
    if (BigInt(event.position) > this.confirmed) this.confirmed = BigInt(event.position);
  }
  /** The batch path the engine takes with the broker sinks: one confirm round-trip per chunk. */
  async deliverBatch(events: readonly EventEnvelope[]): Promise<void> {
    const last = events[events.length - 1]!;
    if (!this.fault && BigInt(last.position) >= this.stopAt) {
      this.fault = this.stopBroker().then(() => this.onStopped());
      await this.fault;
    }
    try {
      await this.inner.deliverBatch!(events);
    } catch (error) {
      this.failures++;
      throw error;
    }
    if (BigInt(last.position) > this.confirmed) this.confirmed = BigInt(last.position);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

interface Received {
  id: string;
  position: string;
}

async function restartScenario(options: {
  label: string;
  sink: RelaySink;
  stopBroker(): Promise<void>;
  startBroker(): Promise<void>;
  readBack(): Promise<Received[]>;
}): Promise<void> {
  const test = await createTestDatabase(`brk_${options.label}`);
  const opened = await openEventStore({ backend: 'postgres', databaseUrl: test.url, poolSize: 6 });
  const engine = new RelayEngine({ store: opened.store, db: opened.db, retry: { baseMs: 50, maxMs: 1_000 }, leadershipIntervalMs: 200, batchSize: 200 });
  let monitoring = true;
  const violations: string[] = [];
  try {
    // Given a backlog of 2,000 events.
    await appendBacklog(opened, 2_000, 'a');
    const backlog = (await opened.store.readAll({ limit: 5_000 })).events;
    const watched = new WatchedSink(options.sink, BigInt(backlog[800]!.position), options.stopBroker);
    const name = watched.name;
    // The checkpoint, read all along, must never be ahead of what the broker confirmed.
    const monitor = (async () => {
      while (monitoring) {
        const confirmedBefore = watched.confirmed;
        const at = BigInt(await readCheckpoint(opened.db, name));
        if (at > confirmedBefore && at > watched.confirmed) violations.push(`checkpoint ${at} ahead of the confirmed ${watched.confirmed}`);
        await sleep(10);
      }
    })();
    await engine.add(watched);
    await engine.start();

    // When the broker stops mid-stream and more events are appended while it is down…
    await watched.stopped;
    const atStop = await readCheckpoint(opened.db, name);
    const head = await appendBacklog(opened, 1_000, 'b');
    await until(async () => watched.failures >= 3, 60_000, 'deliveries failing while the broker is down');
    expect((await engine.statusOne(name))?.status).toBe('retrying');
    expect(BigInt(await readCheckpoint(opened.db, name))).toBeLessThanOrEqual(watched.confirmed);
    expect(BigInt(await readCheckpoint(opened.db, name))).toBeLessThan(BigInt(head));
    // …and starts again.
    await options.startBroker();
    await until(async () => (await readCheckpoint(opened.db, name)) === head, 240_000, `${name} checkpointed at the head after the restart`);
    monitoring = false;
    await monitor;
    await engine.stop();

    // Then: every event at least once; de-duplicated by id, exactly the log in order; a consumer
    // keeping the highest position seen never has to go back past one it has not seen.
    const log = (await opened.store.readAll({ limit: 10_000 })).events;
    expect(log.length).toBe(3_000);
    expect(BigInt(atStop)).toBeLessThan(BigInt(head));
    const got = await options.readBack();
    expect(new Set(got.map((m) => m.id))).toEqual(new Set(log.map((e) => e.id)));
    expect(firstOccurrences(got, (m) => m.id).map((m) => m.id)).toEqual(log.map((e) => e.id));
    const index = new Map(log.map((e, i) => [e.id, i]));
    let highest = -1;
    for (const m of got) {
      const i = index.get(m.id)!;
      if (i > highest + 1) throw new Error(`${log[i]!.position} arrived before ${log[highest + 1]!.position}`);
      highest = Math.max(highest, i);
    }
    expect(got.map((m) => m.position).filter((p, i) => p !== log.find((e) => e.id === got[i]!.id)!.position)).toEqual([]);
    expect(watched.failures).toBeGreaterThan(0);
    expect(violations).toEqual([]);
  } finally {
    monitoring = false;
    await engine.stop().catch(() => undefined);
    await opened.close();
    await test.drop();
  }
}

describe('broker restarted mid-stream, through the relay engine', () => {
  let rabbit: PrivateRabbit | undefined;
  let nats: PrivateNats | undefined;
  afterAll(async () => {
    rabbit?.destroy();
    await nats?.destroy();
  });

  it('RabbitMQ (private node stopped and booted again): every event confirmed at least once, in order, checkpoint behind the confirms', async () => {
    rabbit = await startPrivateRabbit();
    const broker = rabbit;
    const exchange = 'client-lifecycle.events';
    // The integrator's durable queue, bound before anything is published.
    const setup = await amqp.connect(broker.url);
    const ch = await setup.createChannel();
    await ch.assertExchange(exchange, 'topic', { durable: true });
    await ch.assertQueue('integrator', { durable: true });
    await ch.bindQueue('integrator', exchange, '#');
    await setup.close();
    const sink = new AmqpSink({ url: broker.url, exchange, timeoutMs: 5_000, reconnect: { initialMs: 100, maxMs: 1_000 } });
    await restartScenario({
      label: 'amqp',
      sink,
      stopBroker: () => broker.stop(),
      startBroker: () => broker.start(),
      async readBack() {
        const reader = await amqp.connect(broker.url);
        try {
          const channel = await reader.createChannel();
          const out: Received[] = [];
          for (;;) {
            const m = await channel.get('integrator', { noAck: true });
            if (!m) return out;
            out.push({ id: String(m.properties.messageId), position: String(m.properties.headers!.position) });
          }
        } finally {
          await reader.close();
        }
      },
    });
  });

  it('NATS JetStream (private nats-server -js stopped and started on the same storage): every event acknowledged at least once, in order, checkpoint behind the acks', async () => {
    nats = await startPrivateNats();
    const broker = nats;
    const sink = new NatsSink({ url: broker.url, stream: 'CLIENT_LIFECYCLE', ackTimeoutMs: 3_000, reconnect: { initialMs: 100, maxMs: 1_000 } });
    await restartScenario({
      label: 'nats',
      sink,
      stopBroker: () => broker.stop(),
      startBroker: () => broker.start(),
      async readBack() {
        const nc = await connect({ servers: broker.url });
        try {
          const jsm = await jetstreamManager(nc);
          const info = await jsm.streams.info('CLIENT_LIFECYCLE');
          const out: Received[] = [];
          for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
            const m = await jsm.streams.getMessage('CLIENT_LIFECYCLE', { seq });
            if (m) out.push({ id: m.header!.get('Nats-Msg-Id'), position: m.header!.get('position') });
          }
          return out;
        } finally {
          await nc.close();
        }
      },
    });
  });
});
