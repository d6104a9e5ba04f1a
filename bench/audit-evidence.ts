/**
 * bench:audit --evidence — the auditor's proof at scale, on the store itself (no HTTP):
 *   1. checkpoint signing over `--streams` streams (default 100,000): the first checkpoint (reads
 *      the whole log), an incremental one after 1,000 more events (heads from the previous
 *      checkpoint as stored, another process), and the Merkle root + Ed25519 signature alone;
 *   2. `verify --all --checkpoint` (the CLI's code path, stored heads loaded) over the log of
 *      `--evidence-events` events (default 1,000,000 = streams × 10): events/s and peak RSS.
 * PostgreSQL when DATABASE_URL is set (a throw-away database), else in-memory PGlite.
 * Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:audit -- --evidence [--streams 100000 --per-stream 10]
 * `--database <name>` (PostgreSQL): a kept database, seeded on the first run only (seeding 1,000,000
 * events takes minutes); later runs start from its log, clear its checkpoints so the first one is
 * first again, and add their 1,000 events to it (the log grows by 1,000 a run). `--seed-only`: stop
 * after seeding (so the seeding need not hold the bench lock together with the measurements).
 * `--cli <main.js>`: verify with another build's CLI (A/B in one run); `--keep <dir>`: leave the
 * kept checkpoint and public key there (to profile the CLI against them afterwards).
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { CheckpointLedger, generateSigningKey, Keyring, merkleRoot, signCheckpoint } from '@libs/audit';
import { openEventStore, type NewEvent } from '@libs/event-store';
import type { SqlDatabase } from '@libs/sql';
import { runAuditCli } from '../apps/audit-cli/src/cli.js';
import { arg, keptDatabase, log, stringArg, throwawayDatabase } from './support.js';

const STREAMS = arg('streams', 100_000);
const PER_STREAM = arg('per-stream', 10);
const WRITERS = arg('writers', 64);

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
const mb = (bytes: number) => round(bytes / 1024 / 1024);

function events(subscriberId: string, count: number, from = 0): NewEvent[] {
  return Array.from({ length: count }, (_, i) => {
    const at = new Date(Date.UTC(2024, 0, 1) + (from + i) * 3_600_000).toISOString();
    return {
      type: 'ComplaintLogged',
      data: { subscriberId, occurredAt: at, category: 'billing', description: `complaint ${from + i} about the invoice` },
      occurredAt: at,
      metadata: { actor: 'key-bench', role: 'operator', schemaVersion: 1, correlationId: `${subscriberId}-${from + i}` },
    };
  });
}

/** Peak RSS while `run` runs, sampled every 20 ms. */
async function withPeakRss<T>(run: () => Promise<T>): Promise<{ value: T; peakRssMb: number; ms: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const started = performance.now();
  try {
    const value = await run();
    return { value, peakRssMb: mb(Math.max(peak, process.memoryUsage().rss)), ms: performance.now() - started };
  } finally {
    clearInterval(timer);
  }
}

/** Runs the built audit CLI as a child process; its peak RSS sampled from /proc every 20 ms. */
function cliProcess(argv: string[], env: NodeJS.ProcessEnv, main = fileURLToPath(new URL('../apps/audit-cli/src/main.js', import.meta.url))): Promise<{ value: number; peakRssMb: number; ms: number; output: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [main, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    let peakKb = 0;
    const timer = setInterval(() => {
      try {
        const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0);
        peakKb = Math.max(peakKb, kb);
      } catch {
        // exited between samples
      }
    }, 20);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ value: code ?? 1, peakRssMb: round(peakKb / 1024), ms: performance.now() - started, output });
    });
  });
}

async function countEvents(db: SqlDatabase): Promise<number> {
  const { rows } = await db.query<{ n: string }>('SELECT count(*)::text AS n FROM cl_events');
  return Number(rows[0]?.n ?? 0);
}

export async function runEvidenceBench(): Promise<void> {
  const baseUrl = process.env['DATABASE_URL'];
  const kept = stringArg('database');
  if (kept && !baseUrl) throw new Error('--database needs DATABASE_URL (a PostgreSQL server)');
  const database = baseUrl ? await (kept ? keptDatabase(kept, baseUrl) : throwawayDatabase('bench_evidence', baseUrl)) : undefined;
  const backend = database ? 'postgres' : 'pglite';
  // Group commit: the writers' appends share statements and commits, so seeding 1,000,000 events takes
  // minutes, not the better part of an hour, on a loaded machine.
  const opened = await openEventStore(database ? { backend: 'postgres', databaseUrl: database.url, poolSize: 10, groupCommit: true } : { backend: 'pglite' });
  const keep = stringArg('keep');
  const dir = keep ?? (await mkdtemp(join(tmpdir(), 'bench-evidence-')));
  await mkdir(dir, { recursive: true });
  try {
    const seedStarted = performance.now();
    const already = kept ? await countEvents(opened.db) : 0;
    if (already === 0) {
      let next = 0;
      await Promise.all(
        Array.from({ length: WRITERS }, async () => {
          for (let s = next++; s < STREAMS; s = next++) await opened.store.append(`subscriber-b${s}`, events(`b${s}`, PER_STREAM));
        }),
      );
    }
    const seeded = already === 0 ? `seeded in ${round((performance.now() - seedStarted) / 1000)} s` : `kept database ${kept}, ${already} events already`;
    const total = already === 0 ? STREAMS * PER_STREAM : already;
    log(`client-lifecycle bench:audit --evidence — ${backend}, ${STREAMS} streams × ${PER_STREAM} = ${total} events (${seeded}), load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    log();
    if (process.argv.includes('--seed-only')) return;

    const { key } = generateSigningKey();
    const ledger = new CheckpointLedger(opened.store, opened.db, new Keyring(key));
    await ledger.init();
    // A kept database holds the previous runs' checkpoints: without them the first is first again.
    if (kept) await opened.db.query('TRUNCATE audit_checkpoint_heads, audit_checkpoints');
    const first = await withPeakRss(() => ledger.create());
    for (let s = 0; s < 1_000; s++) await opened.store.append(`subscriber-b${s}`, events(`b${s}`, 1, PER_STREAM));
    // Another process: it reads the previous checkpoint's heads back and checks them against its root.
    const incremental = await withPeakRss(() => new CheckpointLedger(opened.store, opened.db, new Keyring(key)).create());
    const heads = await ledger.heads(incremental.value.id);
    const signOnlyStarted = performance.now();
    const root = merkleRoot(heads);
    signCheckpoint({ position: incremental.value.checkpoint.position, at: new Date().toISOString(), streams: heads.length, headsRoot: root }, key);
    const signOnlyMs = performance.now() - signOnlyStarted;
    log(`checkpoint over ${heads.length} streams                     seconds   peak RSS`);
    log(`  first (reads the whole log)                  ${round(first.ms / 1000, 2).toString().padStart(7)} ${`${first.peakRssMb} MB`.padStart(10)}`);
    log(`  incremental (+1,000 events, another process) ${round(incremental.ms / 1000, 2).toString().padStart(7)} ${`${incremental.peakRssMb} MB`.padStart(10)}`);
    log(`  Merkle root + signature alone                ${round(signOnlyMs / 1000, 2).toString().padStart(7)}`);

    const file = join(dir, 'kept.json');
    const pem = join(dir, 'public.pem');
    await writeFile(file, JSON.stringify(incremental.value.checkpoint));
    await writeFile(pem, key.publicKeyPem);
    const argv = ['verify', '--all', '--checkpoint', file, '--public-key', pem];
    const baselineRssMb = mb(process.memoryUsage().rss);
    let out = '';
    const sink = new Writable({ write: (chunk: Buffer, _e, done) => ((out += chunk.toString()), done()) });
    // PostgreSQL: the real CLI in its own process (what an auditor runs), its RSS read from /proc.
    const verify = database
      ? await cliProcess(argv, { ...process.env, EVENT_STORE: 'postgres', DATABASE_URL: database.url, NODE_ENV: 'development', DATA_DIR: dir }, stringArg('cli'))
      : await withPeakRss(() => runAuditCli(argv, { store: opened.store, db: opened.db, stdout: sink, stderr: sink }));
    if (verify.value !== 0) throw new Error(`verify did not verify: ${out}${(verify as { output?: string }).output ?? ''}`);
    const verified = database ? await countEvents(opened.db) : total + 1_000;
    const eventsPerSecond = Math.round(verified / (verify.ms / 1000));
    log();
    log(`verify --all --checkpoint over ${verified} events: ${round(verify.ms / 1000, 2)} s, ${eventsPerSecond} events/s, peak RSS ${verify.peakRssMb} MB (${database ? 'the CLI process' : `this process, ${baselineRssMb} MB before it`})`);
    log();
    log(
      JSON.stringify({
        bench: 'audit-evidence',
        backend,
        streams: STREAMS,
        events: verified,
        checkpoint: { firstSeconds: round(first.ms / 1000, 2), incrementalSeconds: round(incremental.ms / 1000, 2), signOnlySeconds: round(signOnlyMs / 1000, 3) },
        verify: { seconds: round(verify.ms / 1000, 2), eventsPerSecond, peakRssMb: verify.peakRssMb, rssOf: database ? 'cli-process' : 'bench-process' },
        load: loadavg().map((l) => round(l, 2)),
        node: process.version,
      }),
    );
  } finally {
    await opened.close();
    await database?.drop();
    if (!keep) await rm(dir, { recursive: true, force: true });
  }
}
