/**
 * Signed checkpoints (issue 19 §2): the ledger over PGlite — heads, Merkle root, Ed25519
 * signature, incremental checkpoints equal to one computed from scratch, stored heads that were
 * altered are not trusted, key rotation — and the HTTP routes through the real app: admin signs,
 * auditor lists and reads the public keys, production without a key refuses and /health says so.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { jest } from '@jest/globals';
import {
  CheckpointLedger,
  generateSigningKey,
  keyIdOf,
  Keyring,
  merkleRoot,
  openKeyring,
  verifyCheckpointSignature,
  type Head,
} from '@libs/audit';
import { openEventStore, type EventStore, type OpenedEventStore } from '@libs/event-store';
import { get, post, startApp, storeOf } from '../http/support.js';
import { steadyMoves, writeSubscriberHistory } from './histories.js';

jest.setTimeout(120_000);

/** The heads of every stream, read stream by stream (independently of the ledger's log scan). */
async function headsOf(store: EventStore): Promise<Head[]> {
  const heads: Head[] = [];
  for (const streamId of await store.listStreams({ limit: 10_000 })) {
    const [last] = await store.readStream(streamId, { direction: 'backwards', limit: 1 });
    heads.push({ streamId, version: last.version, hash: String(last.metadata.hash) });
  }
  return heads.sort((a, b) => (a.streamId < b.streamId ? -1 : 1));
}

describe('checkpoint ledger (PGlite)', () => {
  let opened: OpenedEventStore;
  const silent = { warn: () => undefined, error: jest.fn() };

  beforeAll(async () => {
    opened = await openEventStore({ backend: 'pglite' });
    for (let i = 0; i < 6; i++) await writeSubscriberHistory(opened.store, `cp-${i}`, steadyMoves(3 + i));
  });
  afterAll(async () => {
    await opened?.close();
  });

  it('signs the head position, the stream count and the Merkle root of every stream head', async () => {
    const { key } = generateSigningKey();
    const ledger = new CheckpointLedger(opened.store, opened.db, new Keyring(key), silent);
    await ledger.init();
    const { checkpoint, created } = await ledger.create();
    expect(created).toBe(true);
    const heads = await headsOf(opened.store);
    expect(checkpoint).toEqual({
      position: await opened.store.headPosition(),
      at: expect.stringMatching(/Z$/),
      streams: heads.length,
      headsRoot: merkleRoot(heads),
      keyId: key.keyId,
      signature: expect.any(String),
    });
    expect(verifyCheckpointSignature(checkpoint, key.publicKeyPem)).toBe(true);
    // Nothing written since: the scheduler's ifChanged keeps the one there is.
    expect((await ledger.create({ ifChanged: true })).created).toBe(false);
  });

  it('a later checkpoint, built on the previous one, equals one computed from the whole log', async () => {
    const { key } = generateSigningKey();
    const ledger = new CheckpointLedger(opened.store, opened.db, new Keyring(key), silent);
    await ledger.create();
    await writeSubscriberHistory(opened.store, 'cp-late', steadyMoves(2));
    await opened.store.append('subscriber-cp-0', [{ type: 'ComplaintLogged', data: { subscriberId: 'cp-0', occurredAt: '2027-01-01T00:00:00.000Z', category: 'billing', description: 'late' }, occurredAt: '2027-01-01T00:00:00.000Z' }]);
    // A fresh ledger (another process) reads the previous checkpoint's heads from the database.
    const other = new CheckpointLedger(opened.store, opened.db, new Keyring(key), silent);
    const { checkpoint, id } = await other.create();
    expect(checkpoint.headsRoot).toBe(merkleRoot(await headsOf(opened.store)));
    expect(await other.heads(id)).toEqual(await headsOf(opened.store));
  });

  it('does not build on stored heads someone altered: the next checkpoint comes from the log itself', async () => {
    const { key } = generateSigningKey();
    const ledger = new CheckpointLedger(opened.store, opened.db, new Keyring(key), silent);
    const { id } = await ledger.create();
    await opened.db.query(`UPDATE audit_checkpoint_heads SET version = version + 5 WHERE stream_id = 'subscriber-cp-3'`);
    silent.error.mockClear();
    await writeSubscriberHistory(opened.store, 'cp-after-forgery', steadyMoves(1));
    const { checkpoint } = await new CheckpointLedger(opened.store, opened.db, new Keyring(key), silent).create();
    expect(silent.error).toHaveBeenCalledWith(expect.stringContaining(`checkpoint ${id} do not match its signed root`));
    expect(checkpoint.headsRoot).toBe(merkleRoot(await headsOf(opened.store)));
  });

  it('after a key rotation old checkpoints verify with the kept public key', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cl-keys-'));
    try {
      const first = generateSigningKey();
      const second = generateSigningKey();
      await writeFile(join(dir, 'first.pem'), first.pem, { mode: 0o600 });
      await writeFile(join(dir, 'second.pem'), second.pem, { mode: 0o600 });
      const before = await new CheckpointLedger(opened.store, opened.db, await openKeyring({ nodeEnv: 'production', signingKeyFile: join(dir, 'first.pem') }), silent).create();
      await mkdtemp(join(dir, 'old-')).then(async (old) => {
        await writeFile(join(old, 'first.pub.pem'), first.key.publicKeyPem);
        const keyring = await openKeyring({ nodeEnv: 'production', signingKeyFile: join(dir, 'second.pem'), publicKeysDir: old });
        const after = await new CheckpointLedger(opened.store, opened.db, keyring, silent).create();
        expect(after.checkpoint.keyId).toBe(second.key.keyId);
        for (const { checkpoint } of [before, after]) {
          const pem = keyring.publicKey(checkpoint.keyId);
          expect(pem).toBeDefined();
          expect(keyIdOf(pem!)).toBe(checkpoint.keyId);
          expect(verifyCheckpointSignature(checkpoint, pem!)).toBe(true);
        }
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('production without AUDIT_SIGNING_KEY_FILE signs nothing and says why', async () => {
    const keyring = await openKeyring({ nodeEnv: 'production' });
    expect(keyring.signing).toBeUndefined();
    await expect(new CheckpointLedger(opened.store, opened.db, keyring).create()).rejects.toMatchObject({ code: 'audit-signing-unavailable', message: expect.stringContaining('AUDIT_SIGNING_KEY_FILE') });
  });

  it('development keeps a generated key in DATA_DIR (mode 600) and reuses it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cl-devkey-'));
    try {
      const told: string[] = [];
      const a = await openKeyring({ nodeEnv: 'development', dataDir: dir, generate: true, onGenerated: (k) => told.push(k.keyId) });
      const b = await openKeyring({ nodeEnv: 'development', dataDir: dir, generate: true, onGenerated: (k) => told.push(k.keyId) });
      expect(b.signing!.keyId).toBe(a.signing!.keyId);
      expect(told).toEqual([a.signing!.keyId]);
      const { statSync } = await import('node:fs');
      expect(statSync(join(dir, 'audit-signing-key.pem')).mode & 0o777).toBe(0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('checkpoint routes (HTTP)', () => {
  let app: INestApplication;

  beforeAll(async () => {
    app = await startApp();
    await writeSubscriberHistory(storeOf(app), 'http-cp', steadyMoves(3));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('admin signs one (201, Location); the auditor lists them newest first, paged, and reads the public key', async () => {
    const first = await post(app, '/v1/audit/checkpoints', undefined, 'admin');
    expect(first.status).toBe(201);
    expect(first.headers.location).toMatch(/^\/v1\/audit\/checkpoints\/\d+$/);
    await writeSubscriberHistory(storeOf(app), 'http-cp-2', steadyMoves(1));
    const second = await post(app, '/v1/audit/checkpoints', undefined, 'admin');
    expect(Object.keys(second.body)).toEqual(['position', 'at', 'streams', 'headsRoot', 'keyId', 'signature']);
    expect(second.body.streams).toBe(first.body.streams + 1);

    expect((await post(app, '/v1/audit/checkpoints', undefined, 'auditor')).status).toBe(403);
    const page1 = await get(app, '/v1/audit/checkpoints?limit=1', 'auditor');
    expect(page1.body).toEqual({ checkpoints: [second.body], nextCursor: expect.any(String) });
    const page2 = await get(app, `/v1/audit/checkpoints?limit=1&cursor=${page1.body.nextCursor}`, 'auditor');
    expect(page2.body).toEqual({ checkpoints: [first.body] });
    expect((await get(app, first.headers.location, 'auditor')).body).toEqual(first.body);
    expect((await get(app, '/v1/audit/checkpoints?limit=0', 'auditor')).status).toBe(400);
    expect((await get(app, '/v1/audit/checkpoints', 'operator')).status).toBe(403);

    const keys = await get(app, '/v1/audit/public-key', 'auditor');
    expect(keys.status).toBe(200);
    expect(keys.body.signingKeyId).toBe(second.body.keyId);
    const current = keys.body.keys.find((k: { current: boolean }) => k.current);
    expect(keyIdOf(current.publicKey)).toBe(second.body.keyId);
    expect(verifyCheckpointSignature(second.body, current.publicKey)).toBe(true);
  });

  it('production without a key: POST is a 503 problem naming AUDIT_SIGNING_KEY_FILE, /health is ready and says so', async () => {
    const prod = await startApp({ nodeEnv: 'production' });
    try {
      const refused = await post(prod, '/v1/audit/checkpoints', undefined, 'admin');
      expect(refused.status).toBe(503);
      expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(refused.body).toMatchObject({ code: 'audit-signing-unavailable', detail: expect.stringContaining('AUDIT_SIGNING_KEY_FILE') });
      const health = await get(prod, '/health');
      expect(health.status).toBe(200);
      expect(health.body.details.auditSigning).toEqual({ status: 'up', signing: false, message: expect.stringContaining('AUDIT_SIGNING_KEY_FILE') });
    } finally {
      await prod.close();
    }
  });

  it('the scheduler signs a checkpoint every AUDIT_CHECKPOINT_INTERVAL once something new was written', async () => {
    const scheduled = await startApp({ audit: { checkpointIntervalMs: 150, accessLogRetentionDays: 400 } });
    try {
      const list = async () => (await get(scheduled, '/v1/audit/checkpoints', 'auditor')).body.checkpoints as Array<{ position: string }>;
      await writeSubscriberHistory(storeOf(scheduled), 'scheduled', steadyMoves(1));
      const deadline = Date.now() + 30_000;
      while ((await list()).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const signed = await list();
      expect(signed).toHaveLength(1);
      expect(signed[0].position).toBe(await storeOf(scheduled).headPosition());
      await writeSubscriberHistory(storeOf(scheduled), 'scheduled-2', steadyMoves(1));
      while ((await list()).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      expect((await list())[0].position).toBe(await storeOf(scheduled).headPosition());
    } finally {
      await scheduled.close();
    }
  });
});
