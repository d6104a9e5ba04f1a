/**
 * bench:api — the HTTP command path end to end (autocannon → Express → guard → validation →
 * CommandBus → LifecycleApplication → event store, projections and policies inline), against the
 * store's own append throughput on the same database, on PostgreSQL and on PGlite (the embedded
 * default) in one run. Prints a table, then as its last line one JSON object.
 * Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:api [-- --store both|postgres|pglite --group-commit on|off|both --seconds 5 --subscribers 200 --history 10000]
 */
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { Logger } from '@nestjs/common';
import type { LifecycleService } from '@libs/application';
import { openEventStore, type EventStore } from '@libs/event-store';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../apps/service/src/app.js';
import { parseApiKeys } from '../apps/service/src/config.js';
import { EVENT_STORE, LIFECYCLE_SERVICE } from '../apps/service/src/infrastructure/tokens.js';
import { arg, log, throwawayDatabase } from './support.js';

/** A `--name a|b|both` argument (default `fallback`): both sides of a ratio come from one run. */
function choiceArg<T extends string>(name: string, choices: readonly T[], fallback: T | 'both'): T | 'both' {
  const args = process.argv.slice(2);
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? args[i + 1] : fallback;
  if (v !== 'both' && !choices.includes(v as T)) throw new Error(`--${name} must be ${choices.join(', ')} or both, not ${v}`);
  return v as T | 'both';
}

/** `--store postgres|pglite|both` (default both: the PGlite ÷ PostgreSQL ratio comes from one run). */
const STORE = choiceArg('store', ['postgres', 'pglite'] as const, 'both');
/**
 * `--group-commit on|off|both` (default on, as the service runs): `both` runs PostgreSQL twice,
 * with and without group commit, so the two figures share one machine state.
 */
const GROUP_COMMIT = choiceArg('group-commit', ['on', 'off'] as const, 'on');
const SECONDS = arg('seconds', 5);
const SUBSCRIBERS = arg('subscribers', 200);
const HISTORY = arg('history', 10_000);
/** `--connections 1,16,64` (16 is always included: the ratios are taken there). */
const CONNECTIONS = [...new Set([16, ...(process.argv.includes('--connections') ? process.argv[process.argv.indexOf('--connections') + 1]!.split(',').map(Number) : [1, 64])])].sort((a, b) => a - b);
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
async function storeAppends(store: EventStore, workers: number, label: string): Promise<number> {
  let count = 0;
  const end = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let i = 0; Date.now() < end; i++) {
        await store.append(`benchstore-${label}-${w}-${i}`, [{ type: 'BenchAppended', data: { w, i }, occurredAt: new Date().toISOString() }], { expectedVersion: 'no_stream' });
        count++;
      }
    }),
  );
  return count / SECONDS;
}

type Backend = 'postgres' | 'pglite';

/** The whole run on one backend: the service with its projections and policies inline, as `npm start` runs it. */
async function runBackend(backend: Backend, groupCommit: boolean): Promise<Record<string, unknown> & { c16: number; storeAt16: number }> {
  const label = groupCommit ? backend : `${backend}, group commit off`;
  const pg = backend === 'postgres' ? await throwawayDatabase('bench_api') : undefined;
  const dataDir = backend === 'pglite' ? await mkdtemp(join(tmpdir(), 'bench-api-')) : undefined;
  const app = await createApp({
    eventStore: backend,
    databaseUrl: pg?.url,
    dataDir,
    database: { poolSize: 10, connectTimeoutMs: 5_000, queryTimeoutMs: 30_000, groupCommit },
    projector: 'inline',
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

    log(`[${label}] setup: ${SUBSCRIBERS} subscribers with an open invoice, one with ${HISTORY} events, one fresh`);
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
      log(`[${label}] POST payments, ${SUBSCRIBERS} subscribers, ${String(c).padStart(2)} connections: ${spread[c]!.rps.toFixed(0).padStart(6)} cmd/s  p50 ${spread[c]!.p50} ms  p99 ${spread[c]!.p99} ms  errors ${spread[c]!.errors}`);
    }
    const fresh = await payments(base, 16, ['fresh']);
    const history = await payments(base, 16, ['history']);
    log(`[${label}] POST payments, one fresh subscriber, 16 connections:           ${fresh.rps.toFixed(0).padStart(6)} cmd/s  p50 ${fresh.p50} ms  p99 ${fresh.p99} ms`);
    log(`[${label}] POST payments, one subscriber with ${HISTORY} events, 16 conn.: ${history.rps.toFixed(0).padStart(6)} cmd/s  p50 ${history.p50} ms  p99 ${history.p99} ms`);
    // PostgreSQL: a store of its own on the same database; PGlite has one session per directory,
    // so the service's own store (its projections and policies still following).
    let storeAt16: number;
    if (pg) {
      const opened = await openEventStore({ backend: 'postgres', databaseUrl: pg.url, groupCommit });
      try {
        storeAt16 = await storeAppends(opened.store, 16, backend);
      } finally {
        await opened.close();
      }
    } else {
      storeAt16 = await storeAppends(app.get<EventStore>(EVENT_STORE, { strict: false }), 16, backend);
    }
    log(`[${label}] store.append (1 event, new stream), 16 concurrent:            ${storeAt16.toFixed(0).padStart(6)} appends/s`);
    return {
      commandsPerSecond: Object.fromEntries(CONNECTIONS.map((c) => [`c${c}`, Math.round(spread[c]!.rps)])),
      p50Ms: Object.fromEntries(CONNECTIONS.map((c) => [`c${c}`, spread[c]!.p50])),
      p99Ms: Object.fromEntries(CONNECTIONS.map((c) => [`c${c}`, spread[c]!.p99])),
      errors: CONNECTIONS.reduce((sum, c) => sum + spread[c]!.errors, 0) + fresh.errors + history.errors,
      freshRps: Math.round(fresh.rps),
      historyRps: Math.round(history.rps),
      historyRatio: Math.round((fresh.rps / Math.max(history.rps, 1)) * 100) / 100,
      storeAppendsPerSecondAt16: Math.round(storeAt16),
      apiVsStoreAt16: Math.round((spread[16]!.rps / Math.max(storeAt16, 1)) * 100) / 100,
      c16: spread[16]!.rps,
      storeAt16,
    };
  } finally {
    await app.close();
    await pg?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const backends: Backend[] = STORE === 'both' ? ['postgres', 'pglite'] : [STORE];
  const results: Partial<Record<Backend | 'postgresGroupCommitOff', Awaited<ReturnType<typeof runBackend>>>> = {};
  for (const b of backends) {
    if (GROUP_COMMIT !== 'off') results[b] = await runBackend(b, true);
    if (GROUP_COMMIT !== 'on' && b === 'postgres') results.postgresGroupCommitOff = await runBackend(b, false);
    if (GROUP_COMMIT === 'off' && b === 'pglite') results[b] = await runBackend(b, false);
  }
  const strip = (r?: Awaited<ReturnType<typeof runBackend>>) => {
    if (!r) return undefined;
    const { c16: _c16, storeAt16: _s, ...rest } = r;
    return rest;
  };
  const pgR = results.postgres ?? results.postgresGroupCommitOff;
  const liteR = results.pglite;
  const offR = results.postgres ? results.postgresGroupCommitOff : undefined;
  const figures = {
    bench: 'api',
    seconds: SECONDS,
    subscribers: SUBSCRIBERS,
    historyEvents: HISTORY,
    historyRatioTarget: 1.5,
    groupCommit: GROUP_COMMIT,
    ...(pgR ? { postgres: strip(pgR), apiVsStoreTarget: 0.6 } : {}),
    ...(offR ? { postgresGroupCommitOff: strip(offR), postgresGroupCommitOnVsOffAt16: Math.round((pgR!.c16 / Math.max(offR.c16, 1)) * 100) / 100 } : {}),
    ...(liteR ? { pglite: strip(liteR) } : {}),
    ...(pgR && liteR ? { pgliteVsPostgresAt16: Math.round((liteR.c16 / Math.max(pgR.c16, 1)) * 100) / 100, pgliteVsPostgresTarget: 0.5 } : {}),
  };
  if (pgR && liteR) log(`PGlite ÷ PostgreSQL, commands/s at 16 connections: ${figures.pgliteVsPostgresAt16}`);
  log(JSON.stringify(figures));
}

main().catch((error: unknown) => {
  new Logger('bench:api').error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
