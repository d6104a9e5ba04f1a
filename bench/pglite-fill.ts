/**
 * Fills a PGlite DATA_DIR with about `--events` events (default 1,000,000) of the demo company's
 * kind, to measure the service on a big embedded store (BENCHMARKS.md, "Embedded default"):
 * the simulator runs the demo company once against the in-memory application (real commands,
 * policies and follow-ups), and that log is written again and again, each copy under fresh ids
 * (every UUID in stream ids, data and metadata mapped per copy), so the projections see real
 * event types and shapes, not filler. Appends are one stream's events at a time (≤ `--batch`
 * events), `--writers` at once, so the store's group commit coalesces them.
 * Usage: node dist/bench/pglite-fill.js --dir /tmp/pglite-1m [--events 1000000 --writers 4 --batch 100]
 */
import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';
import { openEventStore, type NewEvent } from '@libs/event-store';
import { InMemoryDomainTarget, runSimulation, type LoggedEvent } from '@libs/simulator';
import { arg, log, stringArg } from './support.js';

const DIR = stringArg('dir');
const EVENTS = arg('events', 1_000_000);
const WRITERS = arg('writers', 4);
const BATCH = arg('batch', 100);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** The same UUID always maps to the same one within a copy, and to a different one in each copy. */
function remap(copy: number): (text: string) => string {
  const seen = new Map<string, string>();
  return (text) =>
    text.replace(UUID, (u) => {
      let v = seen.get(u);
      if (v === undefined) {
        const h = createHash('sha256').update(`${copy}:${u}`).digest('hex');
        v = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
        seen.set(u, v);
      }
      return v;
    });
}

interface Template {
  streamId: string;
  events: Array<Pick<LoggedEvent, 'type' | 'data'> & { id: string; occurredAt: string; metadata: Record<string, unknown> }>;
}

async function main(): Promise<void> {
  if (!DIR) throw new Error('--dir <empty directory> is required');
  const started = performance.now();
  const source = new InMemoryDomainTarget();
  const summary = await runSimulation({ seed: 7, subscribers: 500, months: 24, startMonth: '2024-01' }, source);
  // The in-memory store keeps the full envelopes: ids, business times and metadata to copy.
  const stored = source.stored;
  const streams = new Map<string, Template>();
  for (const e of stored) {
    const t = streams.get(e.streamId) ?? { streamId: e.streamId, events: [] };
    const { actor, role, correlationId, causationId, schemaVersion } = e.metadata;
    t.events.push({ id: e.id, type: e.type, data: e.data, occurredAt: e.occurredAt, metadata: { actor, role, correlationId, causationId, schemaVersion } });
    streams.set(e.streamId, t);
  }
  // A stream id without a UUID would be the same stream in every copy: refuse rather than merge.
  const fixed = [...streams.keys()].filter((id) => !/[0-9a-f]{8}-[0-9a-f]{4}-/.test(id));
  if (fixed.length > 0) throw new Error(`streams without a UUID in their id cannot be copied: ${fixed.slice(0, 3).join(', ')}`);
  const copies = Math.max(1, Math.round(EVENTS / stored.length));
  log(`template: ${stored.length} events in ${streams.size} streams (${summary.commands} commands) in ${((performance.now() - started) / 1000).toFixed(1)} s; writing ${copies} copies into ${DIR}`);

  const opened = await openEventStore({ backend: 'pglite', dataDir: DIR });
  const fillStarted = performance.now();
  let written = 0;
  try {
    for (let copy = 0; copy < copies; copy++) {
      const map = remap(copy);
      // One entry per stream: its batches go out one after another, streams `--writers` at once.
      const queue = [...streams.values()].map((t) => {
        const events = t.events.map((e) => JSON.parse(map(JSON.stringify(e))) as NewEvent);
        const batches: NewEvent[][] = [];
        for (let i = 0; i < events.length; i += BATCH) batches.push(events.slice(i, i + BATCH));
        return [map(t.streamId), batches] as const;
      });
      let next = 0;
      await Promise.all(
        Array.from({ length: WRITERS }, async () => {
          while (next < queue.length) {
            const [streamId, batches] = queue[next++]!;
            for (const b of batches) {
              await opened.store.append(streamId, b);
              written += b.length;
            }
          }
        }),
      );
      const s = (performance.now() - fillStarted) / 1000;
      log(`copy ${copy + 1}/${copies}: ${written} events, ${s.toFixed(0)} s, ${(written / s).toFixed(0)} events/s, RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB, load ${loadavg()[0]!.toFixed(1)}`);
    }
  } finally {
    await opened.close();
  }
  const s = (performance.now() - fillStarted) / 1000;
  log(JSON.stringify({ events: written, copies, writers: WRITERS, batch: BATCH, seconds: Math.round(s), eventsPerSec: Math.round(written / s), load: loadavg()[0] }));
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
