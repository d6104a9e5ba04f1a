import { createHash, type Hash } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { comparePositions, type EventStore, type StoredEvent } from '@libs/event-store';
import type { SigningKey } from '../evidence/keys.js';
import { byStreamId, merkleRoot, type Head } from '../evidence/merkle.js';
import { storedLogPages } from '../evidence/stored-log.js';
import { drained } from '../json-lines.js';
import { EXPORT_FORMAT, EXPORT_PUBLIC_KEY_FILE, MANIFEST_FILE, signManifest, type ExportFile, type ExportManifest } from './manifest.js';

/** Where the export starts or stops: a global position, or an instant (bounds `metadata.recordedAt`). */
export type ExportBound = { position: string } | { instant: string };

export interface BulkExportOptions {
  /** Exclusive for a position (chains with the previous export's `until`), inclusive for an instant. */
  since?: ExportBound;
  /** Inclusive. The export never goes past the head position when it started. */
  until?: ExportBound;
  key: SigningKey;
  /** A file is closed once it reaches this many bytes. Default 64 MiB. */
  chunkBytes?: number;
  /** Events per read of the log. Default 5,000. */
  pageSize?: number;
  now?: Date;
  onProgress?(p: BulkExportProgress): void;
}

export interface BulkExportProgress {
  /** Position reached, and the range being read (for a bar: (reached - after) / (until - after)). */
  position: string;
  after: string;
  until: string;
  events: number;
  files: number;
}

const DEFAULT_CHUNK_BYTES = 64 * 1024 * 1024;

function describeBound(b: ExportBound | undefined): string | null {
  return b === undefined ? null : 'position' in b ? b.position : b.instant;
}

/** The file being written: hashed as it is written, renamed from `.partial` when closed. */
class OpenFile {
  readonly hash: Hash = createHash('sha256');
  readonly out: WriteStream;
  bytes = 0;
  events = 0;
  first = '';
  last = '';

  constructor(
    readonly dir: string,
    readonly name: string,
  ) {
    this.out = createWriteStream(join(dir, `${name}.partial`));
  }

  async write(event: StoredEvent): Promise<void> {
    const line = `${JSON.stringify(event)}\n`;
    if (this.events === 0) this.first = event.position;
    this.last = event.position;
    this.events++;
    this.bytes += Buffer.byteLength(line);
    this.hash.update(line);
    if (!this.out.write(line)) await drained(this.out);
  }

  async close(): Promise<ExportFile> {
    this.out.end();
    await once(this.out, 'finish');
    await rename(join(this.dir, `${this.name}.partial`), join(this.dir, this.name));
    return { name: this.name, sha256: this.hash.digest('hex'), bytes: this.bytes, events: this.events, firstPosition: this.first, lastPosition: this.last };
  }

  async discard(): Promise<void> {
    this.out.destroy();
    await rm(join(this.dir, `${this.name}.partial`), { force: true });
  }
}

/**
 * Exports the log (or a range of it) as stored, in position order, to JSON Lines files of at
 * most ~`chunkBytes` (`events-000001.jsonl`, …), then writes `manifest.json` — each file's
 * SHA-256, event count and position range, the heads' Merkle root — signed with the audit key.
 * Reads one page at a time; besides it, memory holds one head per stream (for the root). The
 * manifest is written last: a directory without one is an export that did not finish.
 */
export async function exportLog(store: EventStore, dir: string, options: BulkExportOptions): Promise<ExportManifest> {
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length > 0) throw new Error(`${dir} is not empty: an export is written into a new or empty directory`);
  const head = await store.headPosition();
  const after = options.since && 'position' in options.since ? options.since.position : '0';
  let until = head;
  if (options.until && 'position' in options.until && comparePositions(options.until.position, head) < 0) until = options.until.position;
  const sinceMs = options.since && 'instant' in options.since ? Date.parse(options.since.instant) : undefined;
  const untilMs = options.until && 'instant' in options.until ? Date.parse(options.until.instant) : undefined;
  const chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;

  const heads = new Map<string, { version: number; hash: string }>();
  const files: ExportFile[] = [];
  let current: OpenFile | undefined;
  let events = 0;
  try {
    if (comparePositions(after, until) < 0) {
      for await (const page of storedLogPages(store, { after, until, pageSize: options.pageSize })) {
        for (const event of page) {
          if (sinceMs !== undefined || untilMs !== undefined) {
            const recorded = Date.parse(String(event.metadata.recordedAt));
            if ((sinceMs !== undefined && recorded < sinceMs) || (untilMs !== undefined && recorded > untilMs)) continue;
          }
          if (current && current.bytes >= chunkBytes) {
            files.push(await current.close());
            current = undefined;
          }
          current ??= new OpenFile(dir, `events-${String(files.length + 1).padStart(6, '0')}.jsonl`);
          await current.write(event);
          heads.set(event.streamId, { version: event.version, hash: String(event.metadata.hash) });
          events++;
        }
        options.onProgress?.({ position: page[page.length - 1].position, after, until, events, files: files.length + (current ? 1 : 0) });
      }
    }
    if (current) files.push(await current.close());
    current = undefined;
  } catch (error) {
    await current?.discard();
    throw error;
  }

  const sorted: Head[] = [...heads].map(([streamId, h]) => ({ streamId, version: h.version, hash: h.hash })).sort(byStreamId);
  const manifest = signManifest(
    {
      format: EXPORT_FORMAT,
      formatVersion: 1,
      createdAt: (options.now ?? new Date()).toISOString(),
      range: { after, until, since: describeBound(options.since), untilRequested: describeBound(options.until) },
      complete: after === '0' && sinceMs === undefined,
      events,
      files,
      head: { position: until, streams: sorted.length, headsRoot: merkleRoot(sorted) },
    },
    options.key,
  );
  await writeFile(join(dir, EXPORT_PUBLIC_KEY_FILE), options.key.publicKeyPem);
  await writeFile(join(dir, `${MANIFEST_FILE}.partial`), `${JSON.stringify(manifest, null, 2)}\n`);
  await rename(join(dir, `${MANIFEST_FILE}.partial`), join(dir, MANIFEST_FILE));
  return manifest;
}
