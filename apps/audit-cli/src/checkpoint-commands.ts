/**
 * The auditor's proof against a kept checkpoint: `verify --all --checkpoint <file>` (or
 * `--checkpoint-url <url>`) and `prove <stream> --checkpoint <file>`. Each resolves with the
 * process exit code and explains its failures itself (0 verified, 1 tampering found or the
 * signature does not hold, 2 the checkpoint, its key or the stream could not be had).
 */
import type { Writable } from 'node:stream';
import cliProgress from 'cli-progress';
import {
  CASE_STREAM_PREFIX,
  collectHeads,
  fetchCheckpoint,
  headsAsOf,
  inclusionProof,
  merkleRoot,
  readCheckpointFile,
  resolvePublicKey,
  storedLeaves,
  SUBSCRIBER_STREAM_PREFIX,
  verifyAgainstCheckpoint,
  verifyCheckpointSignature,
  type Checkpoint,
  type Finding,
  type Head,
} from '@libs/audit';
import type { EventStore } from '@libs/event-store';
import type { SqlDatabase } from '@libs/sql';

export interface CheckpointCliIo {
  store: EventStore;
  /** The database holding the audit schema (the checkpoints' stored heads). */
  db?: SqlDatabase;
  stdout: Writable;
  stderr: Writable;
  env?: CheckpointCliEnv;
}

export interface CheckpointCliEnv {
  AUDIT_PUBLIC_KEYS_DIR?: string;
  AUDIT_SIGNING_KEY_FILE?: string;
  AUDIT_API_KEY?: string;
}

export interface CheckpointOptions {
  checkpoint?: string;
  checkpointUrl?: string;
  publicKey?: string;
}

class Unusable extends Error {}

function line(out: Writable, text: string): void {
  out.write(`${text}\n`);
}

async function keptCheckpoint(options: CheckpointOptions, env: CheckpointCliEnv): Promise<Checkpoint> {
  if ((options.checkpoint === undefined) === (options.checkpointUrl === undefined)) throw new Unusable('give the kept checkpoint as --checkpoint <file> or --checkpoint-url <url>, one of them');
  try {
    return options.checkpoint !== undefined ? await readCheckpointFile(options.checkpoint) : await fetchCheckpoint(options.checkpointUrl!, env.AUDIT_API_KEY);
  } catch (error) {
    throw new Unusable((error as Error).message);
  }
}

async function publicKeyOf(checkpoint: Checkpoint, options: CheckpointOptions, env: CheckpointCliEnv): Promise<{ pem: string; source: string }> {
  try {
    return await resolvePublicKey(checkpoint.keyId, {
      pinnedFile: options.publicKey,
      keysDir: env.AUDIT_PUBLIC_KEYS_DIR,
      signingKeyFile: env.AUDIT_SIGNING_KEY_FILE,
      serviceUrl: options.checkpointUrl,
      apiKey: env.AUDIT_API_KEY,
    });
  } catch (error) {
    throw new Unusable((error as Error).message);
  }
}

/** On a TTY: streams read of the checkpoint's (the log is read in stream order), with the events so far. */
function progressBar(stderr: Writable, streams: number): cliProgress.SingleBar | undefined {
  if ((stderr as Writable & { isTTY?: boolean }).isTTY !== true) return undefined;
  const bar = new cliProgress.SingleBar(
    { stream: stderr as NodeJS.WritableStream, format: 'verifying [{bar}] {percentage}% | {value}/{total} streams | {events} events', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(streams, 0, { events: 0 });
  return bar;
}

function describe(f: Finding): string {
  const where = f.version === undefined ? f.streamId : `${f.streamId} at version ${f.version}`;
  return `${f.kind.toUpperCase()} ${where}: ${f.detail}`;
}

async function guarded(stderr: Writable, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof Unusable)) throw error;
    line(stderr, `audit: ${error.message}`);
    return 2;
  }
}

/** `verify --all --checkpoint`: signature, then every chain and every head as of the checkpoint. */
export function verifyWithCheckpoint(options: CheckpointOptions, io: CheckpointCliIo): Promise<number> {
  const env = io.env ?? {};
  return guarded(io.stderr, async () => {
    const checkpoint = await keptCheckpoint(options, env);
    const key = await publicKeyOf(checkpoint, options, env);
    const stored = io.db ? await storedLeaves(io.store, io.db, checkpoint) : { source: 'absent' as const };
    const of = `checkpoint at position ${checkpoint.position} (${checkpoint.streams} streams, signed ${checkpoint.at} by key ${checkpoint.keyId} from ${key.source})`;
    const bar = progressBar(io.stderr, checkpoint.streams);
    let result;
    try {
      result = await verifyAgainstCheckpoint(io.store, checkpoint, {
        publicKeyPem: key.pem,
        heads: stored.pages,
        leavesSource: stored.source,
        onProgress: bar ? (events, streams) => bar.update(Math.min(streams, checkpoint.streams), { events }) : undefined,
      });
    } finally {
      bar?.stop();
    }
    if (!result.signatureValid) {
      line(io.stdout, `NOT VERIFIED: the signature of the ${of} does not verify: the checkpoint was altered or is not this key's`);
      return 1;
    }
    for (const f of result.findings) line(io.stdout, describe(f));
    if (result.findingCount > result.findings.length) line(io.stdout, `… and ${result.findingCount - result.findings.length} more`);
    const counts = `${result.streams} streams, ${result.events} events (${result.covered} at or before the checkpoint)`;
    if (result.valid) {
      line(io.stdout, `verified: ${counts}; nothing at or before the ${of} was changed, deleted or inserted`);
      return 0;
    }
    line(io.stdout, `NOT VERIFIED: ${result.findingCount} finding${result.findingCount === 1 ? '' : 's'} against the ${of}; ${counts}`);
    return 1;
  });
}

function findLeaf(heads: readonly Head[], target: string): number {
  for (const name of [target, `${SUBSCRIBER_STREAM_PREFIX}${target}`, `${CASE_STREAM_PREFIX}${target}`]) {
    const index = heads.findIndex((h) => h.streamId === name);
    if (index >= 0) return index;
  }
  return -1;
}

/**
 * `prove <stream>`: the stream's head as signed and its sibling path to the root, as JSON a third
 * party checks with the public key alone (docs/auditors.md). The heads are the database's copy
 * of the checkpoint's when it gives the root, else recomputed from the log; either must.
 */
export function proveStream(target: string, options: CheckpointOptions, io: CheckpointCliIo): Promise<number> {
  const env = io.env ?? {};
  return guarded(io.stderr, async () => {
    const checkpoint = await keptCheckpoint(options, env);
    const stored = io.db ? await storedLeaves(io.store, io.db, checkpoint) : { source: 'absent' as const };
    const heads = stored.pages ? await collectHeads(stored.pages) : await headsAsOf(io.store, checkpoint.position);
    if (merkleRoot(heads) !== checkpoint.headsRoot || heads.length !== checkpoint.streams) {
      line(io.stdout, `NOT PROVABLE: the log's heads as of position ${checkpoint.position} do not give the checkpoint's root; run verify --all --checkpoint to see what changed`);
      return 1;
    }
    const index = findLeaf(heads, target);
    if (index < 0) throw new Unusable(`no stream "${target}" in the checkpoint at position ${checkpoint.position} (${heads.length} streams)`);
    try {
      const key = await publicKeyOf(checkpoint, options, env);
      if (!verifyCheckpointSignature(checkpoint, key.pem)) {
        line(io.stdout, `NOT VERIFIED: the checkpoint's signature does not verify with key ${checkpoint.keyId} from ${key.source}`);
        return 1;
      }
    } catch (error) {
      // The proof is for a third party holding the key; without one here it is still printed.
      line(io.stderr, `audit: the signature was not checked here: ${(error as Error).message}`);
    }
    const leaf = heads[index];
    const proof = {
      leaf: { streamId: leaf.streamId, version: leaf.version, hash: leaf.hash },
      index,
      proof: inclusionProof(heads, index),
      root: checkpoint.headsRoot,
      checkpoint,
      signature: checkpoint.signature,
      keyId: checkpoint.keyId,
    };
    line(io.stdout, JSON.stringify(proof, null, 2));
    return 0;
  });
}
