/**
 * `prove <stream>` and the auditors' verification recipe: the exact code block of
 * docs/auditors.md ("verify-proof.mjs") is extracted and run with plain `node` against proofs the
 * CLI printed — valid ones pass, a forged leaf, a forged checkpoint and a foreign key fail. Also
 * `verify --all --checkpoint-url` against the real service listening on a port.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { INestApplication } from '@nestjs/common';
import { jest } from '@jest/globals';
import { CheckpointLedger, generateSigningKey, Keyring, type Checkpoint } from '@libs/audit';
import { openEventStore, type EventStore, type OpenedEventStore } from '@libs/event-store';
import { type SqlDatabase } from '@libs/sql';
import { runCaptured } from './run-cli.js';
import { KEYS, post, startApp, storeOf } from '../http/support.js';
import { steadyMoves, writeSubscriberHistory } from './histories.js';

jest.setTimeout(120_000);
const run = promisify(execFile);

const cli = (io: { store: EventStore; db?: SqlDatabase; env?: Record<string, string> }, ...argv: string[]) => runCaptured(argv, io);

/** The code block after the `<!-- verify-proof.mjs -->` marker of docs/auditors.md, verbatim. */
async function recipeFromDocs(): Promise<string> {
  const doc = await readFile(join(process.cwd(), 'docs/auditors.md'), 'utf8');
  const match = /<!-- verify-proof\.mjs -->\n```js\n([\s\S]*?)```/.exec(doc);
  if (!match) throw new Error('docs/auditors.md has no verify-proof.mjs block');
  return match[1];
}

describe('prove and the documented recipe', () => {
  let opened: OpenedEventStore;
  let dir: string;
  let recipe: string;
  let checkpointFile: string;
  let keyFile: string;
  let checkpoint: Checkpoint;

  const recipeOn = async (proof: unknown, key = keyFile) => {
    const file = join(dir, `proof-${Math.random().toString(36).slice(2)}.json`);
    await writeFile(file, JSON.stringify(proof));
    return run(process.execPath, [recipe, file, key]).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
  };

  beforeAll(async () => {
    opened = await openEventStore({ backend: 'pglite' });
    dir = await mkdtemp(join(tmpdir(), 'cl-proof-'));
    recipe = join(dir, 'verify-proof.mjs');
    await writeFile(recipe, await recipeFromDocs());
    // An odd number of streams, so some leaf is carried up a level unpaired.
    for (let i = 0; i < 7; i++) await writeSubscriberHistory(opened.store, `p-${i}`, steadyMoves(2 + i));
    const { key } = generateSigningKey();
    const ledger = new CheckpointLedger(opened.store, opened.db, new Keyring(key));
    await ledger.init();
    checkpoint = (await ledger.create()).checkpoint;
    checkpointFile = join(dir, 'kept.json');
    keyFile = join(dir, 'audit-public.pem');
    await writeFile(checkpointFile, JSON.stringify(checkpoint));
    await writeFile(keyFile, key.publicKeyPem);
    await writeSubscriberHistory(opened.store, 'p-after', steadyMoves(1));
  });
  afterAll(async () => {
    await opened?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('the recipe is at most 20 lines', async () => {
    expect((await recipeFromDocs()).trimEnd().split('\n').length).toBeLessThanOrEqual(20);
  });

  it('prints the head as signed, the sibling path, root, checkpoint, signature and key id; the recipe says VALID for every stream', async () => {
    for (let i = 0; i < 7; i++) {
      const { code, out } = await cli({ store: opened.store, db: opened.db }, 'prove', `p-${i}`, '--checkpoint', checkpointFile, '--public-key', keyFile);
      expect(code).toBe(0);
      const proof = JSON.parse(out);
      const [head] = await opened.store.readStream(`subscriber-p-${i}`, { direction: 'backwards', limit: 1 });
      expect(proof).toEqual({
        leaf: { streamId: `subscriber-p-${i}`, version: head.version, hash: head.metadata.hash },
        index: i,
        proof: expect.any(Array),
        root: checkpoint.headsRoot,
        checkpoint,
        signature: checkpoint.signature,
        keyId: checkpoint.keyId,
      });
      const checked = await recipeOn(proof);
      expect(checked.stdout).toMatch(/^VALID /);
      expect(checked.code).toBe(0);
    }
  });

  it('the recipe says INVALID for a forged leaf, a forged checkpoint or another key', async () => {
    const proof = JSON.parse((await cli({ store: opened.store, db: opened.db }, 'prove', 'p-3', '--checkpoint', checkpointFile)).out);
    expect((await recipeOn({ ...proof, leaf: { ...proof.leaf, version: proof.leaf.version - 1 } })).stdout).toMatch(/^INVALID .*"signed":true,"included":false/);
    const forgedRoot = { ...proof, checkpoint: { ...proof.checkpoint, streams: proof.checkpoint.streams + 1 } };
    expect(await recipeOn(forgedRoot)).toMatchObject({ code: 1, stdout: expect.stringMatching(/"signed":false/) });
    const other = join(dir, 'other.pem');
    await writeFile(other, generateSigningKey().key.publicKeyPem);
    expect(await recipeOn(proof, other)).toMatchObject({ code: 1, stdout: expect.stringMatching(/^INVALID /) });
  });

  it('without the database copy of the heads the proof is computed from the log; a stream not in the checkpoint is exit 2', async () => {
    const fromLog = await cli({ store: opened.store }, 'prove', 'subscriber-p-5', '--checkpoint', checkpointFile);
    expect(fromLog.code).toBe(0);
    expect((await recipeOn(JSON.parse(fromLog.out))).code).toBe(0);
    const missing = await cli({ store: opened.store, db: opened.db }, 'prove', 'p-after', '--checkpoint', checkpointFile);
    expect(missing.code).toBe(2);
    expect(missing.err).toContain('no stream "p-after" in the checkpoint');
  });
});

describe('verify --all --checkpoint-url against the service', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    app = await startApp();
    await writeSubscriberHistory(storeOf(app), 'url-1', steadyMoves(4));
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app?.close();
  });

  it('fetches the checkpoint and the public key with the auditor key and verifies (exit 0); without a key it says to set AUDIT_API_KEY (exit 2)', async () => {
    const signed = await post(app, '/v1/audit/checkpoints', undefined, 'admin');
    expect(signed.status).toBe(201);
    await writeSubscriberHistory(storeOf(app), 'url-2', steadyMoves(1));
    const url = `${base}${signed.headers.location}`;
    const ok = await cli({ store: storeOf(app), env: { AUDIT_API_KEY: KEYS.auditor } }, 'verify', '--all', '--checkpoint-url', url);
    expect(ok.out).toContain(`verified: 2 streams`);
    expect(ok.out).toContain(`/v1/audit/public-key`);
    expect(ok.code).toBe(0);
    const refused = await cli({ store: storeOf(app) }, 'verify', '--all', '--checkpoint-url', url);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('answered 401 (set AUDIT_API_KEY to an auditor key)');
  });
});
