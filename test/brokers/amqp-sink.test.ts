/**
 * The RabbitMQ sink against real brokers: the shared one at 5672 for the exchange, routing keys
 * and message properties; a private node stopped and started mid-stream (`rabbitmqctl stop_app` /
 * `start_app`) and connections closed by the broker for reconnection. Every event arrives at least
 * once and, de-duplicated by message id, in order.
 */
import { jest } from '@jest/globals';
import amqp, { type Channel, type ChannelModel, type GetMessage } from 'amqplib';
import { AmqpSink } from '@libs/relay';
import { SHARED_AMQP_URL, startPrivateRabbit, type PrivateRabbit } from '../support/private-brokers.js';
import { deliverAll, envelopes, firstOccurrences, runId, until } from './support.js';

jest.setTimeout(240_000);

/** A durable queue bound to every routing key of the exchange, as a consumer would declare it. */
async function bindQueue(url: string, exchange: string, pattern = '#'): Promise<{ connection: ChannelModel; channel: Channel; queue: string }> {
  const connection = await amqp.connect(url);
  const channel = await connection.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const queue = runId('q');
  await channel.assertQueue(queue, { durable: true });
  await channel.bindQueue(queue, exchange, pattern);
  return { connection, channel, queue };
}

async function drain(channel: Channel, queue: string): Promise<GetMessage[]> {
  const out: GetMessage[] = [];
  for (;;) {
    const m = await channel.get(queue, { noAck: true });
    if (!m) return out;
    out.push(m);
  }
}

describe('RabbitMQ sink (shared broker)', () => {
  it('publishes every event, persistent, to the durable topic exchange with routing key <category>.<EventType>, message id and headers', async () => {
    const exchange = runId('clt-events');
    const all = await bindQueue(SHARED_AMQP_URL, exchange);
    const suspensions = await bindQueue(SHARED_AMQP_URL, exchange, '*.ServiceSuspended');
    const sink = new AmqpSink({ url: SHARED_AMQP_URL, exchange });
    try {
      void sink.connect();
      await until(() => sink.isConnected(), 30_000, 'connection');
      const events = envelopes(200);
      await deliverAll(sink, events.slice(0, 50), { batch: 1, deadlineMs: 30_000 });
      await deliverAll(sink, events.slice(50), { batch: 50, deadlineMs: 30_000 });
      const got = await drain(all.channel, all.queue);
      expect(got.map((m) => m.properties.messageId)).toEqual(events.map((e) => e.id));
      const first = got[0]!;
      expect(JSON.parse(first.content.toString('utf8'))).toEqual(events[0]);
      expect(first.properties).toMatchObject({ contentType: 'application/json', deliveryMode: 2, type: events[0]!.type, appId: 'client-lifecycle' });
      expect(first.properties.headers).toMatchObject({ position: events[0]!.position, type: events[0]!.type, streamId: events[0]!.streamId });
      expect(got.find((m) => m.properties.type === 'CaseOpened')!.fields.routingKey).toBe('case.CaseOpened');
      const suspended = await drain(suspensions.channel, suspensions.queue);
      expect(suspended.map((m) => m.properties.messageId)).toEqual(events.filter((e) => e.type === 'ServiceSuspended').map((e) => e.id));
      expect(new Set(suspended.map((m) => m.fields.routingKey))).toEqual(new Set(['subscriber.ServiceSuspended']));
    } finally {
      await sink.close();
      for (const c of [all, suspensions]) {
        await c.channel.deleteQueue(c.queue).catch(() => undefined);
      }
      await all.channel.deleteExchange(exchange).catch(() => undefined);
      for (const c of [all, suspensions]) await c.connection.close().catch(() => undefined);
    }
  });

  it('fails a delivery fast while the broker is unreachable instead of hanging', async () => {
    const sink = new AmqpSink({ url: 'amqp://guest:guest@127.0.0.1:1', exchange: runId('x'), reconnect: { initialMs: 50, maxMs: 200 } });
    try {
      await expect(sink.deliver(envelopes(1)[0]!)).rejects.toThrow(/not connected/);
    } finally {
      await sink.close();
    }
  });
});

describe('RabbitMQ sink (private node restarted mid-stream)', () => {
  let broker: PrivateRabbit;
  beforeAll(async () => {
    broker = await startPrivateRabbit();
  }, 120_000);
  afterAll(() => {
    broker?.destroy();
  });

  it('reconnects after stop_app/start_app and after the broker closes its connections; nothing acknowledged is lost, order kept', async () => {
    const exchange = 'client-lifecycle.events';
    const consumer = await bindQueue(broker.url, exchange);
    // The consumer's own connection dies with the broker; the durable queue and persistent messages survive.
    consumer.connection.on('error', () => undefined);
    const sink = new AmqpSink({ url: broker.url, exchange, timeoutMs: 5_000, reconnect: { initialMs: 100, maxMs: 1_000 } });
    const events = envelopes(3_000);
    const faults: string[] = [];
    try {
      void sink.connect();
      await until(() => sink.isConnected(), 60_000, 'connection');
      const failures = await deliverAll(sink, events, {
        batch: 100,
        deadlineMs: 180_000,
        onAcked: async (count) => {
          if (faults.length === 0 && count >= 1_000) {
            faults.push('stop_app');
            broker.stopApp();
            await broker.startApp();
          } else if (faults.length === 1 && count >= 2_000) {
            faults.push('close_connection');
            broker.closeConnections();
          }
        },
      });
      expect(faults).toEqual(['stop_app', 'close_connection']);
      expect(failures).toBeGreaterThan(0);
      const reader = await amqp.connect(broker.url);
      try {
        const channel = await reader.createChannel();
        const got = await drain(channel, consumer.queue);
        const ids = got.map((m) => m.properties.messageId as string);
        expect(new Set(ids)).toEqual(new Set(events.map((e) => e.id)));
        expect(firstOccurrences(ids, (id) => id)).toEqual(events.map((e) => e.id));
        // A consumer keeping the highest position seen never has to go back.
        const positions = got.map((m) => Number(m.properties.headers!.position));
        let highest = 0;
        for (const p of positions) {
          if (p > highest + 1) throw new Error(`position ${p} arrived before ${highest + 1}`);
          highest = Math.max(highest, p);
        }
      } finally {
        await reader.close();
      }
    } finally {
      await sink.close();
      await consumer.connection.close().catch(() => undefined);
    }
  });
});
