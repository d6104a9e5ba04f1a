import { once } from 'node:events';
import amqp, { type ConfirmChannel, type Options, type RecoveringChannelModel } from 'amqplib';
import type { EventEnvelope } from '../envelope.js';
import type { RelaySink } from '../sink.js';
import { amqpRoutingKey, envelopeBody } from './routing.js';

export interface BrokerLogger {
  log(message: string): void;
  warn(message: string): void;
}

export interface AmqpSinkOptions {
  /** e.g. amqp://guest:guest@127.0.0.1:5672 — never logged (it may carry a password). */
  url: string;
  /** Durable topic exchange, declared if absent (default `client-lifecycle.events`). */
  exchange?: string;
  /** Checkpoint name (default `relay:amqp`). */
  name?: string;
  /** Longest wait for a channel and the publisher confirms of one delivery; past it the delivery fails. */
  timeoutMs?: number;
  /** Reconnection back-off: first delay and cap (ms). */
  reconnect?: { initialMs: number; maxMs: number };
  logger?: BrokerLogger;
}

const DEFAULT_AMQP_EXCHANGE = 'client-lifecycle.events';
const silent: BrokerLogger = { log: () => undefined, warn: () => undefined };

export class BrokerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BrokerUnavailableError';
  }
}

/**
 * The RabbitMQ relay: every event published, persistent, to a durable topic exchange on a
 * confirm channel, and `deliver` resolves only after the broker's confirm — so the relay's
 * checkpoint never passes an event RabbitMQ has not taken responsibility for.
 *
 * amqplib's connection recovery reconnects with capped exponential back-off and jitter; while it
 * is away `deliver` fails at once (the relay retries with its own back-off) rather than queueing
 * publishes that could not be confirmed anyway.
 */
export class AmqpSink implements RelaySink {
  readonly name: string;
  readonly exchange: string;
  private readonly timeoutMs: number;
  private readonly logger: BrokerLogger;
  private readonly url: string;
  private readonly backoff: { initialMs: number; maxMs: number };
  private model?: Promise<RecoveringChannelModel>;
  /** Settles on the outcome of the first connection attempt (connected or failed). */
  private firstAttempt?: Promise<void>;
  private connected = false;
  private channel?: ConfirmChannel;
  private opening?: Promise<ConfirmChannel>;
  private closed = false;

  constructor(options: AmqpSinkOptions) {
    this.name = options.name ?? 'relay:amqp';
    this.exchange = options.exchange ?? DEFAULT_AMQP_EXCHANGE;
    this.timeoutMs = options.timeoutMs ?? 15_000;
    this.logger = options.logger ?? silent;
    this.url = options.url;
    this.backoff = options.reconnect ?? { initialMs: 500, maxMs: 30_000 };
  }

  /**
   * Connects on the first delivery (or when called), not at construction: a process registers the sink even when
   * another one holds its lock, and a standby should not hold a broker connection.
   */
  connect(): Promise<RecoveringChannelModel> {
    if (this.model) return this.model;
    const backoff = this.backoff;
    // waitForConnect: false resolves at once, before the first attempt: the listeners are in place
    // for it, and a broker that is down at start only delays delivery.
    this.model = amqp
      .connect(this.url, {
        clientProperties: { connection_name: `client-lifecycle ${this.name}` },
        recovery: { initialDelay: backoff.initialMs, maxDelay: backoff.maxMs, factor: 2, jitter: 0.2, maxRetries: Infinity, waitForConnect: false },
      })
      .then((model) => {
        this.firstAttempt = new Promise<void>((settle) => {
          model.once('connect', () => settle());
          model.once('connect-failed', () => settle());
        });
        model.on('connect', () => {
          this.connected = true;
          this.logger.log(`${this.name}: connected to RabbitMQ (exchange ${this.exchange})`);
        });
        model.on('disconnect', (error: Error) => {
          this.connected = false;
          this.dropChannel();
          if (!this.closed) this.logger.warn(`${this.name}: RabbitMQ connection lost (${error.message}); reconnecting`);
        });
        model.on('connect-failed', (error: Error) => {
          if (!this.closed) this.logger.warn(`${this.name}: RabbitMQ connection failed (${error.message}); retrying`);
        });
        // Reported through 'disconnect'; without a listener an 'error' event would throw.
        model.on('error', () => undefined);
        return model;
      });
    this.model.catch((error: Error) => this.logger.warn(`${this.name}: ${error.message}`));
    return this.model;
  }

  /** True while a connection to RabbitMQ is up (readiness, tests). */
  isConnected(): boolean {
    return this.connected;
  }

  async deliver(event: EventEnvelope): Promise<void> {
    await this.deliverBatch([event]);
  }

  /**
   * Publishes the events in order on one channel, then waits for every confirm. The broker
   * receives what it receives in order (one channel, one socket), so after a failure the relay
   * resends from the first event of the batch: a consumer may see some again, never out of order.
   */
  async deliverBatch(events: readonly EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    let channel: ConfirmChannel | undefined;
    await this.timed(
      (async () => {
        channel = await this.ready();
        const confirms: Promise<void>[] = [];
        for (const event of events) {
          let writable = true;
          confirms.push(
            new Promise<void>((resolve, reject) => {
              writable = channel!.publish(this.exchange, amqpRoutingKey(event), envelopeBody(event), publishOptions(event), (error) =>
                error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(),
              );
            }),
          );
          // The socket's buffer is full: let it drain instead of queueing the whole batch in memory.
          if (!writable) await once(channel, 'drain');
        }
        // Settled together below; a rejection seen first must not count as unhandled meanwhile.
        for (const c of confirms) c.catch(() => undefined);
        await Promise.all(confirms);
      })(),
      `no confirm for ${events.length} message(s)`,
      () => channel,
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.connected = false;
    const channel = this.channel;
    this.channel = undefined;
    if (channel) await channel.close().catch(() => undefined);
    await (await this.model?.catch(() => undefined))?.close().catch(() => undefined);
  }

  private async ready(): Promise<ConfirmChannel> {
    if (this.closed) throw new BrokerUnavailableError(`${this.name} is closed`);
    if (this.channel) return this.channel;
    await this.connect();
    // Only the first delivery waits for the outcome of the first attempt; later, while the
    // connection is away, deliveries fail at once.
    if (!this.connected && this.firstAttempt) {
      const first = this.firstAttempt;
      this.firstAttempt = undefined;
      await Promise.race([first, new Promise((r) => setTimeout(r, this.timeoutMs).unref())]);
    }
    if (!this.connected) throw new BrokerUnavailableError(`${this.name}: not connected to RabbitMQ (reconnecting)`);
    this.opening ??= this.openChannel().finally(() => (this.opening = undefined));
    return this.opening;
  }

  private async openChannel(): Promise<ConfirmChannel> {
    const channel = await (await this.connect()).createConfirmChannel();
    channel.on('error', () => undefined);
    channel.on('close', () => {
      if (this.channel === channel) this.channel = undefined;
    });
    // Idempotent: declaring an existing exchange with the same type and durability is a no-op;
    // a different declaration closes the channel with PRECONDITION_FAILED, reported to the relay.
    await channel.assertExchange(this.exchange, 'topic', { durable: true, autoDelete: false });
    this.channel = channel;
    return channel;
  }

  private dropChannel(): void {
    const channel = this.channel;
    this.channel = undefined;
    if (channel) void channel.close().catch(() => undefined);
  }

  /**
   * Past the timeout — a broker that stopped confirming (flow control, a half-dead socket) — the
   * channel is dropped so that the relay's retry starts on a fresh one instead of queueing behind
   * confirms that may never come.
   */
  private async timed(work: Promise<void>, what: string, channelOf: () => ConfirmChannel | undefined): Promise<void> {
    work.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const channel = channelOf();
        if (channel && this.channel === channel) this.dropChannel();
        reject(new BrokerUnavailableError(`${this.name}: ${what} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
    });
    try {
      await Promise.race([work, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Persistent (delivery mode 2), JSON, `message-id` = event id so consumers de-duplicate a
 * redelivery; position, type and stream as headers so a consumer can filter or check order without
 * parsing the body.
 */
function publishOptions(event: EventEnvelope): Options.Publish {
  const recordedAt = Date.parse(String(event.metadata.recordedAt ?? event.occurredAt));
  return {
    persistent: true,
    contentType: 'application/json',
    contentEncoding: 'utf-8',
    messageId: event.id,
    type: event.type,
    appId: 'client-lifecycle',
    ...(Number.isFinite(recordedAt) ? { timestamp: Math.floor(recordedAt / 1000) } : {}),
    headers: { position: event.position, type: event.type, streamId: event.streamId, version: event.version },
  };
}
