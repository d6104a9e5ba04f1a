/**
 * bench:relay's live phase: the service built by its real app factory (`createApp`, as `npm start`
 * builds it: projections, policies and the three relays inline) on a PostgreSQL database of its
 * own, 16 HTTP writers in a child process recording payments, and the integrator's side in child
 * processes — an AMQP consumer on a queue bound to the exchange, a JetStream consumer of the
 * stream, a webhook receiver. Each reports, per event, metadata.recordedAt → received: the store
 * records before the command is acknowledged, so this delay is at least the one from the
 * acknowledgement.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { readCheckpoint } from '@libs/sql';
import { openEventStore, type EventStore } from '@libs/event-store';
import type { LifecycleService } from '@libs/application';
import { WebhookStore, webhookSinkName, type RelayHost } from '@libs/relay';
import { createApp } from '../apps/service/src/app.js';
import { loadConfig, parseApiKeys } from '../apps/service/src/config.js';
import { EVENT_STORE, LIFECYCLE_SERVICE, RELAY } from '../apps/service/src/infrastructure/tokens.js';
import { child, nextMessage, pct, receiverChild, type ReceiverChild } from './relay-support.js';
import { log, throwawayDatabase } from './support.js';

export interface LiveOptions {
  amqpUrl: string;
  exchange: string;
  natsUrl: string;
  stream: string;
  subjectPrefix: string;
  writers: number;
  seconds: number;
  subscribers: number;
  /**
   * Where the relays run: `service` — inline in the service that answers the 16 writers (as
   * `npm start` runs them); `projector` — in an `apps/projector` process beside it
   * (`PROJECTOR=external`) that runs the projections too; `relay-process` — in a projector process
   * of their own (`PROJECTIONS=none`), the projections in another (`RELAYS=off`).
   */
  relaysIn: 'service' | 'projector' | 'relay-process';
}

const KEY = 'bench-relay-operator-key-0001';

export async function livePhase(o: LiveOptions): Promise<Record<string, unknown>> {
  const db = await throwawayDatabase('bench_relay_live');
  const receivers: ReceiverChild[] = [];
  try {
    // The integrator's side first: the queue is bound and the hook listens before any event.
    const brokers = await receiverChild(['brokers', o.amqpUrl, o.exchange, o.natsUrl, o.stream]);
    receivers.push(brokers);
    const hook = await receiverChild(['webhook']);
    receivers.push(hook);
    // The webhook subscription is a row the service picks up at start (as one created over HTTP).
    const seed = await openEventStore({ backend: 'postgres', databaseUrl: db.url, poolSize: 2 });
    let hookId: string;
    try {
      const store = new WebhookStore(seed.db);
      await store.init();
      hookId = (await store.create({ url: hook.ready }, '0')).id;
    } finally {
      await seed.close();
    }
    const base = loadConfig(process.env);
    const inService = o.relaysIn === 'service';
    const brokerSettings = { amqp: { url: o.amqpUrl, exchange: o.exchange }, nats: { url: o.natsUrl, stream: o.stream, subjectPrefix: o.subjectPrefix } };
    const checkpoints = inService ? undefined : await openEventStore({ backend: 'postgres', databaseUrl: db.url, poolSize: 1 });
    const projectorEnv = {
      ...process.env,
      NODE_ENV: 'development',
      EVENT_STORE: 'postgres',
      DATABASE_URL: db.url,
      PROJECTOR_PORT: '0',
      LOG_LEVEL: 'error',
      WEBHOOK_ALLOW_PRIVATE: 'true',
      RELAY_AMQP_URL: o.amqpUrl,
      RELAY_AMQP_EXCHANGE: o.exchange,
      RELAY_NATS_URL: o.natsUrl,
      RELAY_NATS_STREAM: o.stream,
      RELAY_NATS_SUBJECT_PREFIX: o.subjectPrefix,
    };
    const projectorMain = fileURLToPath(new URL('../apps/projector/src/main.js', import.meta.url));
    const spawnProjector = (env: Record<string, string>): ChildProcess => spawn(process.execPath, [projectorMain], { stdio: ['ignore', 'ignore', 'inherit'], env: { ...projectorEnv, ...env } });
    const projectors: ChildProcess[] =
      o.relaysIn === 'projector' ? [spawnProjector({ RELAYS: 'on' })] : o.relaysIn === 'relay-process' ? [spawnProjector({ RELAYS: 'off' }), spawnProjector({ RELAYS: 'on', PROJECTIONS: 'none' })] : [];
    const app = await createApp({
      eventStore: 'postgres',
      databaseUrl: db.url,
      database: { poolSize: 20, connectTimeoutMs: 5_000, queryTimeoutMs: 30_000, groupCommit: true },
      projector: inService ? 'inline' : 'external',
      scheduler: 'manual',
      apiKeys: parseApiKeys(`operator:${KEY}`),
      generatedAdminKey: undefined,
      rateLimitPerMinute: 10_000_000,
      logLevel: 'silent',
      relay: {
        ...base.relay,
        mode: inService ? 'on' : 'off',
        webhooks: { ...base.relay.webhooks, allowPrivate: true },
        brokers: brokerSettings,
      },
    });
    app.useLogger(['error', 'fatal']);
    try {
      await app.listen(0, '127.0.0.1');
      const { port } = app.getHttpServer().address() as AddressInfo;
      const lifecycle = app.get<LifecycleService>(LIFECYCLE_SERVICE, { strict: false });
      const store = app.get<EventStore>(EVENT_STORE, { strict: false });
      const relay = inService ? app.get<RelayHost>(RELAY, { strict: false }) : undefined;
      /** Whether the sink's checkpoint reached `position`: in this process, or read from the projector's checkpoint. */
      const reached = async (sink: string, position: string, timeoutMs: number): Promise<boolean> => {
        if (relay) return relay.engine.waitFor(sink, position, timeoutMs);
        for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((r) => setTimeout(r, 50))) {
          if (BigInt(await readCheckpoint(checkpoints!.db, sink)) >= BigInt(position)) return true;
        }
        return false;
      };
      const sinks = ['relay:amqp', 'relay:nats', webhookSinkName(hookId)];
      const actor = { actor: { id: 'bench', role: 'operator', roles: ['operator'] } };
      const ids = Array.from({ length: o.subscribers }, (_, i) => `live-${i}`);
      for (let i = 0; i < ids.length; i += 16) {
        await Promise.all(
          ids.slice(i, i + 16).map(async (id) => {
            await lifecycle.execute({ type: 'EnrollSubscriber', data: { subscriberId: id, name: `Live ${id}`, segment: 'b2c', plan: { code: 'bench', monthlyFee: 30000, currency: 'USD' }, salesRepId: 'rep-bench', qualification: { needsService: true, valuesService: true, canPay: true }, at: '2026-01-01T00:00:00Z' } }, actor);
            await lifecycle.execute({ type: 'IssueInvoice', data: { subscriberId: id, invoiceId: 'big', period: '2026-01', amount: 900_000_000_000, dueDate: '2099-12-31', at: '2026-01-01T00:00:01Z' } }, actor);
          }),
        );
      }
      // The relays at the head before the clock starts: only live events are timed.
      const setupHead = await store.headPosition();
      for (const s of sinks) if (!(await reached(s, setupHead, 120_000))) throw new Error(`${s} did not reach the set-up head`);
      const since = Date.now();
      for (const r of receivers) r.live(since);
      const writers = child('relay-writers', [`http://127.0.0.1:${port}`, KEY, String(o.seconds), String(o.writers), ids.join(',')]);
      const w = await nextMessage<{ writes: number; errors: number; p50Ms: number; p99Ms: number }>(writers);
      const head = await store.headPosition();
      for (const s of sinks) if (!(await reached(s, head, 120_000))) throw new Error(`${s} did not reach the live head`);
      await new Promise((r) => setTimeout(r, 1_000)); // a confirmed message still travels to the consumer
      const b = await brokers.report();
      const h = await hook.report();
      const out: Record<string, unknown> = { liveWriters: o.writers, liveCommands: w.writes, liveCommandsPerSecond: Math.round(w.writes / o.seconds), liveCommandErrors: w.errors, liveCommandP50Ms: w.p50Ms, liveCommandP99Ms: w.p99Ms };
      log(`live, relays in the ${o.relaysIn}: ${o.writers} HTTP writers (child process) → createApp: ${Math.round(w.writes / o.seconds)} commands/s, ack p50 ${w.p50Ms} ms p99 ${w.p99Ms} ms, errors ${w.errors}`);
      for (const [label, delays] of [['amqp', b.delays.amqp], ['nats', b.delays.nats], ['webhook', h.delays.webhook]] as const) {
        out[`${label}LiveEvents`] = delays.length;
        out[`${label}LiveP50Ms`] = pct(delays, 50);
        out[`${label}LiveP99Ms`] = pct(delays, 99);
        log(`live ${label} (relays in the ${o.relaysIn}): ${delays.length} events, recordedAt → consumer received p50 ${pct(delays, 50)} ms, p99 ${pct(delays, 99)} ms`);
      }
      // What one ordered subscription can take: one POST at a time, so at most 1000 / (mean round
      // trip in ms) events/s. The sink's own attempt log times each POST from send to answer.
      const attempts = await openEventStore({ backend: 'postgres', databaseUrl: db.url, poolSize: 1 });
      try {
        const { rows } = await attempts.db.query<{ n: string; mean: number; p50: number; p99: number }>(
          `SELECT count(*)::text AS n, avg(latency_ms)::float AS mean, percentile_cont(0.5) WITHIN GROUP (ORDER BY latency_ms)::float AS p50,
                  percentile_cont(0.99) WITHIN GROUP (ORDER BY latency_ms)::float AS p99
             FROM app_webhook_attempts WHERE at >= $1::timestamptz`,
          [new Date(since).toISOString()],
        );
        const r = rows[0]!;
        out['webhookLivePostMeanMs'] = Math.round(r.mean * 100) / 100;
        out['webhookLivePostP50Ms'] = r.p50;
        out['webhookLivePostP99Ms'] = r.p99;
        log(`live webhook POST round trip (relays in the ${o.relaysIn}, sink's attempt log, ${r.n} attempts): mean ${r.mean.toFixed(2)} ms, p50 ${r.p50} ms, p99 ${r.p99} ms → one subscription at most ~${Math.round(1000 / Math.max(r.mean, 0.01))} events/s against ${Math.round(w.writes / o.seconds)} offered`);
      } finally {
        await attempts.close();
      }
      return out;
    } finally {
      await app.close();
      for (const projector of projectors) {
        projector.kill('SIGTERM');
        if (projector.exitCode === null) await new Promise((r) => projector.once('exit', r));
      }
      await checkpoints?.close();
    }
  } finally {
    for (const r of receivers) await r.stop();
    await db.drop();
  }
}
