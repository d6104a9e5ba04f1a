/**
 * Crash test: the projector (apps/projector, a real child process on PostgreSQL) is killed with
 * SIGKILL in the middle of its work, restarted, and must end with exactly the rows of an
 * uninterrupted run (a rebuild from zero in this process). Also: two projectors at once share
 * the work (one holder per projection) and the survivor takes over when the other dies.
 */
import { jest } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { readCheckpoint } from '@libs/sql';
import { PROJECTION_LOCK_CLASS, PROJECTION_NAMES, ProjectionEngine } from '@libs/projections';
import { appendHistory, randomHistory } from './history.js';
import { dumpReadModels, openTestStore } from './support.js';
import { settledHead } from '../support/settled-head.js';

jest.setTimeout(180_000);

const root = resolve(process.cwd());

function projector(url: string, batchSize: number): ChildProcess {
  return spawn(process.execPath, ['--import', resolve(root, 'test/projections/register-ts.mjs'), resolve(root, 'apps/projector/src/main.ts'), 'run'], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', EVENT_STORE: 'postgres', DATABASE_URL: url, PROJECTOR_BATCH_SIZE: String(batchSize), PROJECTOR_PORT: '0' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await sleep(50);
  }
}

it('a projector killed with SIGKILL mid-batch and restarted ends with the rows of an uninterrupted run', async () => {
  const opened = await openTestStore();
  const children: ChildProcess[] = [];
  try {
    await appendHistory(opened.store, randomHistory(5, { subscribers: 120, months: 12 }));
    const head = await settledHead(opened.store);
    const checkpoints = () => Promise.all(PROJECTION_NAMES.map((n) => readCheckpoint(opened.db, `projection:${n}`)));

    // Small batches: the kill lands while the projections are busy.
    const first = projector(opened.url, 20);
    children.push(first);
    await until(async () => (await checkpoints()).some((c) => c !== '0'), 60_000);
    first.kill('SIGKILL');
    await new Promise((r) => first.once('exit', r));
    const atKill = await checkpoints();
    expect(atKill.some((c) => BigInt(c) < BigInt(head))).toBe(true);

    // Two projectors: one holds the projections, the other stands by; the holder dies and the
    // standby takes over. The kill waits for the holder's locks rather than for a fixed time.
    const holders = async () =>
      Number(
        (
          await opened.db.query<{ n: string }>(
            `SELECT count(DISTINCT pid) AS n FROM pg_locks WHERE locktype = 'advisory' AND classid::bigint = $1 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
            [PROJECTION_LOCK_CLASS],
          )
        ).rows[0]?.n ?? 0,
      );
    const a = projector(opened.url, 50);
    children.push(a);
    await until(async () => (await holders()) >= 1, 60_000);
    const b = projector(opened.url, 50);
    children.push(b);
    a.kill('SIGKILL');
    await until(async () => (await checkpoints()).every((c) => BigInt(c) >= BigInt(head)), 90_000);
    const recovered = await dumpReadModels(opened.db);
    b.kill('SIGTERM');
    await new Promise((r) => b.once('exit', r));

    const engine = new ProjectionEngine({ store: opened.store, db: opened.db });
    await engine.acquire(engine.names());
    for (const name of engine.names()) await engine.rebuild(name);
    await engine.stop();
    expect(recovered).toEqual(await dumpReadModels(opened.db));
  } finally {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await opened.close();
  }
});
