import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { freePort } from '../support/private-postgres.js';

const root = resolve(process.cwd());

/** A real apps/projector process (TypeScript run directly, as test/resilience/projector.test.ts does). */
export interface ProjectorProcess {
  child: ChildProcess;
  /** Its /health and /metrics listener. */
  base: string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** `client_lifecycle_relay_leader` for `sink` on its /metrics (1: it delivers), or undefined. */
  leader(sink: string): Promise<number | undefined>;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function spawnProjector(databaseUrl: string, env: Record<string, string> = {}): Promise<ProjectorProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', resolve(root, 'test/projections/register-ts.mjs'), resolve(root, 'apps/projector/src/main.ts'), 'run'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      NODE_ENV: 'test',
      EVENT_STORE: 'postgres',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '4',
      PROJECTOR_PORT: String(port),
      RELAY_RETRY_BASE_MS: '20',
      RELAY_RETRY_MAX_MS: '200',
      WEBHOOK_TIMEOUT_MS: '2000',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.once('exit', (code, signal) => done({ code, signal })));
  const base = `http://127.0.0.1:${port}`;
  return {
    child,
    base,
    stderr: () => err,
    exited,
    async leader(sink: string) {
      const text = await (await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(10_000) })).text();
      const line = text.split('\n').find((l) => l.startsWith(`client_lifecycle_relay_leader{sink="${sink}"}`));
      return line === undefined ? undefined : Number(line.split(' ').pop());
    },
    async kill(signal: NodeJS.Signals) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** Resolves once `/health/live` answers. */
export async function listening(p: ProjectorProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (p.child.exitCode !== null) throw new Error(`projector exited ${p.child.exitCode}: ${p.stderr()}`);
    const ok = await fetch(`${p.base}/health/live`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`projector not listening: ${p.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
