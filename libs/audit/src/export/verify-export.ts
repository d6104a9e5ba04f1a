import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chainVersionOf, checkLink, comparePositions, ZERO_HASH, type StoredEvent } from '@libs/event-store';
import { keyIdOf } from '../evidence/keys.js';
import { byStreamId, merkleRoot, type Head } from '../evidence/merkle.js';
import { EXPORT_PUBLIC_KEY_FILE, MANIFEST_FILE, parseManifest, verifyManifestSignature, type ExportFile, type ExportManifest } from './manifest.js';

/** One thing wrong with an export, located: the file and (for an event) its line, from 1. */
export interface ExportProblem {
  file: string;
  line?: number;
  message: string;
}

export interface ExportVerification {
  valid: boolean;
  manifest?: ExportManifest;
  /** Where the public key came from: the auditor's (`given`) or the copy inside the export. */
  keySource?: 'given' | 'export';
  files: number;
  events: number;
  streams: number;
  /** Every problem counted; at most `maxProblems` listed, in the order found. */
  problemCount: number;
  problems: ExportProblem[];
}

export interface VerifyExportOptions {
  /** The public key (PEM) to check the manifest with; absent: the export's own `public-key.pem`. */
  publicKeyPem?: string;
  maxProblems?: number;
  onFile?(file: ExportFile, index: number): void;
}

interface Chain {
  version: number;
  prevHash: string;
  chainVersion: number;
  lastHash: string;
  broken: boolean;
}

/**
 * Checks an export directory offline (docs/auditors.md "Export the whole log"): the manifest's
 * signature, that every listed file is there with its SHA-256 and event count and nothing else
 * is, that positions rise within the range, every stream's hash chain across the files (from
 * version 0 with 64 zeros for a complete export; from the first exported event otherwise), and
 * the heads' root. Reads one line at a time; memory holds one chain link per stream.
 */
export async function verifyExport(dir: string, options: VerifyExportOptions = {}): Promise<ExportVerification> {
  const max = options.maxProblems ?? 1000;
  const problems: ExportProblem[] = [];
  let problemCount = 0;
  const problem = (file: string, message: string, line?: number) => {
    problemCount++;
    if (problems.length < max) problems.push(line === undefined ? { file, message } : { file, line, message });
  };
  const result = (extra: Partial<ExportVerification> = {}): ExportVerification => ({ valid: problemCount === 0, files: 0, events: 0, streams: 0, problemCount, problems, ...extra });

  let manifest: ExportManifest;
  try {
    manifest = parseManifest(JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')));
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    problem(MANIFEST_FILE, e.code === 'ENOENT' ? 'missing: the export did not finish, or the manifest was removed' : e.message);
    return result();
  }

  let keySource: 'given' | 'export' = 'given';
  let publicKey = options.publicKeyPem;
  if (publicKey === undefined) {
    keySource = 'export';
    publicKey = await readFile(join(dir, EXPORT_PUBLIC_KEY_FILE), 'utf8').catch(() => undefined);
  }
  if (publicKey === undefined) problem(MANIFEST_FILE, `no public key to check the signature with (no --public-key and no ${EXPORT_PUBLIC_KEY_FILE})`);
  else {
    let keyId: string | undefined;
    try {
      keyId = keyIdOf(publicKey);
    } catch (error) {
      problem(keySource === 'given' ? 'public key' : EXPORT_PUBLIC_KEY_FILE, `not a PEM public key: ${(error as Error).message}`);
    }
    if (keyId !== undefined && keyId !== manifest.keyId) problem(MANIFEST_FILE, `signed with key ${manifest.keyId}, the public key given is ${keyId}`);
    else if (keyId !== undefined && !verifyManifestSignature(manifest, publicKey)) {
      problem(MANIFEST_FILE, `signature does not verify with key ${manifest.keyId}: the manifest was changed after it was signed`);
    }
  }

  const listed = new Set(manifest.files.map((f) => f.name));
  for (const name of (await readdir(dir)).sort()) {
    if (name !== MANIFEST_FILE && name !== EXPORT_PUBLIC_KEY_FILE && !listed.has(name)) problem(name, 'not listed in the manifest');
  }

  const chains = new Map<string, Chain>();
  let lastPosition = manifest.range.after;
  let events = 0;
  let files = 0;
  for (const [index, file] of manifest.files.entries()) {
    const path = join(dir, file.name);
    try {
      await access(path);
    } catch {
      problem(file.name, `missing (listed in the manifest with ${file.events} events, positions ${file.firstPosition}–${file.lastPosition})`);
      continue;
    }
    // Hashed from the raw bytes, alongside the line reader (both listen from the first chunk).
    const hash = createHash('sha256');
    const input = createReadStream(path);
    input.on('data', (chunk) => hash.update(chunk));
    const lines = createInterface({ input, crlfDelay: Infinity });
    files++;
    let line = 0;
    let first: string | undefined;
    let last: string | undefined;
    for await (const text of lines) {
      line++;
      let event: StoredEvent;
      try {
        event = JSON.parse(text) as StoredEvent;
        if (!event || typeof event !== 'object' || typeof event.position !== 'string' || typeof event.streamId !== 'string' || !event.metadata) throw new Error('not an event');
      } catch {
        problem(file.name, 'not an exported event (JSON with position, streamId, metadata)', line);
        continue;
      }
      events++;
      first ??= event.position;
      last = event.position;
      if (comparePositions(event.position, lastPosition) <= 0) problem(file.name, `position ${event.position} is not after the previous one (${lastPosition})`, line);
      else if (comparePositions(event.position, manifest.range.until) > 0) problem(file.name, `position ${event.position} is past the export's range (until ${manifest.range.until})`, line);
      lastPosition = event.position;
      checkChain(chains, event, manifest.complete, (message) => problem(file.name, message, line));
    }
    const digest = hash.digest('hex');
    if (digest !== file.sha256) problem(file.name, `SHA-256 ${digest} does not match the manifest's ${file.sha256}`);
    if (line !== file.events) problem(file.name, `${line} events, the manifest says ${file.events}`);
    if (first !== file.firstPosition || last !== file.lastPosition) problem(file.name, `positions ${first ?? '-'}–${last ?? '-'}, the manifest says ${file.firstPosition}–${file.lastPosition}`);
    options.onFile?.(file, index);
  }

  if (events !== manifest.events) problem(MANIFEST_FILE, `the files hold ${events} events, the manifest says ${manifest.events}`);
  const heads: Head[] = [...chains].map(([streamId, c]) => ({ streamId, version: c.version - 1, hash: c.lastHash })).sort(byStreamId);
  const root = merkleRoot(heads);
  if (heads.length !== manifest.head.streams || root !== manifest.head.headsRoot) {
    problem(MANIFEST_FILE, `the files' stream heads (${heads.length} streams, root ${root}) do not match the manifest's head (${manifest.head.streams} streams, root ${manifest.head.headsRoot})`);
  }
  return result({ manifest, keySource, files, events, streams: heads.length });
}

/** Checks one event against its stream's previous one in the export; the first break per stream is reported. */
function checkChain(chains: Map<string, Chain>, event: StoredEvent, complete: boolean, report: (message: string) => void): void {
  let chain = chains.get(event.streamId);
  if (!chain) {
    // A range that starts mid-stream can only check from the first exported event on.
    const fromStart = complete || event.version === 0;
    chain = { version: fromStart ? 0 : event.version, prevHash: fromStart ? ZERO_HASH : String(event.metadata.prevHash), chainVersion: 1, lastHash: '', broken: false };
    chains.set(event.streamId, chain);
  }
  chain.lastHash = String(event.metadata.hash);
  if (chain.broken) {
    chain.version = event.version + 1;
    return;
  }
  const link = checkLink(event, { version: chain.version, prevHash: chain.prevHash, chainVersion: chain.chainVersion });
  if (link.reason) {
    const where = link.reason === 'missing-version' ? `version ${chain.version} expected, found ${event.version}` : `version ${event.version}`;
    report(`${event.streamId} ${where}: ${link.reason}`);
    chain.broken = true;
    chain.version = event.version + 1;
    return;
  }
  chain.prevHash = link.hash;
  chain.chainVersion = chainVersionOf(event.metadata);
  chain.version++;
}
