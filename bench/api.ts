/**
 * bench:api — the HTTP command path end to end (autocannon → Express → guard → validation →
 * CommandBus → LifecycleApplication → PostgreSQL event store), against the store's own append
 * throughput on the same database, in one run. Prints a table, then as its last line one JSON object.
 * Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:api [-- --seconds 5 --subscribers 200 --history 10000]
 */
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { Logger } from '@nestjs/common';
import type { LifecycleService } from '@libs/application';
import { openEventStore } from '@libs/event-store';
import { createApp } from '../apps/service/src/app.js';
import { parseApiKeys } from '../apps/service/src/config.js';
import { LIFECYCLE_SERVICE } from '../apps/service/src/infrastructure/tokens.js';
import { arg, log, throwawayDatabase } from './support.js';

const SECONDS = arg('seconds', 5);
const SUBSCRIBERS = arg('subscribers', 200);
const HISTORY = arg('history', 10_000);
const CONNECTIONS = [1, 16, 64];
const KEY = 'bench-operator-key-0001';
/** Big enough that the run never pays it off: every request is a valid partial payment. */
const BIG_INVOICE = 900_000_000_000;


const enroll = (subscriberId: string) => ({
  type: 'EnrollSubscriber' as const,
  data: {
    subscriberId,
    name: `Bench ${subscriberId}`,
    segment: 'b2c' as const,
    plan: { code: 'bench', monthlyFee: 30000, currency: 'USD' },
    salesRepId: 'rep-bench',
    qualification: { needsService: true, valuesService: true, canPay: true },
    at: '2026-01-01T00:00:00Z',
  },
});
const bigInvoice = (subscriberId: string) => ({
  type: 'IssueInvoice' as const,
  data: { subscriberId, invoiceId: 'big', period: '2026-01', amount: BIG_INVOICE, dueDate: '2099-12-31', at: '2026-01-01T00:00:01Z' },
});

interface Figures {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** autocannon with each request paying 1–9 cents of the big invoice of the next subscriber in turn. */
async function payments(url: string, connections: number, ids: readonly string[]): Promise<Figures> {
  let n = 0;
  const result = await autocannon({
    url,
    connections,
    duration: SECONDS,
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          const id = ids[n++ % ids.length]!;
          return { ...req, path: `/v1/subscribers/${id}/payments`, body: JSON.stringify({ invoiceId: 'big', amount: 1 + (n % 9) }) };
        },
      },
    ],
  });
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.non2xx + result.errors + result.timeouts };
}

/** The store alone: `workers` concurrent loops of one-event appends to distinct streams. */
async function storeAppends(url: string, workers: number): Promise<number> {
  const opened = await openEventStore({ backend: 'postgres', databaseUrl: url });
  try {
    let count = 0;
    const end = Date.now() + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        for (let i = 0; Date.now() < end; i++) {
          await opened.store.append(`benchstore-${w}-${i}`, [{ type: 'BenchAppended', data: { w, i }, occurredAt: new Date().toISOString() }], { expectedVersion: 'no_stream' });
          count++;
        }
      }),
    );
    return count / SECONDS;
  } finally {
    await opened.close();
  }
}

async function main(): Promise<void> {
  const { url, drop } = await throwawayDatabase('bench_api');
  const app = await createApp({
    eventStore: 'postgres',
    databaseUrl: url,
    scheduler: 'manual',
    apiKeys: parseApiKeys(`operator:${KEY}`),
    generatedAdminKey: undefined,
    rateLimitPerMinute: 10_000_000,
    logLevel: 'silent',
  });
  app.useLogger(['error', 'fatal']);
  try {
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    const base = `http://127.0.0.1:${port}`;
    const lifecycle = app.get<LifecycleService>(LIFECYCLE_SERVICE, { strict: false });
    const actor = { actor: { id: 'bench', role: 'operator', roles: ['operator'] } };

    log(`setup: ${SUBSCRIBERS} subscribers with an open invoice, one with ${HISTORY} events, one fresh`);
    const ids = Array.from({ length: SUBSCRIBERS }, (_, i) => `bench-${i}`);
    for (let i = 0; i < ids.length; i += 16) {
      await Promise.all(ids.slice(i, i + 16).map(async (id) => {
        await lifecycle.execute(enroll(id), actor);
        await lifecycle.execute(bigInvoice(id), actor);
      }));
    }
    for (const id of ['history', 'fresh']) {
      await lifecycle.execute(enroll(id), actor);
      await lifecycle.execute(bigInvoice(id), actor);
    }
    const started = Date.now();
    for (let i = 2; i < HISTORY; i++) {
      await lifecycle.execute({ type: 'RecordPayment', data: { subscriberId: 'history', invoiceId: 'big', amount: 1, at: '2026-01-02T00:00:00Z' } }, actor);
    }
    log(`  history built in ${((Date.now() - started) / 1000).toFixed(1)} s`);

    const spread: Record<number, Figures> = {};
    for (const c of CONNECTIONS) {
      spread[c] = await payments(base, c, ids);
      log(`POST payments, ${SUBSCRIBERS} subscribers, ${String(c).padStart(2)} connections: ${spread[c]!.rps.toFixed(0).padStart(6)} cmd/s  p50 ${spread[c]!.p50} ms  p99 ${spread[c]!.p99} ms  errors ${spread[c]!.errors}`);
    }
    const fresh = await payments(base, 16, ['fresh']);
    const history = await payments(base, 16, ['history']);
    log(`POST payments, one fresh subscriber, 16 connections:           ${fresh.rps.toFixed(0).padStart(6)} cmd/s  p50 ${fresh.p50} ms  p99 ${fresh.p99} ms`);
    log(`POST payments, one subscriber with ${HISTORY} events, 16 conn.: ${history.rps.toFixed(0).padStart(6)} cmd/s  p50 ${history.p50} ms  p99 ${history.p99} ms`);
    const storeAt16 = await storeAppends(url, 16);
    log(`store.append (1 event, new stream), 16 concurrent:            ${storeAt16.toFixed(0).padStart(6)} appends/s`);

    const figures = {
      bench: 'api',
      seconds: SECONDS,
      subscribers: SUBSCRIBERS,
      commandsPerSecond: Object.fromEntries(CONNECTIONS.map((c) => [`c${c}`, Math.round(spread[c]!.rps)])),
      p50Ms: Object.fromEntries(CONNECTIONS.map((c) => [`c${c}`, spread[c]!.p50])),
      p99Ms: Object.fromEntries(CONNECTIONS.map((c) => [`c${c}`, spread[c]!.p99])),
      errors: CONNECTIONS.reduce((sum, c) => sum + spread[c]!.errors, 0) + fresh.errors + history.errors,
      historyEvents: HISTORY,
      freshRps: Math.round(fresh.rps),
      historyRps: Math.round(history.rps),
      historyRatio: Math.round((fresh.rps / Math.max(history.rps, 1)) * 100) / 100,
      historyRatioTarget: 1.5,
      storeAppendsPerSecondAt16: Math.round(storeAt16),
      apiVsStoreAt16: Math.round((spread[16]!.rps / Math.max(storeAt16, 1)) * 100) / 100,
      apiVsStoreTarget: 0.5,
    };
    log(JSON.stringify(figures));
  } finally {
    await app.close();
    await drop();
  }
}

main().catch((error: unknown) => {
  new Logger('bench:api').error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
