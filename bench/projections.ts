/**
 * bench:projections — rebuild every read model over a large log on PostgreSQL.
 * Generates N events (default 1,000,000) straight into a fresh database in big appends (whole
 * subscriber streams), then rebuilds all projections at once and reports events/s and peak RSS.
 * Usage: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:projections [-- --events 1000000] [--pglite]
 * Last line: one JSON object with the numbers (see BENCHMARKS.md).
 */
import { openEventStore, type NewEvent } from '@libs/event-store';
import { PROJECTIONS, ProjectionEngine } from '@libs/projections';
import { arg, log, throwawayDatabase } from './support.js';

const EVENTS = arg('events', 1_000_000);
const MONTHS = arg('months', 24);
const CONCURRENCY = arg('concurrency', 8);
const PGLITE = process.argv.includes('--pglite');

let peakRss = 0;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);

/** One subscriber's whole stream: enrolment, then per month an invoice and (mostly) its payment, some costs, misses and a churn. */
function stream(i: number, start: number): NewEvent[] {
  let r = (i * 2654435761) >>> 0;
  const rnd = () => ((r = (Math.imul(r ^ (r >>> 15), 2246822507) + 0x9e3779b9) >>> 0) / 4294967296);
  const id = `b${i}`;
  const segment = rnd() < 0.3 ? 'b2b' : 'b2c';
  const fee = segment === 'b2b' ? 30000 : 4500;
  const events: NewEvent[] = [];
  const at = (ms: number) => new Date(ms).toISOString();
  const push = (type: string, ms: number, data: Record<string, unknown>) =>
    events.push({ type, occurredAt: at(ms), data: { subscriberId: id, occurredAt: at(ms), ...data }, metadata: { schemaVersion: 1 } });
  const day = 86_400_000;
  const enrolled = start + Math.floor(rnd() * 60) * day;
  push('SubscriberEnrolled', enrolled, { name: `Client ${i}`, segment, plan: { code: 'p', monthlyFee: fee, currency: 'EUR' }, salesRepId: `rep-${i % 7}`, qualification: { needsService: true, valuesService: true, canPay: true } });
  const d0 = new Date(enrolled);
  for (let m = 1; m <= MONTHS; m++) {
    const first = Date.UTC(d0.getUTCFullYear(), d0.getUTCMonth() + m, 1, 9);
    const due = new Date(first + 9 * day).toISOString().slice(0, 10);
    const invoiceId = `i${m}`;
    push('InvoiceIssued', first, { invoiceId, period: due.slice(0, 7), amount: fee, dueDate: due });
    if (rnd() < 0.93) push('PaymentReceived', first + 5 * day, { invoiceId, amount: fee });
    else {
      push('PaymentMissed', first + 10 * day, { invoiceId, amount: fee, dueDate: due, consecutiveMissed: 1 });
      push('PaymentReceived', first + 20 * day, { invoiceId, amount: fee });
    }
    if (rnd() < 0.1) push('CostToServeRecorded', first + 12 * day, { kind: 'support_time', amount: 1500 });
    if (rnd() < 0.01 && m > 2) {
      push('SubscriberTerminated', first + 25 * day, { kind: 'voluntary', reasons: ['price'], effectiveDate: at(first + 25 * day).slice(0, 10), finalBalance: 0, planAtTermination: { code: 'p', monthlyFee: fee, currency: 'EUR' } });
      break;
    }
  }
  return events;
}

async function main(): Promise<void> {
  // `--pglite`: the embedded store in memory (one session: appends and batches are serialised).
  const { url, drop } = PGLITE ? { url: undefined, drop: async () => undefined } : await throwawayDatabase('bench_projections');
  const opened = url ? await openEventStore({ backend: 'postgres', databaseUrl: url, poolSize: CONCURRENCY + 4 }) : await openEventStore({ backend: 'pglite' });
  try {
    const start = Date.UTC(2023, 0, 1);
    let written = 0;
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (written < EVENTS) {
          const i = next++;
          const events = stream(i, start);
          written += events.length;
          await opened.store.append(`subscriber-b${i}`, events);
        }
      }),
    );
    const genSeconds = (performance.now() - t0) / 1000;
    log(`generated ${written} events (${next} subscribers) in ${genSeconds.toFixed(1)} s`);

    const engine = new ProjectionEngine({ store: opened.store, db: opened.db });
    await engine.acquire(engine.names());
    peakRss = process.memoryUsage().rss;
    const perProjection: Record<string, { events: number; seconds: number }> = {};
    const t1 = performance.now();
    // One shared reader for all projections, as `projector rebuild all` does: the log is read once.
    await engine.rebuildMany(
      PROJECTIONS.map((p) => p.name),
      (progress) => (perProjection[progress.name] = { events: progress.processed, seconds: (performance.now() - t1) / 1000 }),
    );
    const seconds = (performance.now() - t1) / 1000;
    await engine.stop();
    log('');
    log('projection              events      seconds   events/s');
    for (const [n, r] of Object.entries(perProjection)) log(`${n.padEnd(22)} ${String(r.events).padStart(9)} ${r.seconds.toFixed(1).padStart(10)} ${Math.round(r.events / r.seconds).toString().padStart(10)}`);
    const total = Object.values(perProjection).reduce((a, r) => a + r.events, 0);
    log('');
    log(`all projections together: ${written} log events in ${seconds.toFixed(1)} s = ${Math.round(written / seconds)} log events/s (${Math.round(total / seconds)} projection-events/s); peak RSS ${(peakRss / 1048576).toFixed(0)} MB`);
    log(
      JSON.stringify({
        bench: 'projections',
        backend: PGLITE ? 'pglite' : 'postgres',
        events: written,
        rebuildSeconds: Number(seconds.toFixed(2)),
        eventsPerSecond: Math.round(written / seconds),
        projectionEventsPerSecond: Math.round(total / seconds),
        peakRssMb: Math.round(peakRss / 1048576),
        perProjection,
      }),
    );
  } finally {
    clearInterval(sampler);
    await opened.close();
    await drop();
  }
}

await main();
