/**
 * bench:relay — push delivery, the figures issue 18 asks for:
 * - backlog: events/s from a PostgreSQL log of `--events` events (default 100,000) through the relay
 *   engine, from checkpoint 0, to RabbitMQ (an exchange and bound durable queue of the run's own;
 *   persistent, confirms), beside a bare amqplib publisher of the same messages to the same exchange
 *   (the broker's ceiling in the same run); to NATS JetStream (a stream of its own, PubAck per
 *   event); to ONE webhook subscription alone (one event per POST, signed, the receiver a child
 *   process answering 204); and `--webhooks` subscriptions in parallel, each its own receiver child.
 * - live (bench/relay-live.ts): the service from createApp with the relays inline, 16 HTTP writers
 *   in a child process, per sink recordedAt → consumer received, p50/p99.
 * Prints a table, then one JSON object as its last line.
 * Usage: npm run bench:relay [-- --events 100000 --webhooks 4 --live-seconds 10 --bare-window 500]
 */
import amqp from 'amqplib';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { openEventStore, type OpenedEventStore } from '@libs/event-store';
import { readCheckpoint } from '@libs/sql';
import { AmqpSink, envelopeBody, NatsSink, RelayEngine, toEnvelope, WebhookSink, WebhookStore, type RelaySink } from '@libs/relay';
import { livePhase } from './relay-live.js';
import { barePublisher, receiverChild, type ReceiverChild } from './relay-support.js';
import { arg, log, throwawayDatabase } from './support.js';

const EVENTS = arg('events', 100_000);
const WEBHOOKS = arg('webhooks', 4);
const LIVE_SECONDS = arg('live-seconds', 10);
const BARE_WINDOW = arg('bare-window', 500);
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

const rate = (seconds: number) => Math.round(EVENTS / seconds);

/** A deployment's live figures under its own names (`projectorWebhookLiveP99Ms`), beside the service's. */
function prefixed(prefix: string, figures: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(figures).map(([key, value]) => [`${prefix}${key[0]!.toUpperCase()}${key.slice(1)}`, value]));
}

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
  const receivers: ReceiverChild[] = [];
  const results: Record<string, unknown> = { bench: 'relay', events: EVENTS, targets: { brokerEventsPerSecond: 5000, oneWebhookEventsPerSecond: 1000, liveP99Ms: 1000 } };
  try {
    const t0 = performance.now();
    const head = await appendBacklog(opened, EVENTS);
    log(`backlog: ${EVENTS} events appended in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    const amqpSec = (await drain(opened, [new AmqpSink({ url: AMQP_URL, exchange })], head)).get('relay:amqp')!;
    results['amqpEventsPerSecond'] = rate(amqpSec);
    log(`RabbitMQ relay: ${EVENTS} events in ${amqpSec.toFixed(1)} s = ${rate(amqpSec)} ev/s`);
    // The broker's ceiling for this shape of publisher, same run, same exchange and bound queue.
    await ch.purgeQueue(`${run}.q`);
    const sample = envelopeBody(toEnvelope((await opened.store.readAll({ after: '0', limit: 1 })).events[0]!));
    const bare = Math.round(await barePublisher(AMQP_URL, exchange, EVENTS, BARE_WINDOW, sample));
    await ch.purgeQueue(`${run}.q`);
    results['amqpBarePublisherPerSecond'] = bare;
    results['amqpRelayVsBare'] = Math.round((rate(amqpSec) / bare) * 100) / 100;
    log(`RabbitMQ bare amqplib publisher (${sample.length}-byte bodies, ${BARE_WINDOW} per waitForConfirms): ${bare} msg/s; relay ÷ bare ${results['amqpRelayVsBare']}`);

    const natsSec = (await drain(opened, [new NatsSink({ url: NATS_URL, stream, subjectPrefix: run })], head)).get('relay:nats')!;
    results['natsEventsPerSecond'] = rate(natsSec);
    log(`NATS JetStream relay: ${EVENTS} events in ${natsSec.toFixed(1)} s = ${rate(natsSec)} ev/s`);

    const store = new WebhookStore(opened.db);
    await store.init();
    const settings = { timeoutMs: 10_000, failingAfterMs: 86_400_000, allowPrivate: true };
    const hookTo = async () => {
      const r = await receiverChild(['webhook']);
      receivers.push(r);
      return new WebhookSink(await store.create({ url: r.ready }, '0'), store, settings);
    };
    const aloneSec = [...(await drain(opened, [await hookTo()], head)).values()][0]!;
    results['webhookOneSubscriptionEventsPerSecond'] = rate(aloneSec);
    log(`webhook, ONE subscription alone → one endpoint (child process): ${EVENTS} POSTs in ${aloneSec.toFixed(1)} s = ${rate(aloneSec)} ev/s`);
    const hooks: RelaySink[] = [];
    for (let i = 0; i < WEBHOOKS; i++) hooks.push(await hookTo());
    const hookTimes = await drain(opened, hooks, head);
    const perSub = [...hookTimes.values()].map(rate);
    const wall = Math.max(...hookTimes.values());
    results['webhookParallelSubscriptions'] = WEBHOOKS;
    results['webhookEventsPerSecondPerSubscription'] = perSub;
    results['webhookEventsPerSecondTotal'] = Math.round((EVENTS * WEBHOOKS) / wall);
    log(`webhooks, ${WEBHOOKS} subscriptions in parallel (one endpoint each): per subscription ${perSub.join(', ')} ev/s; together ${results['webhookEventsPerSecondTotal']} ev/s`);
    for (const r of receivers.splice(0)) await r.stop();
    await ch.deleteQueue(`${run}.q`).catch(() => undefined);

    const live = { amqpUrl: AMQP_URL, exchange, natsUrl: NATS_URL, stream, subjectPrefix: run, writers: WRITERS, seconds: LIVE_SECONDS, subscribers: 128 };
    Object.assign(results, await livePhase({ ...live, relaysIn: 'service' }));
    // Then the deployment docs/operations.md recommends under write load: the relays in a projector process.
    Object.assign(results, prefixed('projector', await livePhase({ ...live, relaysIn: 'projector' })));
    // And the relays in a process of their own, the projections in another: nothing but delivery on that event loop.
    Object.assign(results, prefixed('relayProcess', await livePhase({ ...live, relaysIn: 'relay-process' })));
  } finally {
    for (const r of receivers) await r.stop();
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
