/**
 * The broker relays wired in the real service: a child process with RELAY_AMQP_URL and
 * RELAY_NATS_URL set (shared RabbitMQ and NATS, names of the test's own), commands over HTTP, and
 * consumers as an integrator would set them up — a durable queue bound to the exchange, a durable
 * JetStream consumer with explicit acks. Every event of the log arrives, in position order, with
 * the event id as message id and the position and type as headers.
 */
import { jest } from '@jest/globals';
import amqp, { type ConsumeMessage } from 'amqplib';
import { AckPolicy, jetstream, jetstreamManager, type JsMsg } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { openEventStore, type StoredEvent } from '@libs/event-store';
import { enrollment, KEYS } from '../http/support.js';
import { createTestDatabase } from '../support/postgres.js';
import { SHARED_AMQP_URL, SHARED_NATS_URL } from '../support/private-brokers.js';
import { command, lifecycle, startService, type ServiceProcess } from './service.js';
import { runId, until } from './support.js';

jest.setTimeout(240_000);

async function logOf(url: string): Promise<StoredEvent[]> {
  const opened = await openEventStore({ backend: 'postgres', databaseUrl: url, poolSize: 2 });
  try {
    const out: StoredEvent[] = [];
    for (let after = '0'; ; ) {
      const page = await opened.store.readAll({ after, limit: 1000 });
      out.push(...page.events);
      if (page.events.length === 0) return out;
      after = page.last;
    }
  } finally {
    await opened.close();
  }
}

describe('broker relays in the service process', () => {
  it('given RELAY_AMQP_URL and RELAY_NATS_URL, when commands arrive over HTTP, then a bound queue and a JetStream consumer get every event in order with id, position and type', async () => {
    const db = await createTestDatabase('relaysvc');
    const exchange = runId('clsvc-events');
    const stream = runId('CLSVC').toUpperCase().replace(/-/g, '_');
    const prefix = runId('clsvc').replace(/-/g, '_');
    // The integrator's side of RabbitMQ, before the service runs: a durable queue bound to '#'.
    const amqpConn = await amqp.connect(SHARED_AMQP_URL);
    const channel = await amqpConn.createChannel();
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const queue = runId('clsvc-q');
    await channel.assertQueue(queue, { durable: true });
    await channel.bindQueue(queue, exchange, '#');
    const fromAmqp: ConsumeMessage[] = [];
    await channel.consume(queue, (m) => {
      if (m) {
        fromAmqp.push(m);
        channel.ack(m);
      }
    });
    const nc = await connect({ servers: SHARED_NATS_URL });
    let service: ServiceProcess | undefined;
    try {
      service = await startService({
        EVENT_STORE: 'postgres',
        DATABASE_URL: db.url,
        RELAY_AMQP_URL: SHARED_AMQP_URL,
        RELAY_AMQP_EXCHANGE: exchange,
        RELAY_NATS_URL: SHARED_NATS_URL,
        RELAY_NATS_STREAM: stream,
        RELAY_NATS_SUBJECT_PREFIX: prefix,
      });
      const base = service.base;
      // When: four writers, each its own subscribers, concurrently.
      await Promise.all(
        Array.from({ length: 4 }, async (_, w) => {
          for (let i = 0; i < 5; i++) await lifecycle(base, `relay-w${w}-s${i}`, (id) => enrollment(id));
        }),
      );
      await command(base, '/v1/cases', { caseId: 'relay-case-1', subscriberId: 'relay-w0-s0', kind: 'complaints', summary: 'complains weekly', at: '2026-01-02T10:00:00Z' });

      const log = await logOf(db.url);
      expect(log.length).toBeGreaterThan(100);

      // The sink creates the stream on its first delivery; the integrator's durable consumer then sees it all.
      const jsm = await jetstreamManager(nc);
      await until(async () => !!(await jsm.streams.info(stream).catch(() => undefined)), 60_000, 'the JetStream stream');
      await jsm.consumers.add(stream, { durable_name: 'integrator', ack_policy: AckPolicy.Explicit });
      const consumer = await jetstream(nc).consumers.get(stream, 'integrator');
      const fromNats: JsMsg[] = [];
      await until(
        async () => {
          const m = await consumer.next({ expires: 1_000 });
          if (m) {
            fromNats.push(m);
            m.ack();
          }
          return fromNats.length >= log.length;
        },
        120_000,
        'every event from the JetStream consumer',
      );
      await until(() => fromAmqp.length >= log.length, 120_000, 'every event from the bound queue');

      // Then: exactly the log, in position order (nothing redelivered: no fault happened).
      expect(fromAmqp.map((m) => m.properties.messageId)).toEqual(log.map((e) => e.id));
      expect(fromAmqp.map((m) => [m.properties.headers!.position, m.properties.headers!.type, m.properties.type])).toEqual(log.map((e) => [e.position, e.type, e.type]));
      expect(fromAmqp.every((m) => m.properties.deliveryMode === 2)).toBe(true);
      const suspended = fromAmqp.find((m) => m.properties.type === 'ServiceSuspended')!;
      expect(suspended.fields.routingKey).toBe('subscriber.ServiceSuspended');
      expect(JSON.parse(suspended.content.toString('utf8'))).toMatchObject({ id: suspended.properties.messageId, type: 'ServiceSuspended', streamId: expect.stringMatching(/^subscriber-/) });

      expect(fromNats.map((m) => m.headers?.get('Nats-Msg-Id'))).toEqual(log.map((e) => e.id));
      expect(fromNats.map((m) => [m.headers?.get('position'), m.headers?.get('type')])).toEqual(log.map((e) => [e.position, e.type]));
      expect(fromNats.find((m) => m.headers?.get('type') === 'CaseOpened')!.subject).toBe(`${prefix}.case.CaseOpened`);
      expect(fromNats.map((m) => m.info.streamSequence)).toEqual(log.map((_, i) => i + 1));

      // And the relays' checkpoints show up in the operations view at the head.
      const head = log[log.length - 1]!.position;
      await until(
        async () => {
          const res = await fetch(`${base}/v1/projections`, { headers: { Authorization: `Bearer ${KEYS.analyst}` } });
          const body = (await res.json()) as { relays: { name: string; kind: string; checkpoint: string; status: string }[] };
          const byName = new Map(body.relays.map((r) => [r.name, r]));
          return ['relay:amqp', 'relay:nats'].every((n) => byName.get(n)?.checkpoint === head && byName.get(n)?.kind === 'broker' && byName.get(n)?.status === 'running');
        },
        30_000,
        'both relays checkpointed at the head in GET /v1/projections',
      );
    } finally {
      await service?.stop();
      await channel.deleteQueue(queue).catch(() => undefined);
      await channel.deleteExchange(exchange).catch(() => undefined);
      await amqpConn.close().catch(() => undefined);
      await (await jetstreamManager(nc)).streams.delete(stream).catch(() => undefined);
      await nc.close();
      await db.drop();
    }
  });
});
