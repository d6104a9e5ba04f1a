import { jetstream, jetstreamManager, JetStreamApiCodes, JetStreamApiError, StorageType, type JetStreamClient, type JetStreamPublishOptions } from '@nats-io/jetstream';
import { connect, headers, nanos, type NatsConnection } from '@nats-io/transport-node';
import type { EventEnvelope } from '../envelope.js';
import type { RelaySink } from '../sink.js';
import { BrokerUnavailableError, type BrokerLogger } from './amqp-sink.js';
import { envelopeBody, isSubjectPrefix, natsSubject } from './routing.js';

export interface NatsSinkOptions {
  /** e.g. nats://127.0.0.1:4222 (several servers comma-separated). */
  url: string;
  /** JetStream stream, created if absent (default `CLIENT_LIFECYCLE`). */
  stream?: string;
  /** Subjects are `<prefix>.<category>.<EventType>` (default `client-lifecycle`). */
  subjectPrefix?: string;
  /** Checkpoint name (default `relay:nats`). */
  name?: string;
  /** Longest wait for one delivery's PubAcks. */
  ackTimeoutMs?: number;
  /** The duplicate window of a stream this sink creates (default 2 minutes, JetStream's). */
  duplicateWindowMs?: number;
  /** Reconnection back-off: first delay and cap (ms). */
  reconnect?: { initialMs: number; maxMs: number };
  logger?: BrokerLogger;
}

const DEFAULT_NATS_STREAM = 'CLIENT_LIFECYCLE';
const DEFAULT_NATS_SUBJECT_PREFIX = 'client-lifecycle';
const silent: BrokerLogger = { log: () => undefined, warn: () => undefined };

/** Thrown when the stream exists but does not take our subjects: an operator has to fix it. */
class StreamMisconfiguredError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StreamMisconfiguredError';
  }
}

/**
 * The NATS JetStream relay: each event published to `<prefix>.<category>.<type>` with
 * `Nats-Msg-Id` = event id, and `deliver` resolves only on the stream's PubAck.
 *
 * Order: the publishes of a batch are pipelined, and each but the first expects the stream's last
 * message id to be its predecessor's (`Nats-Expected-Last-Msg-Id`). Publishes buffered during a
 * reconnection could otherwise reach the stream without one lost on the old socket; with the
 * expectation the later ones are refused instead and the relay resends from the first unacked
 * event. A re-publish within the duplicate window is acknowledged as a duplicate, not stored again.
 */
export class NatsSink implements RelaySink {
  readonly name: string;
  readonly stream: string;
  readonly subjectPrefix: string;
  private readonly url: string;
  private readonly ackTimeoutMs: number;
  private readonly duplicateWindowMs: number;
  private readonly backoff: { initialMs: number; maxMs: number };
  private readonly logger: BrokerLogger;
  private connection?: Promise<{ nc: NatsConnection; js: JetStreamClient }>;
  private up = false;
  private reconnectAttempts = 0;
  private nextConnectAt = 0;
  private connectFailures = 0;
  /** Id of the last event the stream acknowledged through this sink, while the chain is unbroken. */
  private lastAcked?: string;
  private closed = false;

  constructor(options: NatsSinkOptions) {
    this.name = options.name ?? 'relay:nats';
    this.url = options.url;
    this.stream = options.stream ?? DEFAULT_NATS_STREAM;
    this.subjectPrefix = options.subjectPrefix ?? DEFAULT_NATS_SUBJECT_PREFIX;
    if (!isSubjectPrefix(this.subjectPrefix)) throw new Error(`NATS subject prefix ${JSON.stringify(this.subjectPrefix)} is not a subject`);
    this.ackTimeoutMs = options.ackTimeoutMs ?? 10_000;
    this.duplicateWindowMs = options.duplicateWindowMs ?? 120_000;
    this.backoff = options.reconnect ?? { initialMs: 500, maxMs: 30_000 };
    this.logger = options.logger ?? silent;
  }

  /** True while connected to a NATS server (readiness, tests). */
  isConnected(): boolean {
    return this.up;
  }

  async deliver(event: EventEnvelope): Promise<void> {
    await this.deliverBatch([event]);
  }

  /** Publishes the events in order, chained by expected last message id; resolves on every PubAck. */
  async deliverBatch(events: readonly EventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    const { js } = await this.ready();
    let previous = this.lastAcked;
    const acks = events.map((event) => {
      const options: Partial<JetStreamPublishOptions> = {
        msgID: event.id,
        timeout: this.ackTimeoutMs,
        headers: messageHeaders(event),
        expect: previous ? { streamName: this.stream, lastMsgID: previous } : { streamName: this.stream },
        retries: 1,
      };
      previous = event.id;
      return js.publish(natsSubject(this.subjectPrefix, event), envelopeBody(event), options);
    });
    for (const a of acks) a.catch(() => undefined);
    try {
      await Promise.all(acks);
      this.lastAcked = events[events.length - 1]!.id;
    } catch (error) {
      // The chain is broken: the retry's first publish must not expect a predecessor (after a
      // duplicate outside the window the stream's last id is not ours to predict).
      this.lastAcked = undefined;
      throw error instanceof Error ? error : new Error(String(error));
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.up = false;
    const connection = this.connection;
    this.connection = undefined;
    const opened = await connection?.catch(() => undefined);
    if (opened) await opened.nc.drain().catch(() => opened.nc.close());
  }

  private async ready(): Promise<{ nc: NatsConnection; js: JetStreamClient }> {
    if (this.closed) throw new BrokerUnavailableError(`${this.name} is closed`);
    if (this.connection) {
      const opened = await this.connection;
      if (!this.up) throw new BrokerUnavailableError(`${this.name}: not connected to NATS (reconnecting)`);
      return opened;
    }
    // The first connection (or one after the client gave up): own back-off, so a relay retrying
    // fast does not dial a down server on every attempt.
    if (Date.now() < this.nextConnectAt) throw new BrokerUnavailableError(`${this.name}: NATS unreachable; next attempt in ${this.nextConnectAt - Date.now()} ms`);
    this.connection = this.open();
    try {
      const opened = await this.connection;
      this.connectFailures = 0;
      return opened;
    } catch (error) {
      this.connection = undefined;
      this.connectFailures++;
      this.nextConnectAt = Date.now() + this.delay(this.connectFailures);
      this.logger.warn(`${this.name}: NATS connection failed (${(error as Error).message}); retrying`);
      throw error;
    }
  }

  private async open(): Promise<{ nc: NatsConnection; js: JetStreamClient }> {
    const nc = await connect({
      servers: this.url.split(',').map((s) => s.trim()),
      name: `client-lifecycle ${this.name}`,
      maxReconnectAttempts: -1,
      reconnectDelayHandler: () => this.delay(++this.reconnectAttempts),
      timeout: 5_000,
    });
    try {
      await this.ensureStream(nc);
    } catch (error) {
      await nc.close().catch(() => undefined);
      throw error;
    }
    this.up = true;
    this.logger.log(`${this.name}: connected to NATS (stream ${this.stream}, subjects ${this.subjectPrefix}.>)`);
    void this.watch(nc);
    return { nc, js: jetstream(nc, { timeout: this.ackTimeoutMs }) };
  }

  private async watch(nc: NatsConnection): Promise<void> {
    void nc.closed().then(() => {
      this.up = false;
      // Closed for good (not a reconnect): the next delivery opens a new connection.
      if (!this.closed) this.connection = undefined;
    });
    for await (const status of nc.status()) {
      if (status.type === 'disconnect') {
        this.up = false;
        this.lastAcked = undefined;
        if (!this.closed) this.logger.warn(`${this.name}: NATS connection lost; reconnecting`);
      } else if (status.type === 'reconnect') {
        this.up = true;
        this.reconnectAttempts = 0;
        this.logger.log(`${this.name}: reconnected to NATS`);
      }
    }
  }

  /** Creates the stream, or checks that the existing one captures `<prefix>.>`. */
  private async ensureStream(nc: NatsConnection): Promise<void> {
    const jsm = await jetstreamManager(nc, { timeout: this.ackTimeoutMs });
    const wanted = `${this.subjectPrefix}.>`;
    try {
      const info = await jsm.streams.info(this.stream);
      if (!info.config.subjects.some((s) => subjectCovers(s, wanted))) {
        throw new StreamMisconfiguredError(`NATS stream ${this.stream} exists with subjects ${JSON.stringify(info.config.subjects)}, which do not capture ${wanted}`);
      }
      return;
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
    }
    await jsm.streams.add({ name: this.stream, subjects: [wanted], storage: StorageType.File, duplicate_window: nanos(this.duplicateWindowMs) });
    this.logger.log(`${this.name}: created JetStream stream ${this.stream} (${wanted})`);
  }

  /** Capped exponential back-off with equal jitter. */
  private delay(attempt: number): number {
    const exp = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30));
    return Math.round(exp / 2 + (exp / 2) * Math.random());
  }
}

function messageHeaders(event: EventEnvelope) {
  const h = headers();
  h.set('Content-Type', 'application/json');
  h.set('position', event.position);
  h.set('type', event.type);
  h.set('streamId', event.streamId);
  h.set('version', String(event.version));
  return h;
}

/** Whether a stream subject (with NATS wildcards `*` and `>`) captures every subject of `wanted`. */
export function subjectCovers(pattern: string, wanted: string): boolean {
  const p = pattern.split('.');
  const w = wanted.split('.');
  for (let i = 0; i < p.length; i++) {
    const token = p[i]!;
    if (token === '>') return i < w.length;
    if (i >= w.length) return false;
    if (token === '*') {
      if (w[i] === '>') return false;
      continue;
    }
    if (token !== w[i]) return false;
  }
  return p.length === w.length;
}
