/**
 * Issue 12 for the projector process: its own /health and /metrics listener (PROJECTOR_PORT), and
 * it survives its database being stopped and started and every backend being terminated — the
 * process stays up, readiness fails meanwhile and recovers, the projections catch up from their
 * checkpoints — and SIGTERM stops it with exit 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { openEventStore, type OpenedEventStore } from '@libs/event-store';
import { readCheckpoint } from '@libs/sql';
import { PROJECTION_NAMES } from '@libs/projections';
import { appendHistory, randomHistory } from '../projections/history.js';
import { freePort, startPrivatePostgres, type PrivatePostgres } from '../support/private-postgres.js';

const root = resolve(process.cwd());

async function until(what: string, predicate: () => Promise<boolean> | boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await Promise.resolve().then(predicate).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('projector: health listener and database outages', () => {
  let server: PrivatePostgres;
  let child: ChildProcess;
  let exited: Promise<number | null>;
  let base: string;
  let stderr = '';
  beforeAll(async () => {
    server = await startPrivatePostgres();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['--import', resolve(root, 'test/projections/register-ts.mjs'), resolve(root, 'apps/projector/src/main.ts'), 'run'], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '', EVENT_STORE: 'postgres', DATABASE_URL: server.url, PROJECTOR_PORT: String(port), PROJECTOR_BATCH_SIZE: '50' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    exited = new Promise((done) => child.once('exit', (code) => done(code)));
  }, 60_000);
  afterAll(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    server.destroy();
  });

  const status = async (path: string) => (await fetch(`${base}${path}`, { signal: AbortSignal.timeout(10_000) })).status;

  async function caughtUp(): Promise<void> {
    const opened: OpenedEventStore = await openEventStore({ backend: 'postgres', databaseUrl: server.url, poolSize: 2 });
    try {
      const head = await opened.store.headPosition();
      await until('every projection at the head', async () => {
        for (const name of PROJECTION_NAMES) {
          const at = await readCheckpoint(opened.db, `projection:${name}`);
          if (BigInt(at) < BigInt(head)) return false;
        }
        return true;
      });
    } finally {
      await opened.close();
    }
  }

  async function append(seed: number): Promise<void> {
    const opened = await openEventStore({ backend: 'postgres', databaseUrl: server.url, poolSize: 2 });
    try {
      // Each round its own subscribers and cases (the generator numbers them s0000…, k0…).
      const own = (text: string) => text.replace(/\b([sk])(\d+)/g, `r${seed}$1$2`);
      const events = randomHistory(seed, { subscribers: 15, months: 3 }).map((e) => JSON.parse(own(JSON.stringify(e))) as typeof e);
      await appendHistory(opened.store, events);
    } finally {
      await opened.close();
    }
  }

  it('answers /health/live, /health/ready and /metrics', async () => {
    await until('the projector ready', async () => (await status('/health/ready')) === 200);
    expect(await status('/health/live')).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/client_lifecycle_projection_lag_events\{projection="subscribers"\} \d+/);
    expect(metrics).toMatch(/client_lifecycle_projection_leader\{projection="subscribers"\} 1/);
  }, 90_000);

  it('the database stopped and started: still running, not ready meanwhile, catches up after', async () => {
    await append(1);
    server.stop();
    await until('not ready during the outage', async () => (await status('/health/ready')) === 503);
    expect(await status('/health/live')).toBe(200);
    server.start();
    await until('ready after the outage', async () => (await status('/health/ready')) === 200);
    await append(2);
    await caughtUp();
    expect(child.exitCode).toBeNull();
  }, 120_000);

  it('every backend terminated: still running, projections catch up, SIGTERM exits 0', async () => {
    await append(3);
    expect(await server.terminateBackends()).toBeGreaterThan(0);
    await append(4);
    await caughtUp();
    await until('ready after the terminations', async () => (await status('/health/ready')) === 200);
    expect(child.exitCode).toBeNull();
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stderr).not.toMatch(/Unhandled|uncaught/i);
  }, 120_000);
});
