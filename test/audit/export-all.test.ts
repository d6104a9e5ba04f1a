/**
 * Bulk export (issue 19 §3): `audit export --all` over a PGlite store writes JSON Lines files in
 * log order and a signed manifest whose hashes, counts, ranges and heads root are recomputed here
 * independently (and the root equals a signed checkpoint's at the same head); `audit verify
 * --export` passes it, and names the file and line of a tampered event, a deleted file, an edited
 * manifest, a foreign key, a stray file; ranges by position.
 */
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { CheckpointLedger, generateSigningKey, Keyring, verifyManifestSignature, type ExportManifest } from '@libs/audit';
import { openEventStore, type OpenedEventStore, type StoredEvent } from '@libs/event-store';
import { runCaptured } from './run-cli.js';
import { steadyMoves, writeSubscriberHistory } from './histories.js';

jest.setTimeout(120_000);

let opened: OpenedEventStore;
let dir: string;
const { key } = generateSigningKey();
const keyring = new Keyring(key);

async function run(argv: string[], ring: Keyring | undefined = keyring): Promise<{ code: number; out: string; err: string }> {
  return runCaptured(argv, { store: opened.store, keyring: ring });
}

async function allEvents(): Promise<StoredEvent[]> {
  const { events } = await opened.store.readAll({ after: '0', limit: 100_000 });
  return events;
}

async function manifestOf(exportDir: string): Promise<ExportManifest> {
  return JSON.parse(await readFile(join(exportDir, 'manifest.json'), 'utf8')) as ExportManifest;
}

/** A copy of the intact export to tamper with. */
async function copyOf(name: string): Promise<string> {
  const target = join(dir, name);
  await cp(join(dir, 'full'), target, { recursive: true });
  return target;
}

beforeAll(async () => {
  opened = await openEventStore({ backend: 'pglite' });
  dir = await mkdtemp(join(tmpdir(), 'cl-export-all-'));
  for (let i = 0; i < 8; i++) await writeSubscriberHistory(opened.store, `exp-${i}`, steadyMoves(6 + i));
  await opened.store.append('case-k1', [
    { type: 'CaseOpened', data: { caseId: 'k1', subscriberId: 'exp-1', kind: 'complaints', summary: 'calls', openedBy: 'key-op', occurredAt: '2026-01-03T00:00:00.000Z' }, occurredAt: '2026-01-03T00:00:00.000Z' },
  ]);
  // Later events of streams already written, so streams span several files.
  for (let i = 0; i < 3; i++) await writeSubscriberHistory(opened.store, `late-${i}`, steadyMoves(4));
  const { code, err } = await run(['export', '--all', '--out', join(dir, 'full'), '--chunk-size', '4k']);
  expect({ code, err }).toEqual({ code: 0, err: expect.stringContaining('exported') });
});

afterAll(async () => {
  await opened?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('audit export --all', () => {
  it('writes every event as stored, in position order, in files listed with their SHA-256, count and range', async () => {
    const manifest = await manifestOf(join(dir, 'full'));
    const events = await allEvents();
    expect(manifest.files.length).toBeGreaterThan(2);
    const exported: StoredEvent[] = [];
    for (const f of manifest.files) {
      const bytes = await readFile(join(dir, 'full', f.name));
      const lines = bytes.toString('utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as StoredEvent);
      expect(f).toEqual({
        name: f.name,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        bytes: bytes.length,
        events: lines.length,
        firstPosition: lines[0].position,
        lastPosition: lines[lines.length - 1].position,
      });
      exported.push(...lines);
    }
    expect(exported).toEqual(events);
    expect(manifest.events).toBe(events.length);
    expect(manifest.complete).toBe(true);
    expect(manifest.range).toEqual({ after: '0', until: await opened.store.headPosition(), since: null, untilRequested: null });
    expect((await readdir(join(dir, 'full'))).sort()).toEqual([...manifest.files.map((f) => f.name), 'manifest.json', 'public-key.pem'].sort());
  });

  it('signs the manifest with the audit key, and its head root is that of a checkpoint signed at the same position', async () => {
    const manifest = await manifestOf(join(dir, 'full'));
    expect(manifest.keyId).toBe(key.keyId);
    expect(verifyManifestSignature(manifest, key.publicKeyPem)).toBe(true);
    expect(verifyManifestSignature({ ...manifest, events: manifest.events + 1 }, key.publicKeyPem)).toBe(false);
    const ledger = new CheckpointLedger(opened.store, opened.db, keyring);
    await ledger.init();
    const { checkpoint } = await ledger.create();
    expect(manifest.head).toEqual({ position: checkpoint.position, streams: checkpoint.streams, headsRoot: checkpoint.headsRoot });
  });

  it('--since <position> exports only what came after it, and --until stops at a position', async () => {
    const events = await allEvents();
    const since = events[9].position;
    const until = events[events.length - 5].position;
    const { code } = await run(['export', '--all', '--since', since, '--until', until, '--out', join(dir, 'range')]);
    expect(code).toBe(0);
    const manifest = await manifestOf(join(dir, 'range'));
    expect(manifest.complete).toBe(false);
    expect(manifest.events).toBe(events.length - 10 - 4);
    expect(manifest.files[0].firstPosition).toBe(events[10].position);
    expect(manifest.files[manifest.files.length - 1].lastPosition).toBe(until);
    const verified = await run(['verify', '--export', join(dir, 'range'), '--public-key', join(dir, 'full', 'public-key.pem')]);
    expect(verified).toMatchObject({ code: 0, out: expect.stringContaining(`OK export ${join(dir, 'range')}: 1 files, ${manifest.events} events`) });
  });

  it('refuses without a signing key, into a non-empty directory, and a stream with --all', async () => {
    expect(await run(['export', '--all', '--out', join(dir, 'nokey')], new Keyring(undefined, [], 'no key here'))).toMatchObject({ code: 2, err: expect.stringContaining('no key here') });
    expect(await run(['export', '--all', '--out', join(dir, 'full')])).toMatchObject({ code: 2, err: expect.stringContaining('is not empty') });
    expect(await run(['export', 'exp-1', '--all', '--out', join(dir, 'x')])).toMatchObject({ code: 2, err: expect.stringContaining('either a stream or --all') });
    expect(await run(['export', '--all', '--since', 'yesterday', '--out', join(dir, 'x')])).toMatchObject({ code: 2, err: expect.stringContaining('position (digits) or an ISO-8601 instant') });
  });
});

describe('audit verify --export', () => {
  it('passes an intact export, checked with the pinned public key', async () => {
    const pem = join(dir, 'service-key.pem');
    await writeFile(pem, key.publicKeyPem);
    const manifest = await manifestOf(join(dir, 'full'));
    const { code, out, err } = await run(['verify', '--export', join(dir, 'full'), '--public-key', pem]);
    expect(code).toBe(0);
    expect(out.trim()).toBe(`OK export ${join(dir, 'full')}: ${manifest.files.length} files, ${manifest.events} events, 12 streams; manifest signed by key ${key.keyId}`);
    expect(err).toBe('');
  });

  it('names the file and line of a changed event (and the file whose hash no longer matches)', async () => {
    const target = await copyOf('tampered-line');
    const manifest = await manifestOf(target);
    const file = manifest.files[1];
    const lines = (await readFile(join(target, file.name), 'utf8')).split('\n');
    const index = lines.findIndex((l) => l !== '' && (JSON.parse(l) as StoredEvent).version > 0);
    const event = JSON.parse(lines[index]) as StoredEvent;
    lines[index] = JSON.stringify({ ...event, data: { ...event.data, amount: 1 } });
    await writeFile(join(target, file.name), lines.join('\n'));
    const { code, out } = await run(['verify', '--export', target]);
    expect(code).toBe(1);
    expect(out).toContain(`BROKEN ${file.name}:${index + 1}: ${event.streamId} version ${event.version}: hash-mismatch`);
    expect(out).toMatch(new RegExp(`BROKEN ${file.name}: SHA-256 [0-9a-f]{64} does not match the manifest's ${file.sha256}`));
    expect(out).not.toContain('OK export');
  });

  it('names a deleted file', async () => {
    const target = await copyOf('deleted-file');
    const file = (await manifestOf(target)).files[2];
    await unlink(join(target, file.name));
    const { code, out } = await run(['verify', '--export', target]);
    expect(code).toBe(1);
    expect(out).toContain(`BROKEN ${file.name}: missing (listed in the manifest with ${file.events} events, positions ${file.firstPosition}–${file.lastPosition})`);
  });

  it('names an edited manifest: its signature no longer verifies', async () => {
    const target = await copyOf('edited-manifest');
    const manifest = await manifestOf(target);
    // Drop the last file from the listing and the total, as someone hiding events would.
    const last = manifest.files.pop()!;
    manifest.events -= last.events;
    await writeFile(join(target, 'manifest.json'), JSON.stringify(manifest, null, 2));
    await unlink(join(target, last.name));
    const { code, out } = await run(['verify', '--export', target]);
    expect(code).toBe(1);
    expect(out).toContain(`BROKEN manifest.json: signature does not verify with key ${key.keyId}: the manifest was changed after it was signed`);
    expect(out).toContain('BROKEN manifest.json: the files\' stream heads');
  });

  it('names a manifest signed by another key than the one pinned, and a file the manifest does not list', async () => {
    const target = await copyOf('foreign');
    await writeFile(join(target, 'events-999999.jsonl'), '{}\n');
    const other = generateSigningKey().key;
    const pem = join(dir, 'other-key.pem');
    await writeFile(pem, other.publicKeyPem);
    const { code, out } = await run(['verify', '--export', target, '--public-key', pem]);
    expect(code).toBe(1);
    expect(out).toContain(`BROKEN manifest.json: signed with key ${key.keyId}, the public key given is ${other.keyId}`);
    expect(out).toContain('BROKEN events-999999.jsonl: not listed in the manifest');
  });

  it('a directory without a manifest is an unfinished export; a missing directory is a usage error', async () => {
    const target = await copyOf('no-manifest');
    await unlink(join(target, 'manifest.json'));
    expect(await run(['verify', '--export', target])).toMatchObject({ code: 1, out: expect.stringContaining('BROKEN manifest.json: missing') });
    expect(await run(['verify', '--export', join(dir, 'nowhere')])).toMatchObject({ code: 2, err: expect.stringContaining('cannot read the export') });
  });
});
