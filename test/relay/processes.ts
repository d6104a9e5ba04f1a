import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { API_KEYS } from '../http/support.js';
import { freePort } from '../support/private-postgres.js';

const root = resolve(process.cwd());

/**
 * A real apps/projector (or apps/service) process, the TypeScript run directly as
 * test/resilience/projector.test.ts does, with fast relay retries.
 */
export interface ProjectorProcess {
  child: ChildProcess;
  /** Its /health and /metrics listener (the service: its HTTP port). */
  base: string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** `client_lifecycle_relay_leader` for `sink` on its /metrics (1: it delivers), or undefined. */
  leader(sink: string): Promise<number | undefined>;
  kill(signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function spawnProjector(databaseUrl: string, env: Record<string, string> = {}): Promise<ProjectorProcess> {
  return spawnApp('projector', databaseUrl, env);
}

/** The service delivering (PROJECTOR=inline, RELAYS=auto), with the test keys, on its own port. */
export async function spawnService(databaseUrl: string, env: Record<string, string> = {}): Promise<ProjectorProcess> {
  return spawnApp('service', databaseUrl, { API_KEYS, SCHEDULER: 'manual', LOG_LEVEL: 'warn', PROJECTOR: 'inline', ...env });
}

async function spawnApp(kind: 'projector' | 'service', databaseUrl: string, env: Record<string, string>): Promise<ProjectorProcess> {
  const port = await freePort();
  const args = kind === 'projector' ? [resolve(root, 'apps/projector/src/main.ts'), 'run'] : [resolve(root, 'apps/service/src/main.ts')];
  const child = spawn(process.execPath, ['--import', resolve(root, 'test/projections/register-ts.mjs'), ...args], {
    cwd: root,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      NODE_ENV: 'test',
      EVENT_STORE: 'postgres',
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '4',
      ...(kind === 'projector' ? { PROJECTOR_PORT: String(port) } : { PORT: String(port) }),
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
    if (p.child.exitCode !== null) throw new Error(`process exited ${p.child.exitCode}: ${p.stderr()}`);
    const ok = await fetch(`${p.base}/health/live`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`process not listening: ${p.stderr()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
