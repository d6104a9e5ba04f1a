/**
 * The auditor's proof (issue 19 §2) on both SQL backends: a checkpoint is signed and kept, the
 * database is then tampered with directly in SQL — a data field, an actor, a middle event, the last
 * event of a stream, a whole stream, an event and a stream inserted with old positions — and
 * `verify --all --checkpoint` must name each one by stream and version, and nothing else. An
 * untampered log (with a stream mixing chain versions 1 and 2, and events after the checkpoint)
 * verifies.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import { CheckpointLedger, generateSigningKey, Keyring, type Checkpoint } from '@libs/audit';
import { computeHash, openEventStore, type NewEvent, type OpenedEventStore } from '@libs/event-store';
import { runCaptured } from './run-cli.js';
import { appendChainV1Sql } from '../support/legacy-chain.js';
import { createTestDatabase } from '../support/postgres.js';
import { steadyMoves, writeSubscriberHistory } from './histories.js';

jest.setTimeout(180_000);

const complaint = (n: number): NewEvent => {
  const at = new Date(Date.UTC(2025, 5, 1) + n * 3_600_000).toISOString();
  return { type: 'ComplaintLogged', data: { subscriberId: 'legacy', occurredAt: at, category: 'billing', description: `complaint ${n}` }, occurredAt: at, metadata: { actor: 'key-old', role: 'operator', schemaVersion: 1 } };
};

function describeTampering(backend: 'pglite' | 'postgres') {
  describe(`verify --all --checkpoint (${backend})`, () => {
    let opened: OpenedEventStore;
    let database: { url: string; drop(): Promise<void> } | undefined;
    let dir: string;
    let checkpointFile: string;
    let keyFile: string;
    let checkpoint: Checkpoint;
    const heads: Record<string, number> = {};

    const run = (...argv: string[]) => runCaptured(argv, { store: opened.store, db: opened.db });
    const sql = (text: string, params: unknown[] = []) => opened.db.query(text, params);

    beforeAll(async () => {
      if (backend === 'postgres') database = await createTestDatabase('cl_audit_tamper');
      opened = await openEventStore(backend === 'postgres' ? { backend, databaseUrl: database!.url, poolSize: 4 } : { backend });
      dir = await mkdtemp(join(tmpdir(), 'cl-tamper-'));
      // Given a log: ordinary subscribers, one stream per tampering, and a stream begun under chain version 1.
      for (const name of ['ana', 'bea', 't-data', 't-actor', 't-middle', 't-tail', 't-gone', 't-insert']) {
        const written = await writeSubscriberHistory(opened.store, name, steadyMoves(8));
        heads[written.streamId] = written.events.length - 1;
      }
      await appendChainV1Sql(opened.db, 'subscriber-legacy', [complaint(0), complaint(1), complaint(2)]);
      await opened.store.append('subscriber-legacy', [complaint(3), complaint(4)], { expectedVersion: 2 });
      // … a checkpoint signed and kept by the auditor, with its public key …
      const { key } = generateSigningKey();
      const ledger = new CheckpointLedger(opened.store, opened.db, new Keyring(key));
      await ledger.init();
      checkpoint = (await ledger.create()).checkpoint;
      checkpointFile = join(dir, 'checkpoint.json');
      keyFile = join(dir, 'audit-public.pem');
      await writeFile(checkpointFile, JSON.stringify(checkpoint));
      await writeFile(keyFile, key.publicKeyPem);
      // … and events written after it.
      await opened.store.append('subscriber-ana', [complaint(5)], { expectedVersion: heads['subscriber-ana'] });
      await opened.store.append('subscriber-legacy', [complaint(6)], { expectedVersion: 4 });
      await writeSubscriberHistory(opened.store, 'late', steadyMoves(2));
    });

    afterAll(async () => {
      await opened?.close();
      await database?.drop();
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('an untampered log, mixing chain versions 1 and 2, with events after the checkpoint: exit 0, verified', async () => {
      const [v1, v2] = (await opened.store.readStream('subscriber-legacy')).reduce((n, e) => (e.metadata.chainVersion === 1 ? [n[0] + 1, n[1]] : [n[0], n[1] + 1]), [0, 0]);
      expect([v1, v2]).toEqual([3, 3]);
      const { code, out } = await run('verify', '--all', '--checkpoint', checkpointFile, '--public-key', keyFile);
      expect(out).toMatch(/^verified: 10 streams, \d+ events \(\d+ at or before the checkpoint\)/);
      expect(code).toBe(0);
    });

    it('each tampering done in SQL is named by stream and version, and nothing else is', async () => {
      // When: the database is altered directly.
      await sql(`UPDATE cl_events SET data = jsonb_set(data, '{amount}', '1') WHERE stream_id = 'subscriber-t-data' AND version = 3`);
      await sql(`UPDATE cl_events SET metadata = jsonb_set(metadata, '{actor}', '"key-someone-else"') WHERE stream_id = 'subscriber-t-actor' AND version = 2`);
      await sql(`DELETE FROM cl_events WHERE stream_id = 'subscriber-t-middle' AND version = 4`);
      await sql(`DELETE FROM cl_events WHERE stream_id = 'subscriber-t-tail' AND version = $1`, [heads['subscriber-t-tail']]);
      await sql(`DELETE FROM cl_events WHERE stream_id = 'subscriber-t-gone'`);
      await sql(`DELETE FROM cl_streams WHERE stream_id = 'subscriber-t-gone'`);
      // An event chained correctly onto a stream's head, and a new stream, both backdated: a
      // position at or before the checkpoint, taken from the oldest transaction in the log.
      const { rows } = await sql(`SELECT min(transaction_id::text::numeric)::text AS xid FROM cl_events`);
      const oldXid = (rows[0] as { xid: string }).xid;
      const insert = async (streamId: string, version: number, prevHash: string, n: number) => {
        const e = complaint(100 + n);
        const metadata = { actor: 'key-intruder', role: 'operator', schemaVersion: 1, chainVersion: 2, prevHash, recordedAt: e.occurredAt };
        const hash = computeHash(prevHash, { type: e.type, data: e.data, occurredAt: e.occurredAt, version, metadata });
        await sql(
          `INSERT INTO cl_events (global_position, transaction_id, stream_id, version, event_id, type, data, metadata, occurred_at)
           OVERRIDING SYSTEM VALUE VALUES ($1, $2::text::xid8, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9)`,
          [900_000_000 + n, oldXid, streamId, version, randomUUID(), e.type, JSON.stringify(e.data), JSON.stringify({ ...metadata, hash }), e.occurredAt],
        );
      };
      const [insertHead] = await opened.store.readStream('subscriber-t-insert', { direction: 'backwards', limit: 1 });
      await insert('subscriber-t-insert', insertHead.version + 1, String(insertHead.metadata.hash), 1);
      await sql(`INSERT INTO cl_streams (stream_id) VALUES ('subscriber-t-new')`);
      await insert('subscriber-t-new', 0, '0'.repeat(64), 2);

      // Then: verify against the kept checkpoint names each, exit code 1.
      const { code, out } = await run('verify', '--all', '--checkpoint', checkpointFile, '--public-key', keyFile);
      const lines = out.trimEnd().split('\n');
      const findings = lines.slice(0, -1).map((l) => l.split(':')[0]);
      expect(findings).toEqual([
        'CHANGED subscriber-t-actor at version 2',
        'CHANGED subscriber-t-data at version 3',
        'DELETED-STREAM subscriber-t-gone',
        `INSERTED subscriber-t-insert at version ${insertHead.version + 1}`,
        'DELETED-EVENT subscriber-t-middle at version 4',
        'INSERTED-STREAM subscriber-t-new at version 0',
        `DELETED-TAIL subscriber-t-tail at version ${heads['subscriber-t-tail']}`,
      ]);
      expect(lines.at(-1)).toMatch(/^NOT VERIFIED: 7 findings against the checkpoint at position \d+/);
      expect(code).toBe(1);
      // The chain alone sees only three of them.
      expect((await run('verify', '--all')).out.trimEnd().split('\n')).toHaveLength(3);
    });

    it('a checkpoint whose stored heads were altered too still fails, without naming streams it cannot prove', async () => {
      await sql(`UPDATE audit_checkpoint_heads SET version = version - 1 WHERE stream_id = 'subscriber-t-tail'`);
      const { code, out } = await run('verify', '--all', '--checkpoint', checkpointFile, '--public-key', keyFile);
      expect(code).toBe(1);
      expect(out).toContain("ROOT-MISMATCH *: the heads as of position");
      expect(out).toContain("database's copy of the checkpoint's heads was altered too");
      // The chain breaks are still located.
      expect(out).toContain('CHANGED subscriber-t-data at version 3');
    });

    it('a kept checkpoint that was edited, or a key that is not its signer, is refused', async () => {
      const edited = join(dir, 'edited.json');
      await writeFile(edited, JSON.stringify({ ...checkpoint, streams: checkpoint.streams - 1 }));
      const forged = await run('verify', '--all', '--checkpoint', edited, '--public-key', keyFile);
      expect(forged.code).toBe(1);
      expect(forged.out).toMatch(/^NOT VERIFIED: the signature of the checkpoint/);
      const other = join(dir, 'other.pem');
      await writeFile(other, generateSigningKey().key.publicKeyPem);
      const wrongKey = await run('verify', '--all', '--checkpoint', checkpointFile, '--public-key', other);
      expect(wrongKey.code).toBe(2);
      expect(wrongKey.err).toContain(`the checkpoint says it was signed by ${checkpoint.keyId}`);
      expect((await run('verify', 'ana', '--checkpoint', checkpointFile)).code).toBe(2);
      expect((await run('verify', '--all', '--checkpoint', join(dir, 'missing.json'))).err).toContain('cannot read the checkpoint');
    });
  });
}

describeTampering('pglite');
describeTampering('postgres');
