/**
 * `audit export --all` and `audit verify --export` (docs/auditors.md "Export the whole log"): the
 * whole log, or a range of it, as JSON Lines files with a signed manifest, and its offline check.
 * Kept apart from cli.ts, which only routes to these.
 */
import { readFile, readdir } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { InvalidArgumentError } from 'commander';
import cliProgress from 'cli-progress';
import { exportLog, MANIFEST_FILE, verifyExport, type ExportBound, type Keyring } from '@libs/audit';
import type { EventStore } from '@libs/event-store';

const EXIT_OK = 0;
const EXIT_BROKEN = 1;
const EXIT_USAGE = 2;

/** `--since`/`--until`: a global position (digits) or an ISO-8601 instant (a date means its 00:00Z). */
export function parseBound(value: string): ExportBound {
  if (/^(0|[1-9]\d*)$/.test(value)) return { position: value };
  if (/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) && !Number.isNaN(Date.parse(value))) {
    return { instant: new Date(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value)).toISOString() };
  }
  throw new InvalidArgumentError('a position (digits) or an ISO-8601 instant with a zone, e.g. 2026-03-01T00:00:00Z');
}

/** `--chunk-size`: bytes, or with a k / m / g suffix (binary). */
export function parseSize(value: string): number {
  const m = /^([1-9]\d{0,9})([kmg]?)$/i.exec(value);
  if (!m) throw new InvalidArgumentError('a size in bytes, or with k, m or g, e.g. 64m');
  const bytes = Number(m[1]) * 1024 ** ' kmg'.indexOf((m[2] || ' ').toLowerCase());
  if (bytes < 1024) throw new InvalidArgumentError('at least 1k');
  return bytes;
}

function say(out: Writable, text: string): void {
  out.write(`${text}\n`);
}

function isTty(out: Writable): boolean {
  return (out as Writable & { isTTY?: boolean }).isTTY === true;
}

export interface ExportAllIo {
  store: EventStore;
  stdout: Writable;
  stderr: Writable;
  keyring?: Keyring;
}

export async function exportAll(io: ExportAllIo, options: { out: string; since?: ExportBound; until?: ExportBound; chunkSize?: number }): Promise<number> {
  const key = io.keyring?.signing;
  if (!key) {
    say(io.stderr, `audit: the manifest cannot be signed: ${io.keyring?.unavailableReason ?? 'no audit signing key'} (set AUDIT_SIGNING_KEY_FILE)`);
    return EXIT_USAGE;
  }
  const bar = isTty(io.stderr)
    ? new cliProgress.SingleBar(
        { stream: io.stderr as NodeJS.WritableStream, format: 'exporting [{bar}] {percentage}% | {events} events | {files} files', hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let started = false;
  try {
    const manifest = await exportLog(io.store, options.out, {
      key,
      since: options.since,
      until: options.until,
      chunkBytes: options.chunkSize,
      onProgress: (p) => {
        if (!bar) return;
        // Positions are not dense, but they rise with the log: the share of the range read.
        const total = Number(BigInt(p.until) - BigInt(p.after));
        const done = Number(BigInt(p.position) - BigInt(p.after));
        if (!started) bar.start(total, done, { events: p.events, files: p.files });
        else bar.update(done, { events: p.events, files: p.files });
        started = true;
      },
    });
    bar?.stop();
    say(
      io.stderr,
      `exported ${manifest.events} events of ${manifest.head.streams} streams in ${manifest.files.length} files to ${options.out} ` +
        `(positions after ${manifest.range.after} up to ${manifest.range.until}); ${MANIFEST_FILE} signed with key ${manifest.keyId}`,
    );
    return EXIT_OK;
  } catch (error) {
    bar?.stop();
    say(io.stderr, `audit: export failed: ${(error as Error).message}`);
    return EXIT_USAGE;
  }
}

/** The public key to check a manifest with: the file given, else the keyring's key of the manifest's keyId. */
async function publicKeyFor(dir: string, file: string | undefined, keyring: Keyring | undefined): Promise<string | undefined> {
  if (file !== undefined) return readFile(file, 'utf8');
  if (!keyring) return undefined;
  try {
    const { keyId } = JSON.parse(await readFile(`${dir}/${MANIFEST_FILE}`, 'utf8')) as { keyId?: unknown };
    return typeof keyId === 'string' ? keyring.publicKey(keyId) : undefined;
  } catch {
    return undefined;
  }
}

/** Checks an export offline; every problem on stdout as `BROKEN <file>[:<line>]: …`. */
export async function verifyExportDir(io: { stdout: Writable; stderr: Writable; keyring?: Keyring }, options: { export: string; publicKey?: string }): Promise<number> {
  try {
    await readdir(options.export);
  } catch (error) {
    say(io.stderr, `audit: cannot read the export ${options.export}: ${(error as Error).message}`);
    return EXIT_USAGE;
  }
  let publicKeyPem: string | undefined;
  try {
    publicKeyPem = await publicKeyFor(options.export, options.publicKey, io.keyring);
  } catch (error) {
    say(io.stderr, `audit: cannot read the public key ${options.publicKey}: ${(error as Error).message}`);
    return EXIT_USAGE;
  }
  let filesDone = 0;
  const result = await verifyExport(options.export, {
    publicKeyPem,
    onFile: () => {
      filesDone++;
      if (isTty(io.stderr)) io.stderr.write(`\rverified ${filesDone} files`);
    },
  });
  if (isTty(io.stderr) && filesDone > 0) io.stderr.write('\n');
  for (const p of result.problems) say(io.stdout, `BROKEN ${p.file}${p.line !== undefined ? `:${p.line}` : ''}: ${p.message}`);
  if (result.problemCount > result.problems.length) say(io.stdout, `… and ${result.problemCount - result.problems.length} more problems`);
  if (result.valid) {
    say(io.stdout, `OK export ${options.export}: ${result.files} files, ${result.events} events, ${result.streams} streams; manifest signed by key ${result.manifest?.keyId}`);
  }
  if (result.keySource === 'export') {
    say(io.stderr, `note: the signature was checked with the export's own public-key.pem; pin the service's key with --public-key <pem> (GET /v1/audit/public-key)`);
  }
  return result.valid ? EXIT_OK : EXIT_BROKEN;
}
