/**
 * The NATS JetStream sink against real servers: the shared one at 4222 for the stream's layout and
 * headers, a private nats-server (restarted mid-stream) for reconnection. Every event arrives, in
 * order, de-duplicated by Nats-Msg-Id.
 */
import { jest } from '@jest/globals';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { NatsSink, subjectCovers } from '@libs/relay';
import { SHARED_NATS_URL, startPrivateNats, type PrivateNats } from '../support/private-brokers.js';
import { deliverAll, envelopes, firstOccurrences, runId, until } from './support.js';

jest.setTimeout(180_000);

interface StoredMessage {
  seq: number;
  subject: string;
  msgId?: string;
  headers: Record<string, string>;
  body: Record<string, unknown>;
}

async function readStream(nc: NatsConnection, stream: string): Promise<StoredMessage[]> {
  const jsm = await jetstreamManager(nc);
  const info = await jsm.streams.info(stream);
  const out: StoredMessage[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
    const m = await jsm.streams.getMessage(stream, { seq });
    if (!m) continue;
    const headers: Record<string, string> = {};
    for (const key of m.header?.keys() ?? []) headers[key] = m.header!.get(key);
    out.push({ seq, subject: m.subject, msgId: headers['Nats-Msg-Id'], headers, body: m.json() });
  }
  return out;
}

async function dropStream(url: string, stream: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
  } finally {
    await nc.close();
  }
}

describe('NATS JetStream sink (shared server)', () => {
  let nc: NatsConnection;
  beforeAll(async () => {
    nc = await connect({ servers: SHARED_NATS_URL });
  });
  afterAll(async () => {
    await nc.close();
  });

  it('creates the stream and publishes every event to <prefix>.<category>.<type> with its id, position and type, in order', async () => {
    const stream = runId('CLT').toUpperCase().replace(/-/g, '_');
    const prefix = runId('clt');
    const sink = new NatsSink({ url: SHARED_NATS_URL, stream, subjectPrefix: prefix });
    try {
      const events = envelopes(300);
      await deliverAll(sink, events.slice(0, 100), { batch: 1, deadlineMs: 30_000 });
      await deliverAll(sink, events.slice(100), { batch: 64, deadlineMs: 30_000 });
      const info = await (await jetstreamManager(nc)).streams.info(stream);
      expect(info.config.subjects).toEqual([`${prefix}.>`]);
      const stored = await readStream(nc, stream);
      expect(stored.map((m) => m.msgId)).toEqual(events.map((e) => e.id));
      expect(stored[0]!.body).toEqual(events[0]);
      const first = events.find((e) => e.type === 'ServiceSuspended')!;
      const message = stored.find((m) => m.msgId === first.id)!;
      expect(message.subject).toBe(`${prefix}.subscriber.ServiceSuspended`);
      expect(message.headers).toMatchObject({ position: first.position, type: 'ServiceSuspended', streamId: first.streamId, 'Content-Type': 'application/json' });
      expect(stored.find((m) => m.body.type === 'CaseOpened')!.subject).toBe(`${prefix}.case.CaseOpened`);

      // A re-publish (a relay resuming from an older checkpoint) is acknowledged as a duplicate.
      const again = new NatsSink({ url: SHARED_NATS_URL, stream, subjectPrefix: prefix });
      await again.deliverBatch(events.slice(250)).finally(() => again.close());
      expect((await readStream(nc, stream)).length).toBe(300);
    } finally {
      await sink.close();
      await dropStream(SHARED_NATS_URL, stream);
    }
  });

  it('checks an existing stream: one that does not capture the prefix is refused with a clear error', async () => {
    const stream = runId('CLT').toUpperCase().replace(/-/g, '_');
    const prefix = runId('clt');
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: stream, subjects: [`${prefix}-other.>`] });
    const sink = new NatsSink({ url: SHARED_NATS_URL, stream, subjectPrefix: prefix });
    try {
      await expect(sink.deliver(envelopes(1)[0]!)).rejects.toThrow(/do not capture/);
    } finally {
      await sink.close();
      await dropStream(SHARED_NATS_URL, stream);
    }
  });

  it('subject patterns', () => {
    expect(subjectCovers('client-lifecycle.>', 'client-lifecycle.>')).toBe(true);
    expect(subjectCovers('>', 'client-lifecycle.>')).toBe(true);
    expect(subjectCovers('client-lifecycle.*', 'client-lifecycle.>')).toBe(false);
    expect(subjectCovers('*.>', 'client-lifecycle.>')).toBe(true);
    expect(subjectCovers('other.>', 'client-lifecycle.>')).toBe(false);
  });
});

describe('NATS JetStream sink (private server restarted mid-stream)', () => {
  let server: PrivateNats;
  beforeAll(async () => {
    server = await startPrivateNats();
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('reconnects after the server restarts and the stream holds every event once, in order', async () => {
    const stream = 'CLIENT_LIFECYCLE';
    const sink = new NatsSink({ url: server.url, stream, ackTimeoutMs: 2_000, reconnect: { initialMs: 100, maxMs: 1_000 } });
    const events = envelopes(3_000);
    let restarted = false;
    try {
      const failures = await deliverAll(sink, events, {
        batch: 100,
        deadlineMs: 120_000,
        onAcked: async (count) => {
          if (!restarted && count >= 1_000) {
            restarted = true;
            await server.stop();
            // Deliveries fail meanwhile; the loop retries from the first unacknowledged event.
            setTimeout(() => void server.start(), 1_500);
          }
        },
      });
      expect(failures).toBeGreaterThan(0);
      await until(() => sink.isConnected(), 30_000, 'reconnection');
      const nc = await connect({ servers: server.url });
      try {
        const stored = await readStream(nc, stream);
        // Within the duplicate window a re-publish is dropped: exactly once, in log order.
        expect(stored.map((m) => m.msgId)).toEqual(events.map((e) => e.id));
        expect(firstOccurrences(stored, (m) => m.msgId!).map((m) => Number(m.body.position))).toEqual(events.map((e) => Number(e.position)));
      } finally {
        await nc.close();
      }
    } finally {
      await sink.close();
    }
  });
});
