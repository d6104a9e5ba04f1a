/**
 * bench:relay — push delivery from a backlog: events/s from a PostgreSQL log of `--events` events
 * (default 100,000) through the relay engine to RabbitMQ (shared broker, an exchange and bound
 * queue of the run's own), to NATS JetStream (a stream of its own), and to local webhook receivers
 * (real HTTP servers, one event per POST, signed; `--webhooks` subscriptions in parallel, each
 * reported). Then the live delay (p50/p99) from append to broker confirm of events written by 16
 * concurrent writers while the relays run. Prints a table, then one JSON object as its last line.
 * Usage: npm run bench:relay [-- --events 100000 --webhooks 4 --live-seconds 10]
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import amqp from 'amqplib';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { openEventStore, type OpenedEventStore } from '@libs/event-store';
import { readCheckpoint } from '@libs/sql';
import { AmqpSink, NatsSink, RelayEngine, WebhookSink, WebhookStore, type EventEnvelope, type RelaySink } from '@libs/relay';
import { arg, log, throwawayDatabase } from './support.js';

const EVENTS = arg('events', 100_000);
const WEBHOOKS = arg('webhooks', 4);
const LIVE_SECONDS = arg('live-seconds', 10);
const WRITERS = 16;
const AMQP_URL = process.env['RELAY_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';
const NATS_URL = process.env['RELAY_NATS_URL'] ?? 'nats://127.0.0.1:4222';
const run = `bench${process.pid}${Date.now().toString(36)}`;

async function appendBacklog(opened: OpenedEventStore, count: number): Promise<string> {
  let last = '0';
  const perAppend = 500;
  for (let i = 0; i < count; i += perAppend) {
    const n = Math.min(perAppend, count - i);
    const events = Array.from({ length: n }, (_, k) => ({ type: 'InvoiceIssued', data: { invoiceId: `i${i + k}`, amount: 30000, period: '2026-01' }, occurredAt: new Date().toISOString() }));
    last = (await opened.store.append(`subscriber-b${(i / perAppend) % 97}`, events)).position;
  }
  while ((await opened.store.headPosition()) !== last) await new Promise((r) => setTimeout(r, 50));
  return last;
}

/** A receiver that answers 204 to every POST, counting them. */
async function receiver(): Promise<{ server: Server; url: string; count(): number }> {
  let n = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      n++;
      res.statusCode = 204;
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, count: () => n };
}

/** Delivers the backlog to `sinks` (in parallel, each from checkpoint 0); seconds until each reached the head. */
async function drain(opened: OpenedEventStore, sinks: RelaySink[], head: string): Promise<Map<string, number>> {
  const engine = new RelayEngine({ store: opened.store, db: opened.db, leadershipIntervalMs: 500 });
  const started = performance.now();
  const done = new Map<string, number>();
  for (const s of sinks) await engine.add(s);
  await engine.start();
  try {
    while (done.size < sinks.length) {
      for (const s of sinks) {
        if (!done.has(s.name) && (await readCheckpoint(opened.db, s.name)) === head) done.set(s.name, (performance.now() - started) / 1000);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  } finally {
    await engine.stop();
  }
  return done;
}

/** Wraps a sink to time append → acknowledged for events appended during the live phase. */
class Timed implements RelaySink {
  readonly delays: number[] = [];
  constructor(
    private readonly inner: RelaySink,
    private readonly live: () => boolean,
  ) {}
  get name(): string {
    return this.inner.name;
  }
  async deliver(event: EventEnvelope): Promise<void> {
    await this.inner.deliver(event);
    this.record([event]);
  }
  get deliverBatch(): ((events: readonly EventEnvelope[]) => Promise<void>) | undefined {
    const inner = this.inner;
    if (!inner.deliverBatch) return undefined;
    return async (events) => {
      await inner.deliverBatch!(events);
      this.record(events);
    };
  }
  private record(events: readonly EventEnvelope[]): void {
    if (!this.live()) return;
    const now = Date.now();
    for (const event of events) {
      const sentAt = Number((event.data as { sentAt?: number }).sentAt);
      if (Number.isFinite(sentAt)) this.delays.push(now - sentAt);
    }
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! : NaN;
};

async function main(): Promise<void> {
  const db = await throwawayDatabase('bench_relay');
  const opened = await openEventStore({ backend: 'postgres', databaseUrl: db.url, poolSize: 20 });
  const exchange = `${run}.events`;
  const stream = run.toUpperCase();
  const amqpConn = await amqp.connect(AMQP_URL);
  const ch = await amqpConn.createChannel();
  await ch.assertExchange(exchange, 'topic', { durable: true });
  await ch.assertQueue(`${run}.q`, { durable: true });
  await ch.bindQueue(`${run}.q`, exchange, '#');
  const receivers: Awaited<ReturnType<typeof receiver>>[] = [];
  const results: Record<string, unknown> = { events: EVENTS };
  try {
    const t0 = performance.now();
    const head = await appendBacklog(opened, EVENTS);
    log(`backlog: ${EVENTS} events appended in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const amqpSec = (await drain(opened, [new AmqpSink({ url: AMQP_URL, exchange })], head)).get('relay:amqp')!;
    results['amqpEventsPerSecond'] = Math.round(EVENTS / amqpSec);
    log(`RabbitMQ: ${EVENTS} events in ${amqpSec.toFixed(1)} s = ${Math.round(EVENTS / amqpSec)} ev/s`);

    const natsSec = (await drain(opened, [new NatsSink({ url: NATS_URL, stream, subjectPrefix: run })], head)).get('relay:nats')!;
    results['natsEventsPerSecond'] = Math.round(EVENTS / natsSec);
    log(`NATS JetStream: ${EVENTS} events in ${natsSec.toFixed(1)} s = ${Math.round(EVENTS / natsSec)} ev/s`);

    const store = new WebhookStore(opened.db);
    await store.init();
    const settings = { timeoutMs: 10_000, failingAfterMs: 86_400_000, allowPrivate: true };
    const hooks: RelaySink[] = [];
    for (let i = 0; i < WEBHOOKS; i++) {
      const r = await receiver();
      receivers.push(r);
      hooks.push(new WebhookSink(await store.create({ url: r.url }, '0'), store, settings));
    }
    const hookTimes = await drain(opened, hooks, head);
    const perSub = [...hookTimes.values()].map((s) => EVENTS / s);
    const wall = Math.max(...hookTimes.values());
    results['webhookEventsPerSecondPerSubscription'] = perSub.map(Math.round);
    results['webhookEventsPerSecondTotal'] = Math.round((EVENTS * WEBHOOKS) / wall);
    log(`webhooks: ${WEBHOOKS} subscriptions × ${EVENTS} events (one POST each): per subscription ${perSub.map((x) => Math.round(x)).join(', ')} ev/s; together ${Math.round((EVENTS * WEBHOOKS) / wall)} ev/s`);

    // Live: the relays at the head, 16 writers appending one event at a time.
    let live = false;
    const timedAmqp = new Timed(new AmqpSink({ url: AMQP_URL, exchange }), () => live);
    const timedNats = new Timed(new NatsSink({ url: NATS_URL, stream, subjectPrefix: run }), () => live);
    const timedHook = new Timed(hooks.length ? new WebhookSink(await store.create({ url: receivers[0]!.url }, head), store, settings) : timedAmqp, () => live);
    const engine = new RelayEngine({ store: opened.store, db: opened.db, leadershipIntervalMs: 500 });
    for (const s of [timedAmqp, timedNats, timedHook]) await engine.add(s);
    // The AMQP and NATS checkpoints are at the head already (same names as the backlog run).
    await engine.start();
    live = true;
    let writes = 0;
    const until = Date.now() + LIVE_SECONDS * 1000;
    await Promise.all(
      Array.from({ length: WRITERS }, async (_, w) => {
        while (Date.now() < until) {
          await opened.store.append(`subscriber-live${w}`, [{ type: 'PaymentReceived', data: { sentAt: Date.now(), amount: 1 }, occurredAt: new Date().toISOString() }]);
          writes++;
        }
      }),
    );
    const liveHead = await opened.store.headPosition();
    for (const s of [timedAmqp, timedNats, timedHook]) await engine.waitFor(s.name, liveHead, 60_000);
    live = false;
    await engine.stop();
    for (const [label, s] of [['amqp', timedAmqp], ['nats', timedNats], ['webhook', timedHook]] as const) {
      results[`${label}LiveP50Ms`] = pct(s.delays, 50);
      results[`${label}LiveP99Ms`] = pct(s.delays, 99);
      log(`live ${label}: ${s.delays.length} events, append → acknowledged p50 ${pct(s.delays, 50)} ms, p99 ${pct(s.delays, 99)} ms`);
    }
    results['liveWrites'] = writes;
    results['liveWritesPerSecond'] = Math.round(writes / LIVE_SECONDS);
    log(`live writers: ${WRITERS} appending, ${Math.round(writes / LIVE_SECONDS)} events/s`);
  } finally {
    for (const r of receivers) r.server.close();
    await ch.deleteQueue(`${run}.q`).catch(() => undefined);
    await ch.deleteExchange(exchange).catch(() => undefined);
    await amqpConn.close().catch(() => undefined);
    const nc = await connect({ servers: NATS_URL });
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
    await nc.close();
    await opened.close();
    await db.drop();
  }
  log(JSON.stringify(results));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
