import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { EventStore } from '@libs/event-store';
import type { SqlDatabase } from '@libs/sql';
import { parseCheckpoint, type Checkpoint } from './checkpoint.js';
import { keyIdOf, Keyring, loadPublicKeys } from './keys.js';
import { CheckpointLedger } from './ledger.js';
import { byStreamId, MerkleRootBuilder, type Head } from './merkle.js';
import type { LeavesSource } from './against-checkpoint.js';
import { readAhead, storedLogPages } from './stored-log.js';

/** An auditor's kept checkpoint from a file (the JSON of `GET /v1/audit/checkpoints/{id}`). */
export async function readCheckpointFile(file: string): Promise<Checkpoint> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the checkpoint ${file}: ${(error as Error).message}`);
  }
  try {
    return parseCheckpoint(JSON.parse(text));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
}

async function getJson(url: string, apiKey: string | undefined): Promise<unknown> {
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) }, redirect: 'error' });
  } catch (error) {
    throw new Error(`GET ${url} failed: ${(error as Error).message}`);
  }
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}${response.status === 401 || response.status === 403 ? ' (set AUDIT_API_KEY to an auditor key)' : ''}`);
  return response.json();
}

/** A checkpoint served by the service (`GET /v1/audit/checkpoints/{id}`, or the latest of the list). */
export async function fetchCheckpoint(url: string, apiKey?: string): Promise<Checkpoint> {
  const body = (await getJson(url, apiKey)) as { checkpoints?: unknown[] };
  // The list answers newest first; a URL of the list means its newest.
  const value = Array.isArray(body?.checkpoints) ? body.checkpoints[0] : body;
  if (value === undefined) throw new Error(`${url} lists no checkpoint`);
  return parseCheckpoint(value);
}

export interface PublicKeySources {
  /** A PEM file the auditor pins (public key, or a private key whose public half is taken). */
  pinnedFile?: string;
  /** AUDIT_PUBLIC_KEYS_DIR. */
  keysDir?: string;
  /** The operator's AUDIT_SIGNING_KEY_FILE. */
  signingKeyFile?: string;
  /** The service's `GET /v1/audit/public-key`. */
  serviceUrl?: string;
  apiKey?: string;
}

async function pemOfFile(file: string): Promise<string> {
  const pem = await readFile(file, 'utf8').catch((error: Error) => {
    throw new Error(`cannot read the public key ${file}: ${error.message}`);
  });
  try {
    const key = pem.includes('PRIVATE KEY') ? createPublicKey(createPrivateKey(pem)) : createPublicKey(pem);
    if (key.asymmetricKeyType !== 'ed25519') throw new Error('not an Ed25519 key');
    return key.export({ type: 'spki', format: 'pem' }).toString();
  } catch (error) {
    throw new Error(`${file} is not an Ed25519 PEM key: ${(error as Error).message}`);
  }
}

/**
 * The public key that signed `keyId`, and where it came from. A pinned file is the only one tried
 * when given (it must be that key); otherwise the keys directory, the signing key file, the service.
 * Every candidate's id is recomputed from the key itself, so no source can pass one key for another.
 */
export async function resolvePublicKey(keyId: string, sources: PublicKeySources): Promise<{ pem: string; source: string }> {
  if (sources.pinnedFile) {
    const pem = await pemOfFile(sources.pinnedFile);
    const id = keyIdOf(pem);
    if (id !== keyId) throw new Error(`the pinned key ${sources.pinnedFile} is ${id}; the checkpoint says it was signed by ${keyId}`);
    return { pem, source: sources.pinnedFile };
  }
  if (sources.keysDir) {
    const found = (await loadPublicKeys(sources.keysDir)).find((k) => k.keyId === keyId);
    if (found) return { pem: found.publicKey, source: `AUDIT_PUBLIC_KEYS_DIR ${sources.keysDir}` };
  }
  if (sources.signingKeyFile) {
    const pem = await pemOfFile(sources.signingKeyFile);
    if (keyIdOf(pem) === keyId) return { pem, source: `AUDIT_SIGNING_KEY_FILE ${sources.signingKeyFile}` };
  }
  if (sources.serviceUrl) {
    const url = new URL('/v1/audit/public-key', sources.serviceUrl).toString();
    const body = (await getJson(url, sources.apiKey)) as { keys?: Array<{ keyId?: unknown; publicKey?: unknown }> };
    for (const k of body?.keys ?? []) {
      if (k.keyId === keyId && typeof k.publicKey === 'string' && keyIdOf(k.publicKey) === keyId) return { pem: k.publicKey, source: url };
    }
  }
  throw new Error(`no public key for ${keyId}: pin one with --public-key <pem>, or put it in AUDIT_PUBLIC_KEYS_DIR`);
}

/**
 * The database's copy of a checkpoint's heads, used only when they give its signed root (then they
 * are exactly the heads signed, and name the streams that differ). `altered`: the copy is there but
 * was changed; `absent`: the database does not have this checkpoint. `pages` reads them again, page
 * by page, each time it is iterated: at 100,000 streams the heads are never all in memory.
 */
export async function storedLeaves(store: EventStore, db: SqlDatabase, checkpoint: Checkpoint): Promise<{ pages?: AsyncIterable<Head[]>; source: LeavesSource }> {
  const ledger = new CheckpointLedger(store, db, new Keyring(undefined));
  let stored;
  try {
    stored = await ledger.find(checkpoint);
  } catch {
    // No audit schema in this database: it never signed a checkpoint.
    return { source: 'absent' };
  }
  if (!stored) return { source: 'absent' };
  const id = stored.id;
  const root = new MerkleRootBuilder();
  for await (const page of readAhead(ledger.headPages(id))) for (const h of page) root.push(h);
  if (root.count !== checkpoint.streams || root.root() !== checkpoint.headsRoot) return { source: 'altered' };
  return { pages: { [Symbol.asyncIterator]: () => ledger.headPages(id) }, source: 'stored' };
}

/** Every head of `pages` in one array (a proof needs the whole tree). */
export async function collectHeads(pages: AsyncIterable<Head[]>): Promise<Head[]> {
  const heads: Head[] = [];
  for await (const page of pages) for (const h of page) heads.push(h);
  return heads;
}

/** Every stream's head as of `position`, from the log itself (sorted by stream: the tree's leaves). */
export async function headsAsOf(store: EventStore, position: string): Promise<Head[]> {
  const leaves = new Map<string, { version: number; hash: string }>();
  for await (const page of storedLogPages(store, { until: position })) {
    for (const e of page) {
      const was = leaves.get(e.streamId);
      if (!was || was.version < e.version) leaves.set(e.streamId, { version: e.version, hash: String(e.metadata.hash) });
    }
  }
  return [...leaves].map(([streamId, h]) => ({ streamId, ...h })).sort(byStreamId);
}
