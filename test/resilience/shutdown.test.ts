/**
 * Issue 12, "graceful shutdown": the real service (apps/service/src/main.ts in a child process, on
 * PostgreSQL) gets SIGTERM while concurrent writers keep it busy and an SSE reader is connected.
 * Every request that was in flight completes or is refused cleanly with 503 — never a 500 or a cut
 * connection — every acknowledged write is in the store, and the process exits 0 within its timeout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { openEventStore } from '@libs/event-store';
import { openFeed } from '../feed/sse-client.js';
import { API_KEYS, enrollment, KEYS } from '../http/support.js';
import { createTestDatabase } from '../support/postgres.js';
import { freePort } from '../support/private-postgres.js';

const root = resolve(process.cwd());

function service(env: Record<string, string>): { child: ChildProcess; stderr: () => string; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }> } {
  const child = spawn(process.execPath, ['--import', resolve(root, 'test/projections/register-ts.mjs'), resolve(root, 'apps/service/src/main.ts')], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'test', LOG_LEVEL: 'warn', API_KEYS, SCHEDULER: 'manual', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((done) =>
    child.once('exit', (code, signal) => done({ code, signal, at: Date.now() })),
  );
  return { child, stderr: () => err, exited };
}

async function until(what: string, predicate: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await Promise.resolve().then(predicate).catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

let writing = false;
afterEach(() => {
  writing = false;
});

it('SIGTERM with requests in flight: each completes or answers 503, SSE ends, exit 0 within the timeout', async () => {
  const db = await createTestDatabase('shutdown');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const { child, stderr, exited } = service({ EVENT_STORE: 'postgres', DATABASE_URL: db.url, PORT: String(port), SHUTDOWN_DRAIN_MS: '5000', SHUTDOWN_TIMEOUT_MS: '15000' });
  try {
    await until('the service listening', async () => (await fetch(`${base}/health/live`)).status === 200);
    const feed = openFeed(base, KEYS.service);
    await feed.opened;

    let signalledAt = 0;
    const pending = new Map<string, Promise<number | string>>();
    const acked = new Set<string>();
    const outcomes = new Map<string, number>();
    let n = 0;
    writing = true;
    const writer = async (w: number) => {
      while (writing) {
        const id = `t${w}-${n++}`;
        const outcome = fetch(`${base}/v1/subscribers`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${KEYS.operator}`, 'content-type': 'application/json' },
          body: JSON.stringify(enrollment(id)),
        }).then(
          async (res) => {
            await res.text();
            if (res.status === 201) acked.add(id);
            if (res.status === 503 && !/^application\/problem\+json/.test(res.headers.get('content-type') ?? '')) return 'a 503 without problem+json';
            return res.status;
          },
          (error: Error & { cause?: { code?: string } }) => `failed: ${error.cause?.code ?? error.message}`,
        );
        pending.set(id, outcome);
        const result = await outcome;
        pending.delete(id);
        outcomes.set(String(result), (outcomes.get(String(result)) ?? 0) + 1);
        // After the signal the listener is closed: a refused connection is the expected answer.
        if (typeof result === 'string' && signalledAt > 0) return;
      }
    };
    const writers = Array.from({ length: 12 }, (_, w) => writer(w));
    await until('writes under way', () => acked.size >= 30);
    // Requests sent and not yet answered when the signal goes out.
    const inFlightAtSignal = [...pending].map(([id, outcome]) => ({ id, outcome }));
    signalledAt = Date.now();
    child.kill('SIGTERM');
    const exit = await exited;
    writing = false;
    await Promise.all(writers);

    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.at - signalledAt).toBeLessThan(15_000);
    const results = await Promise.all(inFlightAtSignal.map((r) => r.outcome));
    expect(results.length).toBeGreaterThan(0);
    // In flight at the signal: completed (201) or refused cleanly (503), nothing else.
    for (const [i, result] of results.entries()) expect([inFlightAtSignal[i]!.id, [201, 503].includes(result as number)]).toEqual([inFlightAtSignal[i]!.id, true]);
    expect(stderr()).not.toMatch(/unexpected error|PGlite is closed|Cannot use a pool/);
    expect([...outcomes.keys()].filter((k) => k.startsWith('5') && k !== '503')).toEqual([]);

    // Every acknowledged write is in the store.
    const store = await openEventStore({ backend: 'postgres', databaseUrl: db.url, poolSize: 2 });
    try {
      for (const id of acked) expect([id, (await store.store.readStream(`subscriber-${id}`)).length]).toEqual([id, 1]);
    } finally {
      await store.close();
    }
    feed.close();
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
    await db.drop();
  }
}, 120_000);
