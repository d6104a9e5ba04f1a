import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { EventStore } from '@libs/event-store';
import { streamHistory } from './history.js';
import { asStored, type EventUpcaster } from './upcast.js';

/** Each value as one line of JSON (JSON Lines). */
export async function* jsonLines(values: AsyncIterable<unknown>): AsyncGenerator<string> {
  for await (const value of values) yield `${JSON.stringify(value)}\n`;
}

/**
 * Writes chunks to a writable, waiting for 'drain' whenever it asks to (backpressure): the
 * source is pulled only as fast as the destination takes it. Resolves with the bytes written;
 * rejects if the destination fails or closes first.
 */
export async function writeWithBackpressure(chunks: AsyncIterable<string>, out: Writable): Promise<number> {
  let bytes = 0;
  for await (const chunk of chunks) {
    if (out.destroyed || out.writableEnded) throw new Error('destination closed');
    bytes += Buffer.byteLength(chunk);
    if (!out.write(chunk)) await drained(out);
  }
  return bytes;
}

/** Resolves on 'drain'; rejects when the writable closes or fails before. */
export function drained(out: Writable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const cleanup = () => {
      out.off('drain', onDrain);
      out.off('close', onClose);
      out.off('error', onError);
    };
    const onDrain = () => {
      cleanup();
      resolve();
    };
    const onClose = () => {
      cleanup();
      reject(new Error('destination closed'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    out.on('drain', onDrain);
    out.on('close', onClose);
    out.on('error', onError);
  });
}

export interface ExportOptions {
  /**
   * Default {@link asStored}: the export is the stream as recorded, so an auditor's own tool can
   * recompute the hash chain from the file alone. `upcastToCurrent` gives today's contracts.
   */
  upcast?: EventUpcaster;
}

/**
 * Exports a stream's history as JSON Lines to a file (domain.md §7). Written to `<file>.partial`
 * and renamed at the end, so a failed export never leaves a truncated file that looks complete.
 */
export async function exportStream(store: EventStore, streamId: string, file: string, options: ExportOptions = {}): Promise<{ events: number; bytes: number }> {
  const partial = `${file}.partial`;
  const out = createWriteStream(partial);
  let events = 0;
  try {
    const counted = (async function* () {
      for await (const event of streamHistory(store, streamId, { upcast: options.upcast ?? asStored })) {
        events++;
        yield event;
      }
    })();
    const bytes = await writeWithBackpressure(jsonLines(counted), out);
    out.end();
    await once(out, 'finish');
    await rename(partial, file);
    return { events, bytes };
  } catch (error) {
    out.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}
