import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@libs/relay';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A unique name per test run: exchanges, queues, streams and subjects never collide. */
export function runId(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;
}

/** Envelopes as the relay hands them over, alternating subscriber and case streams. */
export function envelopes(count: number, from = 1): EventEnvelope[] {
  return Array.from({ length: count }, (_, i) => {
    const position = from + i;
    const subscriber = position % 3 !== 0;
    return {
      id: randomUUID(),
      position: String(position),
      streamId: subscriber ? `subscriber-s${position % 7}` : `case-c${position % 5}`,
      version: Math.floor(position / 7),
      type: subscriber ? (position % 2 ? 'InvoiceIssued' : 'ServiceSuspended') : 'CaseOpened',
      data: { n: position, text: 'é' },
      occurredAt: new Date(Date.UTC(2026, 0, 1) + position * 60_000).toISOString(),
      metadata: { recordedAt: new Date(Date.UTC(2026, 0, 1) + position * 1000).toISOString(), schemaVersion: 1, prevHash: '0'.repeat(64), hash: '1'.repeat(64) },
    };
  });
}

export interface Deliverer {
  deliverBatch?(events: readonly EventEnvelope[]): Promise<void>;
  deliver(event: EventEnvelope): Promise<void>;
}

/**
 * What the relay does, in miniature: in order, a batch at a time, retried from its first event
 * until the sink acknowledges it. Returns the number of failed attempts.
 */
export async function deliverAll(sink: Deliverer, events: readonly EventEnvelope[], options: { batch: number; deadlineMs: number; onAcked?: (count: number) => Promise<void> | void }): Promise<number> {
  const deadline = Date.now() + options.deadlineMs;
  let failures = 0;
  for (let i = 0; i < events.length; ) {
    const batch = events.slice(i, i + options.batch);
    try {
      if (sink.deliverBatch) await sink.deliverBatch(batch);
      else for (const e of batch) await sink.deliver(e);
      i += batch.length;
      await options.onAcked?.(i);
    } catch (error) {
      failures++;
      if (Date.now() > deadline) throw new Error(`not delivered by the deadline: ${(error as Error).message}`);
      await sleep(Math.min(1000, 50 * failures));
    }
  }
  return failures;
}

/** First occurrence of each id, in arrival order: what a consumer de-duplicating by id sees. */
export function firstOccurrences<T>(items: readonly T[], id: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const key = id(item);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export async function until(check: () => Promise<boolean> | boolean, timeoutMs: number, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}
