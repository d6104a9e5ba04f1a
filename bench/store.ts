/**
 * bench:store — the event store against a bare table on the same PostgreSQL, in one run.
 * Prints a table, then as its last line one JSON object (see BENCHMARKS.md).
 * Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:store [-- --seconds 5]
 */
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { openEventStore, SqlEventStore, ZERO_HASH, type EventStore, type NewEvent } from '@libs/event-store';
import { type SqlDatabase } from '@libs/sql';
import { arg, BENCH_DATABASE_URL, log, throwawayDatabase } from './support.js';

const SECONDS = arg('seconds', 3);
const ROUNDS = arg('rounds', 3);
const CATCH_UP_EVENTS = arg('events', 200_000);
const CONCURRENCY = [1, 8, 32];
/** `--group-commit 0` measures the store with one statement per append (EVENT_STORE_GROUP_COMMIT=off). */
const GROUP_COMMIT = arg('group-commit', 1) !== 0;
/** `--groups-in-flight N`; 0 (default) leaves the store's own default. */
const GROUPS_IN_FLIGHT = arg('groups-in-flight', 0) || undefined;
/** `--spill-at N`: appends waiting before a further group starts; 0 (default) leaves the store's default (a full group). */
const SPILL_AT = arg('spill-at', 0) || undefined;


function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function sampleData(i: number) {
  return { subscriberId: `s-${i}`, invoiceId: randomUUID(), amount: 30000 + (i % 100), currency: 'EUR', note: 'benchmark payload of a typical size' };
}

/** Runs `op` from `workers` loops for `seconds`; returns ops/s and latency percentiles. */
async function load(workers: number, seconds: number, op: (worker: number, n: number) => Promise<void>) {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  let count = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (let n = 0; performance.now() < deadline; n++) {
        const t = performance.now();
        await op(w, n);
        latencies.push(performance.now() - t);
        count++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSec: count / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function main(): Promise<void> {
  const { url, drop } = await throwawayDatabase('cl_bench');
  const results: Record<string, unknown> = {};
  try {
    log(`bench:store on ${new URL(BENCH_DATABASE_URL).host}, ${ROUNDS} interleaved rounds of ${SECONDS}s per measurement (medians), node ${process.version}`);
    log();
    log(`group commit ${GROUP_COMMIT ? `on, ${GROUPS_IN_FLIGHT ?? 'default'} group(s) in flight, spill at ${SPILL_AT ?? 'default'}` : 'off'}`);
    log('writers | bare INSERT/s | append/s | ratio | append p50 ms | append p99 ms | SQL-only ratio | appends per commit (largest)');
    log('------- | ------------- | -------- | ----- | ------------- | ------------- | -------------- | ----------------------------');
    const appendVsInsert: Record<string, number> = {};
    const appendPerSec: Record<string, number> = {};
    const p99Ms: Record<string, number> = {};
    const sqlOnlyVsInsert: Record<string, number> = {};
    const groupSizes: Record<string, { mean: number; largest: number }> = {};
    for (const writers of CONCURRENCY) {
      const opened = await openEventStore({ backend: 'postgres', databaseUrl: url, poolSize: writers, groupCommit: GROUP_COMMIT, groupsInFlight: GROUPS_IN_FLIGHT, groupSpillAt: SPILL_AT });
      const pool = (opened.db as SqlDatabase & { pool: pg.Pool }).pool;
      // The baseline: same row shape, same pool, a bare table with its primary key.
      await pool.query(`DROP TABLE IF EXISTS bare_events`);
      await pool.query(`CREATE TABLE bare_events (
        global_position bigint GENERATED ALWAYS AS IDENTITY, stream_id text NOT NULL, version bigint NOT NULL,
        event_id uuid NOT NULL, type text NOT NULL, data jsonb NOT NULL, metadata jsonb NOT NULL,
        occurred_at timestamptz NOT NULL, PRIMARY KEY (stream_id, version))`);
      const occurredAt = new Date().toISOString();
      // Same shape as the store's metadata, hash chain included.
      const bareMetadata = { actor: 'bench', recordedAt: occurredAt, schemaVersion: 1, prevHash: '0'.repeat(64), hash: 'f'.repeat(64) };
      const store: EventStore = opened.store;
      // Interleaved rounds, medians: this machine's throughput drifts by tens of percent from
      // one measurement to the next, so a ratio is only fair between neighbouring runs.
      type Run = Awaited<ReturnType<typeof load>>;
      const rounds: Array<{ bare: Run; ours: Run; sqlOnly: Run }> = [];
      for (let round = 0; round < ROUNDS; round++) {
        const bare = await load(writers, SECONDS, async (w, n) => {
          // A named prepared statement, as the store's own hot statements are.
          await pool.query({
            name: 'bare_insert',
            text: `INSERT INTO bare_events (stream_id, version, event_id, type, data, metadata, occurred_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            values: [`bare-${round}-${w}-${n % 50}`, Math.floor(n / 50), randomUUID(), 'PaymentReceived', sampleData(n), bareMetadata, occurredAt],
          });
        });
        const ours = await load(writers, SECONDS, async (w, n) => {
          const event: NewEvent = { type: 'PaymentReceived', data: sampleData(n), occurredAt, metadata: { actor: 'bench' } };
          const expectedVersion = n < 50 ? 'no_stream' : Math.floor(n / 50) - 1;
          await store.append(`subscriber-${writers}-${round}-${w}-${n % 50}`, [event], { expectedVersion });
        });
        // The same append function fed precomputed payloads: what the database side costs
        // without the store's own JavaScript (validation, hashing, serialisation).
        const heads = new Map<string, { version: number; hash: string }>();
        const sqlOnly = await load(writers, SECONDS, async (w, n) => {
          const stream = `sqlonly-${writers}-${round}-${w}-${n % 50}`;
          const head = heads.get(stream) ?? { version: -1, hash: ZERO_HASH };
          const metadata = { ...bareMetadata, prevHash: head.hash };
          const { rows } = await pool.query({
            name: 'sql_only_append',
            text: 'SELECT * FROM cl_append_one($1, $2, $3, $4, $5, $6, $7, $8)',
            values: [stream, head.version, head.hash, randomUUID(), 'PaymentReceived', JSON.stringify(sampleData(n)), JSON.stringify(metadata), occurredAt],
          });
          if (rows[0].outcome !== 'ok') throw new Error(`sql-only append: ${rows[0].outcome}`);
          heads.set(stream, { version: head.version + 1, hash: rows[0].out_hash });
        });
        rounds.push({ bare, ours, sqlOnly });
      }
      const med = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
      const bare = { perSec: med(rounds.map((r) => r.bare.perSec)) };
      const ours = { perSec: med(rounds.map((r) => r.ours.perSec)), p50: med(rounds.map((r) => r.ours.p50)), p99: med(rounds.map((r) => r.ours.p99)) };
      const ratio = med(rounds.map((r) => r.ours.perSec / r.bare.perSec));
      const sqlRatio = med(rounds.map((r) => r.sqlOnly.perSec / r.bare.perSec));
      sqlOnlyVsInsert[String(writers)] = round(sqlRatio, 3);
      appendVsInsert[String(writers)] = round(ratio, 3);
      appendPerSec[String(writers)] = Math.round(ours.perSec);
      p99Ms[String(writers)] = round(ours.p99, 2);
      const stats = (store as SqlEventStore).groupCommitStats?.();
      const sizes = stats ? { mean: round(stats.appends / Math.max(1, stats.commits), 2), largest: stats.largest } : { mean: 1, largest: 1 };
      groupSizes[String(writers)] = sizes;
      log(`${String(writers).padStart(7)} | ${fmt(bare.perSec).padStart(13)} | ${fmt(ours.perSec).padStart(8)} | ${ratio.toFixed(2).padStart(5)} | ${ours.p50.toFixed(2).padStart(13)} | ${ours.p99.toFixed(2).padStart(13)} | ${sqlRatio.toFixed(2).padStart(14)} | ${`${sizes.mean} (${sizes.largest})`.padStart(28)}`);
      await opened.close();
    }

    const opened = await openEventStore({ backend: 'postgres', databaseUrl: url, poolSize: 8, groupCommit: GROUP_COMMIT });
    const { store, db } = opened;

    // readStream of 1000 events (median of 7).
    const stream = `subscriber-read-${randomUUID()}`;
    for (let i = 0; i < 10; i++) {
      await store.append(stream, Array.from({ length: 100 }, (_, k) => ({ type: 'PaymentReceived', data: sampleData(i * 100 + k), occurredAt: new Date().toISOString() })));
    }
    const readTimes: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = performance.now();
      const events = await store.readStream(stream);
      readTimes.push(performance.now() - t);
      if (events.length !== 1000) throw new Error(`read ${events.length} events`);
    }
    readTimes.sort((a, b) => a - b);
    const readStream1000Ms = round(readTimes[3], 2);
    log();
    log(`readStream of 1,000 events: ${readStream1000Ms} ms (median of 7)`);

    // Fill the log for the catch-up measurement: batches of 100 from 8 writers.
    const headBefore = await store.headPosition();
    const batches = Math.ceil(CATCH_UP_EVENTS / 100);
    const fillStart = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        for (let b = next++; b < batches; b = next++) {
          await store.append(
            `subscriber-fill-${b % 5000}`,
            Array.from({ length: 100 }, (_, k) => ({ type: k % 10 === 0 ? 'InvoiceIssued' : 'PaymentReceived', data: sampleData(b * 100 + k), occurredAt: new Date().toISOString() })),
          );
        }
      }),
    );
    const fillPerSec = (batches * 100) / ((performance.now() - fillStart) / 1000);
    log(`append in batches of 100, 8 writers: ${fmt(fillPerSec)} events/s`);

    // Catch-up: a named subscription folding into a trivial read model, one transaction per batch.
    await db.query(`CREATE TABLE bench_counts (type text PRIMARY KEY, n bigint NOT NULL)`);
    const total = batches * 100;
    let handled = 0;
    const catchStart = performance.now();
    await new Promise<void>((resolve, reject) => {
      const sub = store.subscribe({
        name: 'bench-catch-up',
        after: headBefore,
        batchSize: 1000,
        streamPrefix: 'subscriber-fill-',
        onError: reject,
        handler: async (events, tx) => {
          const counts = new Map<string, number>();
          for (const e of events) counts.set(e.type, (counts.get(e.type) ?? 0) + 1);
          await tx.query(
            `INSERT INTO bench_counts (type, n) SELECT * FROM unnest($1::text[], $2::bigint[])
             ON CONFLICT (type) DO UPDATE SET n = bench_counts.n + EXCLUDED.n`,
            [[...counts.keys()], [...counts.values()]],
          );
          handled += events.length;
          if (handled >= total) void sub.stop().then(resolve, reject);
        },
      });
    });
    const catchUpPerSec = total / ((performance.now() - catchStart) / 1000);
    const { rows } = await db.query<{ n: string }>(`SELECT sum(n)::text AS n FROM bench_counts`);
    if (Number(rows[0].n) !== total) throw new Error(`read model counted ${rows[0].n}, expected ${total}`);
    log(`catch-up of ${fmt(total)} events into a read model + checkpoint per batch: ${fmt(catchUpPerSec)} events/s`);
    await opened.close();

    Object.assign(results, { groupCommit: GROUP_COMMIT, appendVsInsert, sqlOnlyVsInsert, groupSizes, appendPerSec, p99Ms, readStream1000Ms, catchUpPerSec: Math.round(catchUpPerSec), batchAppendPerSec: Math.round(fillPerSec) });
  } finally {
    await drop();
  }
  log();
  log(JSON.stringify(results));
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function round(n: number, digits: number): number {
  return Number(n.toFixed(digits));
}

main().catch((error) => {
  process.stderr.write(`${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
