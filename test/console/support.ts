/**
 * Shared set-up of the console's browser tests: the console built by Vite into a temp folder,
 * the real service serving it (PGlite in memory, inline projections), a small simulated company
 * plus one scripted client whose story the assertions read, and Debian's Chromium.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { LifecycleApplication } from '@libs/application';
import { InProcessTarget, runSimulation } from '@libs/simulator';
import { createApp } from '../../apps/service/src/app.js';
import { parseApiKeys } from '../../apps/service/src/config.js';
import { demoStartMonth } from '../../apps/service/src/infrastructure/demo.js';
import { LIFECYCLE_SERVICE } from '../../apps/service/src/infrastructure/tokens.js';

export const KEYS = {
  analyst: 'analyst-console-key',
  auditor: 'auditor-console-key',
  operator: 'operator-console-key',
  executive: 'executive-console-key',
  admin: 'admin-console-key-1',
  /** An analyst who also audits: opens clients from the profitability list. */
  analystAuditor: 'analyst-auditor-key',
} as const;

const API_KEYS = [
  `analyst:${KEYS.analyst}`,
  `auditor:${KEYS.auditor}`,
  `operator:${KEYS.operator}`,
  `executive:${KEYS.executive}`,
  `admin:${KEYS.admin}`,
  `analyst:${KEYS.analystAuditor}`,
  `auditor:${KEYS.analystAuditor}`,
].join(',');

export const CHROMIUM = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));

/**
 * `describe` when Chromium is installed, else `describe.skip` with a line saying so. CI installs
 * Debian's chromium (.ci/run) and sets CI=1: there a missing browser fails instead of skipping.
 */
export function browserSuite(what: string): jest.Describe {
  if (CHROMIUM) return describe;
  if (process.env['CI']) throw new Error('Chromium is required in CI: apt-get install -y chromium');
  process.stderr.write(`SKIPPED: ${what} — no Chromium at /usr/bin/chromium (apt-get install -y chromium)\n`);
  return describe.skip;
}

/** Chromium's flags for a closed network (see shared notes): no background calls home. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Builds the console once per suite into a temp folder (what `npm run build` writes to dist/console). */
export function buildConsole(): { dir: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'console-'));
  execFileSync(process.execPath, [resolve('node_modules/vite/bin/vite.js'), 'build', '--config', 'apps/console/vite.config.ts', '--logLevel', 'error'], {
    env: { ...process.env, CONSOLE_OUT_DIR: dir },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ConsoleService {
  app: INestApplication;
  baseUrl: string;
  lifecycle: LifecycleApplication;
  /** Months of the simulated company, oldest first; the last is the last complete month. */
  months: string[];
  /** `POST` as the operator. */
  command(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export async function startConsoleService(consoleDir: string, { subscribers = 30, months = 6 } = {}): Promise<ConsoleService> {
  const app = await createApp({
    eventStore: 'pglite',
    dataDir: undefined,
    scheduler: 'manual',
    projector: 'inline',
    demo: false,
    logLevel: 'silent',
    consoleDir,
    apiKeys: parseApiKeys(API_KEYS),
  });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const lifecycle = app.get<LifecycleApplication>(LIFECYCLE_SERVICE);
  const startMonth = demoStartMonth(new Date(), Math.max(months, 1));
  if (subscribers > 0) {
    const summary = await runSimulation({ subscribers, months, seed: 5, startMonth }, new InProcessTarget(lifecycle));
    if (summary.failures > 0) throw new Error(`simulation failures: ${JSON.stringify(summary.failureSamples)}`);
  }
  const list: string[] = [];
  for (let i = 0; i < months; i++) {
    const d = new Date(`${startMonth}-01T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() + i);
    list.push(d.toISOString().slice(0, 7));
  }
  const command = async (path: string, body: Record<string, unknown>) => {
    const res = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEYS.operator}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as Record<string, unknown>;
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(answer)}`);
    return answer;
  };
  return { app, baseUrl, lifecycle, months: list, command };
}

/**
 * The $300 alarm subscriber of the seeds, through the API: paid the first month, missed the
 * second, reminded, suspended with the debt written off; and a complaints case with one remedy
 * step. Returns the instants the assertions use.
 */
export async function writeStory(service: ConsoleService): Promise<{ id: string; caseId: string; beforeSuspension: string }> {
  const [m1, m2] = service.months.slice(-3) as [string, string];
  const id = 'perez-alarm';
  await service.command('/v1/subscribers', {
    subscriberId: id,
    name: 'Alarmas Pérez',
    segment: 'b2c',
    plan: { code: 'alarm-300', monthlyFee: 30000, currency: 'EUR' },
    salesRepId: 'rep-ana',
    qualification: { needsService: true, valuesService: true, canPay: true },
    at: `${m1}-01T09:00:00Z`,
  });
  await service.command(`/v1/subscribers/${id}/invoices`, { invoiceId: `${m1}`, period: m1, amount: 30000, dueDate: `${m1}-10`, at: `${m1}-01T10:00:00Z` });
  await service.command(`/v1/subscribers/${id}/payments`, { invoiceId: `${m1}`, amount: 30000, at: `${m1}-05T10:00:00Z` });
  await service.command(`/v1/subscribers/${id}/invoices`, { invoiceId: `${m2}`, period: m2, amount: 30000, dueDate: `${m2}-10`, at: `${m2}-01T10:00:00Z` });
  await service.command(`/v1/subscribers/${id}/missed-payments`, { invoiceId: `${m2}`, at: `${m2}-11T09:00:00Z` });
  await service.command(`/v1/subscribers/${id}/reminders`, { invoiceId: `${m2}`, tone: 'friendly', at: `${m2}-12T09:00:00Z` });
  await service.command(`/v1/subscribers/${id}/suspension`, { reason: 'non_payment', writeOff: true, at: `${m2}-20T09:00:00Z` });
  const caseId = 'perez-complaints';
  await service.command('/v1/cases', { caseId, subscriberId: id, kind: 'complaints', summary: 'Repeated complaints about the response time', at: `${m2}-21T09:00:00Z` });
  await service.command(`/v1/cases/${caseId}/remedy-steps`, { step: 'reassess', notes: 'Went through the contract with them', outcome: 'no_change', at: `${m2}-22T09:00:00Z` });
  return { id, caseId, beforeSuspension: `${m2}-15T00:00:00Z` };
}
