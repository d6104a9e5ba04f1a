import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { API_KEYS, KEYS } from '../http/support.js';
import { freePort } from '../support/private-postgres.js';
import { until } from './support.js';

const root = resolve(process.cwd());

export interface ServiceProcess {
  base: string;
  child: ChildProcess;
  stderr(): string;
  stop(): Promise<void>;
}

/** The real service (apps/service/src/main.ts) in a child process, listening on a free port. */
export async function startService(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, ['--import', resolve(root, 'test/projections/register-ts.mjs'), resolve(root, 'apps/service/src/main.ts')], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', NODE_ENV: 'test', LOG_LEVEL: 'warn', API_KEYS, SCHEDULER: 'manual', PORT: String(port), ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await until(async () => child.exitCode === null && (await fetch(`${base}/health/live`).then((r) => r.status === 200, () => false)), 90_000, 'the service listening');
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}; stderr: ${err.slice(-2000)}`);
  }
  return { base, child, stderr: () => err, stop };
}

/** A command over HTTP as the operator; throws unless it was accepted. */
export async function command(base: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${KEYS.operator}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  if (res.status !== 200 && res.status !== 201) throw new Error(`POST ${path}: ${res.status} ${text}`);
}

/** A few lifecycle commands for one subscriber: enrollment, invoices, a suspension, a reinstatement, a cancellation (opens a case). */
export async function lifecycle(base: string, id: string, enrollment: (id: string) => unknown): Promise<void> {
  const sub = (path: string) => `/v1/subscribers/${id}${path}`;
  await command(base, '/v1/subscribers', enrollment(id));
  await command(base, sub('/invoices'), { invoiceId: `${id}-i1`, period: '2026-01', amount: 30000, dueDate: '2026-01-05', at: '2026-01-01T10:00:00Z' });
  await command(base, sub('/payments'), { invoiceId: `${id}-i1`, amount: 30000, at: '2026-01-02T10:00:00Z' });
  await command(base, sub('/suspension'), { reason: 'abuse', at: '2026-01-09T10:00:00Z' });
  await command(base, sub('/reinstatement'), { reason: 'apologised', at: '2026-01-10T10:00:00Z' });
  await command(base, sub('/cancellation-requests'), { reason: 'moving abroad', requestedEffectiveDate: '2026-03-01', at: '2026-01-12T10:00:00Z' });
}
