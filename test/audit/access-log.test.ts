/**
 * Reads are accounted for (issue 19): through the real app, every history, state as of,
 * integrity and /v1/audit read is recorded with actor, role, what and target — a latest-state read
 * is not — and `GET /v1/audit/access-log` (admin only) pages them newest first with the actor and
 * since filters; the table refuses updates and deletes; the evidence scheduler prunes entries past
 * the retention; the audit CLI records its reads as AUDIT_ACTOR.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { INestApplication } from '@nestjs/common';
import { jest } from '@jest/globals';
import { generateSigningKey, Keyring, type AccessEntry, type AccessLog } from '@libs/audit';
import type { SqlDatabase } from '@libs/sql';
import { runAuditCli } from '../../apps/audit-cli/src/cli.js';
import { keyId } from '../../apps/service/src/config.js';
import { ACCESS_LOG, SQL_DATABASE } from '../../apps/service/src/infrastructure/tokens.js';
import { get, KEYS, startApp, storeOf } from '../http/support.js';
import { steadyMoves, writeSubscriberHistory } from './histories.js';

jest.setTimeout(120_000);

const AUDITOR = keyId(KEYS.auditor);
const OPERATOR = keyId(KEYS.operator);

async function allEntries(app: INestApplication, query = ''): Promise<AccessEntry[]> {
  const out: AccessEntry[] = [];
  let cursor: string | undefined;
  do {
    const page = await get(app, `/v1/audit/access-log?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`, 'admin');
    expect(page.status).toBe(200);
    out.push(...(page.body.entries as AccessEntry[]));
    cursor = page.body.nextCursor as string | undefined;
  } while (cursor);
  return out;
}

describe('access log (HTTP, through the real app)', () => {
  let app: INestApplication;
  let db: SqlDatabase;

  beforeAll(async () => {
    app = await startApp();
    db = app.get<SqlDatabase>(SQL_DATABASE, { strict: false });
    await writeSubscriberHistory(storeOf(app), 'ana', steadyMoves(4));
    await storeOf(app).append('case-k9', [
      { type: 'CaseOpened', data: { caseId: 'k9', subscriberId: 'ana', kind: 'complaints', summary: 'calls', openedBy: 'key-op', occurredAt: '2026-01-03T00:00:00.000Z' }, occurredAt: '2026-01-03T00:00:00.000Z' },
    ]);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('records who read which history, state as of, integrity report and evidence, and not a latest-state read', async () => {
    const before = new Date().toISOString();
    expect((await get(app, '/v1/subscribers/ana/history', 'auditor')).status).toBe(200);
    expect((await get(app, '/v1/subscribers/ana/integrity', 'auditor')).status).toBe(200);
    expect((await get(app, '/v1/subscribers/ana?asOf=2026-01-02T00:00:00Z', 'auditor')).status).toBe(200);
    expect((await get(app, '/v1/subscribers/ana', 'operator')).status).toBe(200);
    expect((await get(app, '/v1/cases/k9/history', 'operator')).status).toBe(200);
    expect((await get(app, '/v1/cases/k9?version=0', 'auditor')).status).toBe(200);
    expect((await get(app, '/v1/audit/public-key', 'auditor')).status).toBe(200);
    // Refused by the guard: nothing was read, nothing recorded.
    expect((await get(app, '/v1/subscribers/ana/history', 'analyst')).status).toBe(403);

    const entries = await allEntries(app, `&since=${before}`);
    const mine = entries.filter((e) => e.kind !== 'access-log');
    expect(mine.map((e) => [e.actor, e.role, e.source, e.kind, e.what, e.target])).toEqual([
      [AUDITOR, 'auditor', 'http', 'evidence', 'GET /v1/audit/public-key', null],
      [AUDITOR, 'auditor', 'http', 'state-as-of', 'GET /v1/cases/k9?version=0', 'k9'],
      [OPERATOR, 'operator', 'http', 'history', 'GET /v1/cases/k9/history', 'k9'],
      [AUDITOR, 'auditor', 'http', 'state-as-of', 'GET /v1/subscribers/ana?asOf=2026-01-02T00:00:00Z', 'ana'],
      [AUDITOR, 'auditor', 'http', 'integrity', 'GET /v1/subscribers/ana/integrity', 'ana'],
      [AUDITOR, 'auditor', 'http', 'history', 'GET /v1/subscribers/ana/history', 'ana'],
    ]);
    for (const e of mine) expect(Date.parse(e.at)).toBeGreaterThanOrEqual(Date.parse(before) - 1000);
    // Reading the access log is itself recorded, as admin.
    expect(entries.filter((e) => e.kind === 'access-log').every((e) => e.role === 'admin' && e.what.startsWith('GET /v1/audit/access-log'))).toBe(true);
  });

  it('is admin only, paged by cursor without repeats, filtered by actor and since; bad input is a 400', async () => {
    expect((await get(app, '/v1/audit/access-log', 'auditor')).status).toBe(403);
    const all = await allEntries(app);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);
    expect(all.map((e) => Number(e.id))).toEqual([...all.map((e) => Number(e.id))].sort((a, b) => b - a));
    const byOperator = await get(app, `/v1/audit/access-log?actor=${OPERATOR}`, 'admin');
    expect(byOperator.body.entries.length).toBeGreaterThan(0);
    expect(byOperator.body.entries.every((e: AccessEntry) => e.actor === OPERATOR)).toBe(true);
    expect((await get(app, '/v1/audit/access-log?since=2999-01-01T00:00:00Z', 'admin')).body).toEqual({ entries: [] });
    const bad = await get(app, '/v1/audit/access-log?since=yesterday&limit=0', 'admin');
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['limit', 'since']);
  });

  it('the table is append-only: the database refuses an update, a delete and a truncate', async () => {
    await expect(db.query("UPDATE audit_access_log SET actor = 'someone-else'")).rejects.toThrow(/append-only/);
    await expect(db.query('DELETE FROM audit_access_log')).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE audit_access_log')).rejects.toThrow(/append-only/);
    expect((await allEntries(app)).some((e) => e.actor === 'someone-else')).toBe(false);
  });
});

describe('access log retention and the CLI', () => {
  it('the evidence scheduler prunes entries older than AUDIT_ACCESS_LOG_RETENTION_DAYS and keeps the others', async () => {
    const app = await startApp({ audit: { checkpointIntervalMs: 150, accessLogRetentionDays: 30 } });
    try {
      const log = app.get<AccessLog>(ACCESS_LOG, { strict: false });
      const day = 86_400_000;
      await log.record({ actor: 'old-reader', role: 'auditor', source: 'http', kind: 'history', what: 'GET /v1/subscribers/x/history', target: 'x', at: new Date(Date.now() - 31 * day) });
      await log.record({ actor: 'recent-reader', role: 'auditor', source: 'http', kind: 'history', what: 'GET /v1/subscribers/x/history', target: 'x', at: new Date(Date.now() - 29 * day) });
      const actors = async () => (await log.list({ limit: 100 })).map((e) => e.actor);
      const deadline = Date.now() + 30_000;
      while ((await actors()).includes('old-reader') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect(await actors()).toContain('recent-reader');
      expect(await actors()).not.toContain('old-reader');
    } finally {
      await app.close();
    }
  });

  it('the audit CLI records each read as AUDIT_ACTOR with its command line, before reading; verify --export (offline) is not recorded', async () => {
    const app = await startApp();
    const dir = await mkdtemp(join(tmpdir(), 'cl-access-cli-'));
    try {
      const log = app.get<AccessLog>(ACCESS_LOG, { strict: false });
      await writeSubscriberHistory(storeOf(app), 'cli-1', steadyMoves(2));
      const io = { store: storeOf(app), stdout: new PassThrough(), stderr: new PassThrough(), keyring: new Keyring(generateSigningKey().key), accessLog: log, actor: 'cli:marta' };
      io.stdout.resume();
      io.stderr.resume();
      expect(await runAuditCli(['history', 'cli-1'], io)).toBe(0);
      expect(await runAuditCli(['state', 'cli-1', '--as-of', '2026-01-01'], io)).toBe(0);
      expect(await runAuditCli(['verify', 'cli-1'], io)).toBe(0);
      expect(await runAuditCli(['export', '--all', '--out', join(dir, 'x')], io)).toBe(0);
      expect(await runAuditCli(['verify', '--export', join(dir, 'x')], io)).toBe(0);
      // A usage error reads nothing and records nothing.
      expect(await runAuditCli(['history'], io)).toBe(2);
      const entries = (await log.list({ limit: 100, actor: 'cli:marta' })).reverse();
      expect(entries.map((e) => [e.role, e.source, e.kind, e.what, e.target])).toEqual([
        ['cli', 'cli', 'history', 'audit history cli-1', 'cli-1'],
        ['cli', 'cli', 'state-as-of', 'audit state cli-1 --as-of 2026-01-01', 'cli-1'],
        ['cli', 'cli', 'integrity', 'audit verify cli-1', 'cli-1'],
        ['cli', 'cli', 'export', `audit export --all --out ${join(dir, 'x')}`, null],
      ]);
    } finally {
      await app.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
