/**
 * bench:relay's receiving side, run as a CHILD process (node:child_process fork) so that what
 * receives does not share the relay's event loop — an integrator's receiver never does.
 *
 * `relay-receiver.js webhook`: one HTTP endpoint answering 204 to every POST (verifies nothing:
 * the figure is the relay's, not a receiver's). `relay-receiver.js brokers <amqpUrl> <exchange>
 * <natsUrl> <stream>`: an AMQP consumer on a fresh queue bound `#` to the exchange, and a JetStream
 * ordered consumer of new messages on the stream.
 *
 * Messages from the parent: `{ live: since }` — from now on, record for every event recorded at or
 * after `since` (ms) its delay metadata.recordedAt → received; `{ report: true }` → answers with the
 * counts and the delays. The child sends `{ ready: … }` once it listens / consumes.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import amqp from 'amqplib';
import { DeliverPolicy, jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

type Sink = 'webhook' | 'amqp' | 'nats';
const received: Record<Sink, number> = { webhook: 0, amqp: 0, nats: 0 };
const delays: Record<Sink, number[]> = { webhook: [], amqp: [], nats: [] };
let since = Infinity;

const send = (message: unknown) => process.send!(message);

/** Parsed only in the live phase: the backlog figure must not pay for it. */
function record(sink: Sink, body: Buffer | Uint8Array | string): void {
  received[sink]++;
  if (since === Infinity) return;
  const now = Date.now();
  const recordedAt = Date.parse(String((JSON.parse(typeof body === 'string' ? body : Buffer.from(body).toString('utf8')) as { metadata?: { recordedAt?: string } }).metadata?.recordedAt));
  if (recordedAt >= since) delays[sink].push(now - recordedAt);
}

async function webhook(): Promise<void> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      if (since !== Infinity) chunks.push(c);
    });
    req.on('end', () => {
      record('webhook', Buffer.concat(chunks).toString('utf8') || '{}');
      res.statusCode = 204;
      res.end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  send({ ready: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook` });
}

async function brokers(amqpUrl: string, exchange: string, natsUrl: string, stream: string): Promise<void> {
  const conn = await amqp.connect(amqpUrl);
  const channel = await conn.createChannel();
  await channel.assertExchange(exchange, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, exchange, '#');
  await channel.prefetch(1000);
  await channel.consume(queue, (m) => {
    if (!m) return;
    record('amqp', m.content);
    channel.ack(m);
  });
  const nc = await connect({ servers: natsUrl });
  const consumer = await jetstream(nc).consumers.get(stream, { deliver_policy: DeliverPolicy.New });
  const messages = await consumer.consume();
  void (async () => {
    for await (const m of messages) record('nats', m.data);
  })();
  send({ ready: queue });
}

process.on('message', (m: { live?: number; report?: boolean }) => {
  if (m.live !== undefined) since = m.live;
  if (m.report) send({ received, delays });
});

const [role, ...rest] = process.argv.slice(2);
(role === 'webhook' ? webhook() : brokers(rest[0]!, rest[1]!, rest[2]!, rest[3]!)).catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
