/**
 * The auditor's command line (domain.md §7) over an opened event store: history, state as of,
 * integrity verification and export. Kept apart from `main.ts` (which only opens the store from
 * the environment) so it can be run and tested against any store with any output streams.
 *
 * Exit codes: 0 done (and every verified chain intact); 1 a chain is broken; 2 usage error or
 * nothing found.
 */
import type { Writable } from 'node:stream';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import cliProgress from 'cli-progress';
import {
  aggregateOfStream,
  asStored,
  CASE_STREAM_PREFIX,
  exportStream,
  jsonLines,
  stateAsOf,
  streamHistory,
  SUBSCRIBER_STREAM_PREFIX,
  upcastToCurrent,
  verifyAllStreams,
  verifyStream,
  writeWithBackpressure,
  type AccessRecorder,
  type Keyring,
  type StreamVerification,
} from '@libs/audit';
import type { EventStore } from '@libs/event-store';
import type { SqlDatabase } from '@libs/sql';
import { accountRead } from './accounting.js';
import { proveStream, verifyWithCheckpoint, type CheckpointCliEnv, type CheckpointOptions } from './checkpoint-commands.js';
import { exportAll, parseBound, parseSize, verifyExportDir } from './export-all.js';

export interface AuditCliIo {
  store: EventStore;
  stdout: Writable;
  stderr: Writable;
  /** Keys: the one export manifests are signed with, and public keys to check them (absent: none). */
  keyring?: Keyring;
  /** Where each read is recorded (the access log), and as whom; absent: nothing recorded (tests). */
  accessLog?: AccessRecorder;
  actor?: string;
  /** The store's database (checkpoints and their stored heads); absent: proofs recompute heads from the log. */
  db?: SqlDatabase;
  /** Key sources and the API key for --checkpoint-url. */
  env?: CheckpointCliEnv;
}

const EXIT_OK = 0;
const EXIT_BROKEN = 1;
export const EXIT_USAGE = 2;

/** A failure already explained to the user: its exit code, no stack trace. */
class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/**
 * Resolves what the user typed to a stream: a stream name as it is (`subscriber-…`, `case-…`),
 * else a subscriber id, else a case id — the first that exists.
 */
async function resolveStream(store: EventStore, target: string, prefixes: readonly string[] = [SUBSCRIBER_STREAM_PREFIX, CASE_STREAM_PREFIX]): Promise<string> {
  const candidates = [target, ...prefixes.map((p) => `${p}${target}`)];
  for (const streamId of candidates) {
    if (!isStreamName(streamId)) continue;
    if ((await store.streamVersion(streamId)) >= 0) return streamId;
  }
  throw new CliFailure(`no stream found for "${target}" (tried ${candidates.join(', ')})`, EXIT_USAGE);
}

function isStreamName(s: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,199}$/.test(s);
}

function parseVersion(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('a stream version is a non-negative integer');
  return Number(value);
}

function parseInstant(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/.test(value) || Number.isNaN(Date.parse(value))) {
    throw new InvalidArgumentError('an instant is ISO-8601 with a zone, e.g. 2026-03-01T00:00:00Z (or a date, meaning its 00:00Z)');
  }
  return new Date(Date.parse(value.length === 10 ? `${value}T00:00:00Z` : value)).toISOString();
}

function line(out: Writable, text: string): void {
  out.write(`${text}\n`);
}

function describeBroken(v: StreamVerification): string {
  return `BROKEN ${v.streamId} at version ${v.brokenAtVersion} (${v.reason})`;
}

/** Runs one audit command; resolves with the process exit code. Never calls `process.exit`. */
export async function runAuditCli(argv: readonly string[], io: AuditCliIo): Promise<number> {
  const { store, stdout, stderr } = io;
  let exitCode = EXIT_OK;

  const program = new Command('audit')
    .description('Audit the client-lifecycle event log: history, state as of, integrity, export')
    .exitOverride()
    .configureOutput({ writeOut: (s) => stdout.write(s), writeErr: (s) => stderr.write(s) })
    .showHelpAfterError();
  // Every command that reads the log is recorded before it reads (see accounting.ts).
  program.hook('preAction', (_program, command) => accountRead(io, argv, command));

  program
    .command('history')
    .description('a stream\'s events in order, one JSON envelope per line')
    .argument('<stream>', 'stream name, subscriber id or case id')
    .option('--as-stored', 'the events exactly as stored (no upcasting): what the hash chain covers')
    .action(async (target: string, options: { asStored?: boolean }) => {
      const streamId = await resolveStream(store, target);
      await writeWithBackpressure(jsonLines(streamHistory(store, streamId, { upcast: options.asStored ? asStored : upcastToCurrent })), stdout);
    });

  program
    .command('state')
    .description('an aggregate\'s state, latest or as of an instant or stream version (the earlier wins)')
    .argument('<id>', 'subscriber id, case id or stream name')
    .addOption(new Option('--as-of <instant>', 'fold the events whose business time is at or before this instant').argParser(parseInstant))
    .addOption(new Option('--version <n>', 'fold the events up to and including this stream version').argParser(parseVersion))
    .action(async (target: string, options: { asOf?: string; version?: number }) => {
      const streamId = await resolveStream(store, target);
      const aggregate = aggregateOfStream(streamId);
      if (!aggregate) throw new CliFailure(`${streamId} is not a subscriber or case stream`, EXIT_USAGE);
      const folded = await stateAsOf(store, streamId, aggregate.folder, { asOf: options.asOf, version: options.version });
      const result = {
        streamId,
        aggregate: aggregate.kind,
        ...(options.asOf !== undefined ? { asOf: options.asOf } : {}),
        ...(options.version !== undefined ? { asOfVersion: options.version } : {}),
        version: folded.version,
        events: folded.events,
        lastOccurredAt: folded.lastOccurredAt ?? null,
        state: aggregate.view(folded.state),
      };
      line(stdout, JSON.stringify(result, null, 2));
    });

  program
    .command('verify')
    .description('recompute hash chains; exit code 1 when one is broken')
    .argument('[stream]', 'stream name, subscriber id or case id')
    .option('--all', 'every stream in the store')
    .option('--prefix <prefix>', 'with --all: only streams whose name starts with this')
    .addOption(new Option('--concurrency <n>', 'streams verified at once (--all)').argParser(parseVersion).default(4))
    .option('--export <dir>', 'check an export written by `export --all`, offline: manifest signature, files, chains')
    .option('--checkpoint <file>', 'with --all: prove the log against this kept checkpoint (JSON of GET /v1/audit/checkpoints/{id})')
    .option('--checkpoint-url <url>', 'with --all: the kept checkpoint from the service (its public key too, unless pinned)')
    .option('--public-key <pem>', 'the public key to check signatures with (default: AUDIT_PUBLIC_KEYS_DIR, the service\'s key)')
    .action(async (target: string | undefined, options: { all?: boolean; prefix?: string; concurrency: number; export?: string } & CheckpointOptions) => {
      if (options.export !== undefined) {
        if (target !== undefined || options.all) throw new CliFailure('verify --export takes no stream and no --all', EXIT_USAGE);
        exitCode = await verifyExportDir(io, { export: options.export, publicKey: options.publicKey });
        return;
      }
      if ((options.all === true) === (target !== undefined)) throw new CliFailure('verify takes either a stream or --all', EXIT_USAGE);
      if (options.checkpoint !== undefined || options.checkpointUrl !== undefined) {
        if (target !== undefined || options.prefix !== undefined) throw new CliFailure('a checkpoint covers the whole log: verify --all --checkpoint, without a stream or --prefix', EXIT_USAGE);
        exitCode = await verifyWithCheckpoint(options, io);
        return;
      }
      if (target !== undefined) {
        const streamId = await resolveStream(store, target);
        const result = await verifyStream(store, streamId);
        if (result.valid) {
          line(stdout, `OK ${streamId}: ${result.events} events, head hash ${result.headHash ?? '-'}`);
        } else {
          line(stdout, describeBroken(result));
          exitCode = EXIT_BROKEN;
        }
        return;
      }
      const isTty = (stderr as Writable & { isTTY?: boolean }).isTTY === true;
      const bar = isTty
        ? new cliProgress.SingleBar(
            { stream: stderr as NodeJS.WritableStream, format: 'verifying [{bar}] {value}/{total} streams | {events} events | {broken} broken', hideCursor: true },
            cliProgress.Presets.shades_classic,
          )
        : undefined;
      let started = false;
      const result = await verifyAllStreams(store, {
        prefix: options.prefix,
        concurrency: Math.max(1, options.concurrency),
        onProgress: (p) => {
          if (!bar) return;
          if (!started) {
            bar.start(p.streamsTotal, p.streamsDone, { events: p.events, broken: p.broken });
            started = true;
          } else {
            bar.setTotal(Math.max(p.streamsTotal, p.streamsDone));
            bar.update(p.streamsDone, { events: p.events, broken: p.broken });
          }
        },
      });
      bar?.stop();
      for (const broken of result.broken) line(stdout, describeBroken(broken));
      if (result.brokenCount > result.broken.length) line(stdout, `… and ${result.brokenCount - result.broken.length} more broken streams`);
      line(stderr, `${result.streams} streams, ${result.events} events verified: ${result.brokenCount === 0 ? 'all intact' : `${result.brokenCount} broken`}`);
      if (!result.valid) exitCode = EXIT_BROKEN;
    });

  program
    .command('export')
    .description('write a stream\'s history as JSON Lines (as stored, so the chain can be recomputed from the file); --all: the whole log with a signed manifest')
    .argument('[stream]', 'stream name, subscriber id or case id')
    .requiredOption('--out <path>', 'file to write (written to <file>.partial, then renamed); with --all a new or empty directory')
    .option('--upcast', 'today\'s contracts instead of the stored versions')
    .option('--all', 'every stream: JSON Lines files in log order and manifest.json (SHA-256, counts, position ranges, heads root), signed')
    .addOption(new Option('--since <position|instant>', 'with --all: events after this position, or recorded at or after this instant').argParser(parseBound))
    .addOption(new Option('--until <position|instant>', 'with --all: events up to this position, or recorded at or before this instant').argParser(parseBound))
    .addOption(new Option('--chunk-size <size>', 'with --all: start a new file past this size (bytes, or k/m/g)').argParser(parseSize).default(64 * 1024 * 1024, '64m'))
    .action(async (target: string | undefined, options: { out: string; upcast?: boolean; all?: boolean; since?: ReturnType<typeof parseBound>; until?: ReturnType<typeof parseBound>; chunkSize: number }) => {
      if ((options.all === true) === (target !== undefined)) throw new CliFailure('export takes either a stream or --all', EXIT_USAGE);
      if (options.all) {
        if (options.upcast) throw new CliFailure('export --all writes the log as stored (what the chains cover); --upcast is for one stream', EXIT_USAGE);
        exitCode = await exportAll(io, { out: options.out, since: options.since, until: options.until, chunkSize: options.chunkSize });
        return;
      }
      if (options.since !== undefined || options.until !== undefined) throw new CliFailure('--since and --until go with --all', EXIT_USAGE);
      const streamId = await resolveStream(store, target as string);
      const result = await exportStream(store, streamId, options.out, { upcast: options.upcast ? upcastToCurrent : asStored });
      line(stderr, `exported ${result.events} events of ${streamId} to ${options.out} (${result.bytes} bytes)`);
    });

  program
    .command('prove')
    .description('a Merkle inclusion proof of a stream\'s head in a kept checkpoint (JSON; docs/auditors.md checks it with node:crypto alone)')
    .argument('<stream>', 'stream name, subscriber id or case id')
    .option('--checkpoint <file>', 'the kept checkpoint')
    .option('--checkpoint-url <url>', 'the checkpoint from the service')
    .option('--public-key <pem>', 'check the checkpoint\'s signature with this key first')
    .action(async (target: string, options: CheckpointOptions) => {
      exitCode = await proveStream(target, options, io);
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    if (error instanceof CliFailure) {
      line(stderr, `audit: ${error.message}`);
      return error.exitCode;
    }
    throw error;
  }
}
