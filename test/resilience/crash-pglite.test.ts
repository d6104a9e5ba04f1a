/**
 * Issue 12, "crash safety on the embedded store": the service on PGlite (its files, not a server's
 * WAL) is killed with SIGKILL under concurrent writers, then started again on the same files. No
 * acknowledged command is lost or doubled, every stream's hash chain verifies, and the read models
 * — carried on from their checkpoints — equal a rebuild from the log (each event applied once).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { verifyAllStreams } from '@libs/audit';
import { openEventStore } from '@libs/event-store';
import { ProjectionEngine } from '@libs/projections';
import { API_KEYS, enrollment, KEYS } from '../http/support.js';
import { dumpReadModels } from '../projections/support.js';
import { freePort } from '../support/private-postgres.js';

const root = resolve(process.cwd());

function service(dataDir: string, port: number): { child: ChildProcess; exited: Promise<{ code: number | null; signal: string | null }> } {
  const child = spawn(process.execPath, ['--import', resolve(root, 'test/projections/register-ts.mjs'), resolve(root, 'apps/service/src/main.ts')], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'test', API_KEYS, SCHEDULER: 'manual', EVENT_STORE: 'pglite', DATA_DIR: dataDir, PORT: String(port) },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  return { child, exited: new Promise((done) => child.once('exit', (code, signal) => done({ code, signal }))) };
}

async function until(what: string, predicate: () => Promise<boolean> | boolean, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await Promise.resolve().then(predicate).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

it('SIGKILL on PGlite under concurrent writes: nothing acknowledged lost or doubled, chains valid, read models exactly-once', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'cl-crash-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const post = (path: string, body: unknown) =>
    fetch(`${base}${path}`, { method: 'POST', headers: { Authorization: `Bearer ${KEYS.operator}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  let running = service(dataDir, port);
  try {
    await until('the service listening', async () => (await fetch(`${base}/health/live`)).status === 200);
    // Acknowledged commands: an enrolment, then an invoice, per subscriber (two-event streams).
    const enrolled = new Set<string>();
    const invoiced = new Set<string>();
    let n = 0;
    let writing = true;
    const writer = async (w: number) => {
      while (writing) {
        const id = `k${w}-${n++}`;
        try {
          if ((await post('/v1/subscribers', enrollment(id))).status !== 201) continue;
          enrolled.add(id);
          const invoice = await post(`/v1/subscribers/${id}/invoices`, { invoiceId: 'i1', period: '2026-01', amount: 30000, dueDate: '2026-01-05', at: '2026-01-01T10:00:00Z' });
          if (invoice.status === 200) invoiced.add(id);
        } catch {
          return; // the process is gone
        }
      }
    };
    const writers = Array.from({ length: 6 }, (_, w) => writer(w));
    await until('writes under way', () => invoiced.size >= 25);
    running.child.kill('SIGKILL');
    expect((await running.exited).signal).toBe('SIGKILL');
    writing = false;
    await Promise.all(writers);

    // Started again on the same files: it opens, answers and takes writes.
    running = service(dataDir, port);
    await until('the service back', async () => (await fetch(`${base}/health/ready`)).status === 200);
    expect((await post('/v1/subscribers', enrollment('after-crash'))).status).toBe(201);
    running.child.kill('SIGTERM');
    expect(await running.exited).toEqual({ code: 0, signal: null });

    const opened = await openEventStore({ backend: 'pglite', dataDir });
    try {
      const { rows } = await opened.db.query<{ stream_id: string; type: string; n: number }>(
        `SELECT stream_id, type, count(*)::int AS n FROM cl_events GROUP BY stream_id, type`,
      );
      const count = (id: string, type: string) => rows.find((r) => r.stream_id === `subscriber-${id}` && r.type === type)?.n ?? 0;
      for (const id of enrolled) expect([id, count(id, 'SubscriberEnrolled')]).toEqual([id, 1]);
      for (const id of invoiced) expect([id, count(id, 'InvoiceIssued')]).toEqual([id, 1]);
      for (const r of rows) expect([r.stream_id, r.type, r.n]).toEqual([r.stream_id, r.type, 1]);

      const chains = await verifyAllStreams(opened.store);
      expect({ valid: chains.valid, broken: chains.brokenCount }).toEqual({ valid: true, broken: 0 });
      expect(chains.streams).toBeGreaterThanOrEqual(enrolled.size + 1);

      // The read models carried on from their checkpoints equal a rebuild from the log.
      const engine = new ProjectionEngine({ store: opened.store, db: opened.db });
      await engine.start();
      expect(await engine.waitFor(await opened.store.headPosition(), 60_000)).toBe(true);
      const carriedOn = await dumpReadModels(opened.db);
      await engine.stop();
      const rebuilder = new ProjectionEngine({ store: opened.store, db: opened.db });
      await rebuilder.acquire(rebuilder.names());
      for (const name of rebuilder.names()) await rebuilder.rebuild(name);
      await rebuilder.stop();
      expect(carriedOn).toEqual(await dumpReadModels(opened.db));
    } finally {
      await opened.close();
    }
  } finally {
    if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
    await running.exited;
    rmSync(dataDir, { recursive: true, force: true });
  }
}, 240_000);
