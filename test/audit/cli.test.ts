/**
 * The audit CLI (`runAuditCli`) against a PostgreSQL store with a tampered stream: what it prints
 * and the exit codes an auditor's script relies on.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { computeHash, openEventStore, ZERO_HASH, type OpenedEventStore, type StoredEvent } from '@libs/event-store';
import { runCaptured } from './run-cli.js';
import { createTestDatabase } from '../support/postgres.js';
import { steadyMoves, writeSubscriberHistory, type WrittenHistory } from './histories.js';

jest.setTimeout(60_000);

let database: { url: string; drop(): Promise<void> };
let opened: OpenedEventStore;
let dir: string;
let intact: WrittenHistory;
let tampered: WrittenHistory;
const TAMPERED_VERSION = 4;

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCaptured(argv, { store: opened.store });
}

beforeAll(async () => {
  database = await createTestDatabase('cl_audit_cli');
  opened = await openEventStore({ backend: 'postgres', databaseUrl: database.url, poolSize: 4 });
  dir = await mkdtemp(join(tmpdir(), 'cl-audit-cli-'));
  intact = await writeSubscriberHistory(opened.store, 'ana', steadyMoves(9));
  tampered = await writeSubscriberHistory(opened.store, 'bruno', steadyMoves(9));
  for (let i = 0; i < 5; i++) await writeSubscriberHistory(opened.store, `other-${i}`, steadyMoves(3));
  await opened.store.append('case-c1', [
    { type: 'CaseOpened', data: { caseId: 'c1', subscriberId: 'ana', kind: 'complaints', summary: 'calls every day', openedBy: 'key-op', occurredAt: '2026-01-03T00:00:00.000Z' }, occurredAt: '2026-01-03T00:00:00.000Z' },
  ]);
  await opened.db.query(`UPDATE cl_events SET data = data || '{"amount": 1}'::jsonb WHERE stream_id = $1 AND version = $2`, [tampered.streamId, TAMPERED_VERSION]);
});

afterAll(async () => {
  await opened?.close();
  await database?.drop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('audit history', () => {
  it('prints one envelope per line, by subscriber id or stream name', async () => {
    const byId = await run('history', 'ana');
    expect(byId.code).toBe(0);
    const events = byId.out.trimEnd().split('\n').map((l) => JSON.parse(l) as StoredEvent);
    expect(events.map((e) => [e.version, e.type, e.streamId])).toEqual(intact.events.map((e, i) => [i, e.type, 'subscriber-ana']));
    expect(events[0]).toEqual(expect.objectContaining({ position: expect.any(String), occurredAt: expect.any(String), metadata: expect.objectContaining({ hash: expect.any(String) }) }));
    expect((await run('history', 'subscriber-ana')).out).toBe(byId.out);
  });

  it('finds a case by its id', async () => {
    const { code, out } = await run('history', 'c1');
    expect(code).toBe(0);
    expect(JSON.parse(out.trim())).toMatchObject({ streamId: 'case-c1', type: 'CaseOpened', version: 0 });
  });

  it('exit code 2 and a message for an unknown id', async () => {
    const { code, out, err } = await run('history', 'nobody');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('no stream found for "nobody"');
  });
});

describe('audit state', () => {
  it('prints the latest state', async () => {
    const { code, out } = await run('state', 'ana');
    expect(code).toBe(0);
    const result = JSON.parse(out) as { streamId: string; aggregate: string; version: number; state: { subscriberId: string; status: string } };
    expect(result).toMatchObject({ streamId: 'subscriber-ana', aggregate: 'subscriber', version: intact.events.length - 1 });
    expect(result.state).toMatchObject({ subscriberId: 'ana', status: 'active' });
  });

  it('as of a version and as of an instant', async () => {
    const atVersion = JSON.parse((await run('state', 'ana', '--version', '1')).out) as { version: number; events: number; state: { invoices: unknown[] } };
    expect(atVersion).toMatchObject({ version: 1, events: 2 });
    const at = intact.events[3]!.data.occurredAt;
    const atInstant = JSON.parse((await run('state', 'ana', '--as-of', at)).out) as { version: number; asOf: string; lastOccurredAt: string };
    expect(atInstant).toMatchObject({ version: 3, asOf: at, lastOccurredAt: at });
    const beforeEnrollment = JSON.parse((await run('state', 'ana', '--as-of', '2025-12-31')).out) as { version: number; state: unknown };
    expect(beforeEnrollment).toMatchObject({ version: -1, state: null });
  });

  it('a case state', async () => {
    const result = JSON.parse((await run('state', 'c1')).out) as { aggregate: string; state: { kind: string; status: string } };
    expect(result).toMatchObject({ aggregate: 'case', state: { kind: 'complaints', status: 'open' } });
  });

  it('refuses a malformed instant or version (exit code 2)', async () => {
    const badInstant = await run('state', 'ana', '--as-of', 'yesterday');
    expect(badInstant.code).toBe(2);
    expect(badInstant.err).toContain('ISO-8601');
    expect((await run('state', 'ana', '--version', '-1')).code).toBe(2);
  });
});

describe('audit verify', () => {
  it('an intact stream: exit code 0 and its head hash', async () => {
    const { code, out } = await run('verify', 'ana');
    expect(code).toBe(0);
    const last = (await opened.store.readStream('subscriber-ana', { direction: 'backwards', limit: 1 }))[0]!;
    expect(out.trim()).toBe(`OK subscriber-ana: ${intact.events.length} events, head hash ${String(last.metadata.hash)}`);
  });

  it('a tampered stream: exit code 1, the stream and the version', async () => {
    const { code, out } = await run('verify', 'bruno');
    expect(code).toBe(1);
    expect(out.trim()).toBe(`BROKEN subscriber-bruno at version ${TAMPERED_VERSION} (hash-mismatch)`);
  });

  it('--all: exit code 1 listing exactly the broken stream, summary on stderr', async () => {
    const { code, out, err } = await run('verify', '--all');
    expect(code).toBe(1);
    expect(out.trim().split('\n')).toEqual([`BROKEN subscriber-bruno at version ${TAMPERED_VERSION} (hash-mismatch)`]);
    expect(err).toContain('8 streams');
    expect(err).toContain('1 broken');
  });

  it('--all with a prefix that leaves the tampered stream out: exit code 0', async () => {
    const { code, out, err } = await run('verify', '--all', '--prefix', 'subscriber-other-');
    expect(code).toBe(0);
    expect(out).toBe('');
    expect(err).toContain('5 streams');
    expect(err).toContain('all intact');
  });

  it('needs a stream or --all, not both', async () => {
    expect((await run('verify')).code).toBe(2);
    expect((await run('verify', 'ana', '--all')).code).toBe(2);
  });
});

describe('audit export', () => {
  it('writes the stream as stored to a JSON Lines file', async () => {
    const file = join(dir, 'ana.jsonl');
    const { code, err } = await run('export', 'ana', '--out', file);
    expect(code).toBe(0);
    expect(err).toContain(`exported ${intact.events.length} events of subscriber-ana`);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as StoredEvent);
    expect(lines).toEqual(await opened.store.readStream('subscriber-ana'));
    // The auditor's own check, from the file alone.
    let prev = ZERO_HASH;
    for (const e of lines) {
      expect(e.metadata.prevHash).toBe(prev);
      prev = computeHash(prev, e);
      expect(e.metadata.hash).toBe(prev);
    }
  });

  it('--out is required', async () => {
    expect((await run('export', 'ana')).code).toBe(2);
  });
});

describe('audit --help', () => {
  it('lists the commands, exit code 0', async () => {
    const { code, out } = await run('--help');
    expect(code).toBe(0);
    for (const command of ['history', 'state', 'verify', 'export', 'prove']) expect(out).toContain(command);
  });
});
