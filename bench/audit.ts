/**
 * bench:audit — what auditors and subscribing services wait for, through the HTTP service:
 *   1. the history of a subscriber with 10,000 events (JSON and JSON Lines): time to first and last
 *      byte, bytes, peak RSS of the process while it streams;
 *   2. state as of an instant over those 10,000 events (`GET /v1/subscribers/:id?asOf=`, or
 *      `stateAsOf` of @libs/audit when that route is not served);
 *   3. SSE feed throughput: events/s from position 0 to 1 reader and to 10 readers at once.
 * PostgreSQL when DATABASE_URL is set (a throw-away database on that server), else in-memory PGlite.
 * Server and readers share this process (and its cores). Prints a table; the last line is one JSON object.
 * Usage: [DATABASE_URL=postgres://postgres@127.0.0.1:5432/test] npm run bench:audit [-- --events 10000]
 * `-- --evidence`: checkpoint signing and verify --all --checkpoint at scale instead (bench/audit-evidence.ts).
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { aggregateOfStream, stateAsOf } from '@libs/audit';
import type { EventStore, NewEvent } from '@libs/event-store';
import { createApp } from '../apps/service/src/app.js';
import { keyId, loadConfig, type ServiceConfig } from '../apps/service/src/config.js';
import { EVENT_STORE } from '../apps/service/src/infrastructure/tokens.js';
import { runEvidenceBench } from './audit-evidence.js';
import { arg, log, throwawayDatabase } from './support.js';

const EVENTS = arg('events', 10_000);
const ROUNDS = arg('rounds', 3);
const KEY = 'bench-audit-key-0001';

function event(subscriberId: string, n: number): NewEvent {
  const at = new Date(Date.UTC(2020, 0, 1) + n * 60_000).toISOString();
  if (n === 0) {
    return {
      type: 'SubscriberEnrolled',
      data: {
        subscriberId,
        occurredAt: at,
        name: 'Alarmas Pérez',
        segment: 'b2b',
        plan: { code: 'alarm-pro', monthlyFee: 45000, currency: 'EUR' },
        salesRepId: 'rep-1',
        qualification: { needsService: true, valuesService: true, canPay: true },
      },
      occurredAt: at,
      metadata: { actor: 'bench', role: 'operator', schemaVersion: 1 },
    };
  }
  return n % 2 === 0
    ? { type: 'ComplaintLogged', data: { subscriberId, occurredAt: at, category: 'false_alarm', description: `complaint ${n} about the panel beeping` }, occurredAt: at, metadata: { actor: 'bench', role: 'operator', schemaVersion: 1 } }
    : { type: 'CostToServeRecorded', data: { subscriberId, occurredAt: at, kind: 'support_time', amount: 1500, minutes: 20 }, occurredAt: at, metadata: { actor: 'bench', role: 'operator', schemaVersion: 1 } };
}

interface Transfer {
  status: number;
  firstByteMs: number;
  lastByteMs: number;
  bytes: number;
  peakRssMb: number;
}

/** GETs a URL, consuming the body as it comes; samples RSS while it runs. */
function timedGet(url: string, headers: Record<string, string>): Promise<Transfer> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let firstByteMs = 0;
    let bytes = 0;
    let peak = process.memoryUsage.rss();
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
    const req = httpRequest(url, { headers }, (res) => {
      res.on('data', (chunk: Buffer) => {
        if (bytes === 0) firstByteMs = performance.now() - started;
        bytes += chunk.length;
      });
      res.on('end', () => {
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage.rss());
        resolve({ status: res.statusCode ?? 0, firstByteMs, lastByteMs: performance.now() - started, bytes, peakRssMb: peak / 2 ** 20 });
      });
      res.on('error', reject);
    });
    req.on('error', (error) => {
      clearInterval(sampler);
      reject(error);
    });
    req.end();
  });
}

/** Reads the SSE feed from the start until `count` events arrived; returns the elapsed ms. */
async function readFeed(base: string, count: number): Promise<number> {
  const started = performance.now();
  const controller = new AbortController();
  const res = await fetch(`${base}/v1/events/stream`, { headers: { Authorization: `Bearer ${KEY}` }, signal: controller.signal });
  if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
  const decoder = new TextDecoder();
  let seen = 0;
  let tail = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    const text = tail + decoder.decode(chunk, { stream: true });
    const frames = text.split('\n\n');
    tail = frames.pop() ?? '';
    for (const frame of frames) if (frame.startsWith('id: ')) seen++;
    if (seen >= count) break;
  }
  const elapsed = performance.now() - started;
  controller.abort();
  return elapsed;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;

async function main(): Promise<void> {
  if (process.argv.includes('--evidence')) return runEvidenceBench();
  const baseUrl = process.env['DATABASE_URL'];
  let dropDatabase: (() => Promise<void>) | undefined;
  let databaseUrl: string | undefined;
  if (baseUrl) {
    const db = await throwawayDatabase('bench_audit', baseUrl);
    databaseUrl = db.url;
    dropDatabase = db.drop;
  }
  const backend = databaseUrl ? 'postgres' : 'pglite';
  const config: ServiceConfig = {
    ...loadConfig({ NODE_ENV: 'production', API_KEYS: `auditor:${KEY},service:${KEY}`, SCHEDULER: 'manual' }),
    eventStore: backend,
    databaseUrl,
    dataDir: undefined,
    logLevel: 'silent',
    apiKeys: [{ id: keyId(KEY), key: KEY, roles: ['auditor', 'service', 'operator'] }],
  };
  const app = await createApp(config);
  try {
    await app.listen(0, '127.0.0.1');
    const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const store = app.get<EventStore>(EVENT_STORE);
    const subscriberId = `bench-${randomBytes(3).toString('hex')}`;
    const streamId = `subscriber-${subscriberId}`;
    const seedStarted = performance.now();
    for (let from = 0; from < EVENTS; from += 500) {
      await store.append(streamId, Array.from({ length: Math.min(500, EVENTS - from) }, (_, i) => event(subscriberId, from + i)));
    }
    log(`client-lifecycle bench:audit — ${backend}, one subscriber with ${EVENTS} events (seeded in ${round((performance.now() - seedStarted) / 1000)} s)`);
    log();

    const auth = { Authorization: `Bearer ${KEY}` };
    const history: Record<string, Transfer> = {};
    for (const [format, accept] of [['json', 'application/json'], ['ndjson', 'application/x-ndjson']] as const) {
      const runs: Transfer[] = [];
      for (let r = 0; r < ROUNDS; r++) runs.push(await timedGet(`${base}/v1/subscribers/${subscriberId}/history`, { ...auth, Accept: accept }));
      if (runs.some((t) => t.status !== 200)) throw new Error(`history answered ${runs.map((t) => t.status).join(',')}`);
      history[format] = {
        status: 200,
        firstByteMs: round(median(runs.map((t) => t.firstByteMs))),
        lastByteMs: round(median(runs.map((t) => t.lastByteMs))),
        bytes: runs[0]!.bytes,
        peakRssMb: round(Math.max(...runs.map((t) => t.peakRssMb))),
      };
    }
    log('history                first byte   last byte      bytes   peak RSS');
    for (const [format, t] of Object.entries(history)) {
      log(`  ${format.padEnd(20)} ${`${t.firstByteMs} ms`.padStart(10)} ${`${t.lastByteMs} ms`.padStart(11)} ${String(t.bytes).padStart(10)} ${`${t.peakRssMb} MB`.padStart(10)}`);
    }

    // Folding everything: the instant of the last event.
    const asOf = new Date(Date.UTC(2020, 0, 1) + (EVENTS - 1) * 60_000).toISOString();
    const asOfRuns: number[] = [];
    let asOfVia = 'GET /v1/subscribers/:id?asOf=';
    for (let r = 0; r < ROUNDS; r++) {
      const t = await timedGet(`${base}/v1/subscribers/${subscriberId}?asOf=${encodeURIComponent(asOf)}`, auth);
      if (t.status !== 200) {
        asOfVia = 'stateAsOf (@libs/audit; the HTTP route is not served yet)';
        break;
      }
      asOfRuns.push(t.lastByteMs);
    }
    if (asOfVia.startsWith('stateAsOf')) {
      asOfRuns.length = 0;
      const aggregate = aggregateOfStream(streamId)!;
      for (let r = 0; r < ROUNDS; r++) {
        const started = performance.now();
        const folded = await stateAsOf(store, streamId, aggregate.folder, { asOf });
        asOfRuns.push(performance.now() - started);
        if (folded.events !== EVENTS) throw new Error(`folded ${folded.events} events, expected ${EVENTS}`);
      }
    }
    const stateAsOfMs = round(median(asOfRuns));
    log();
    log(`state as of (${EVENTS} events folded) via ${asOfVia}: ${stateAsOfMs} ms`);

    const head = await store.readAll({ limit: 10_000 });
    let total = head.events.length;
    for (let after = head.last; ; ) {
      const page = await store.readAll({ after, limit: 10_000 });
      if (page.last === after) break;
      total += page.events.length;
      after = page.last;
    }
    const feed: Record<string, { readers: number; seconds: number; eventsPerSecond: number }> = {};
    log();
    log(`SSE feed from position 0 (${total} events)   seconds   events/s delivered`);
    for (const readers of [1, 10]) {
      const started = performance.now();
      await Promise.all(Array.from({ length: readers }, () => readFeed(base, total)));
      const seconds = (performance.now() - started) / 1000;
      feed[`readers${readers}`] = { readers, seconds: round(seconds, 2), eventsPerSecond: Math.round((total * readers) / seconds) };
      log(`  ${String(readers).padStart(2)} reader${readers > 1 ? 's' : ' '}${' '.repeat(30)}${String(round(seconds, 2)).padStart(7)}   ${String(feed[`readers${readers}`]!.eventsPerSecond).padStart(10)}`);
    }
    log();
    log(JSON.stringify({ bench: 'audit', backend, events: EVENTS, rounds: ROUNDS, history, stateAsOf: { ms: stateAsOfMs, via: asOfVia.split(' ')[0] === 'GET' ? 'http' : 'library' }, feed, node: process.version }));
  } finally {
    await app.close();
    await dropDatabase?.();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench:audit failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
