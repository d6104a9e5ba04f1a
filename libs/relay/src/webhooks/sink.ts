import http from 'node:http';
import https from 'node:https';
import type { EventEnvelope } from '../envelope.js';
import { SinkPausedError, type RelaySink } from '../sink.js';
import { guardedLookup, literalTargetRefusal } from './address-guard.js';
import { signedHeaders } from './signing.js';
import { webhookSinkName, type WebhookAttempt, type WebhookRecord, type WebhookStore } from './store.js';

/** The longest response excerpt kept in the attempt log. */
const RESPONSE_EXCERPT_CHARS = 256;
/** A response body longer than this is not read to its end (the connection is dropped instead). */
const MAX_RESPONSE_BYTES = 64 * 1024;
/** Attempts are written in small batches: one row per attempt would cost a write per event. */
const ATTEMPT_FLUSH_MS = 250;
const ATTEMPT_FLUSH_ROWS = 200;

export interface WebhookDeliverySettings {
  /** Per-attempt timeout: connect, send, and the answer's status and body (ms). */
  timeoutMs: number;
  /** Continuous failure for this long turns the subscription `failing` (ms). */
  failingAfterMs: number;
  /** Loopback, link-local and private targets allowed (development, or WEBHOOK_ALLOW_PRIVATE). */
  allowPrivate: boolean;
}

export interface WebhookLogger {
  warn(message: string): void;
}

interface Answer {
  status: number;
  excerpt: string;
}

function post(url: URL, body: string, headers: Record<string, string>, agent: http.Agent, timeoutMs: number, allowPrivate: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? https : http;
    let settled = false;
    const finish = (error: Error | undefined, answer?: Answer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(answer!);
    };
    // Redirects are not followed (node's client never does): a 3xx is a failed attempt.
    const req = client.request(
      url,
      {
        method: 'POST',
        agent,
        lookup: guardedLookup(allowPrivate),
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'client-lifecycle-webhooks/1', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size <= MAX_RESPONSE_BYTES) chunks.push(chunk);
          else {
            res.destroy();
            finish(undefined, { status: res.statusCode ?? 0, excerpt: excerptOf(chunks) });
          }
        });
        res.on('end', () => finish(undefined, { status: res.statusCode ?? 0, excerpt: excerptOf(chunks) }));
        res.on('error', (error) => finish(error));
      },
    );
    const timer = setTimeout(() => {
      const error = new Error(`timed out after ${timeoutMs} ms`);
      req.destroy(error);
      finish(error);
    }, timeoutMs);
    req.on('error', (error) => finish(error));
    req.end(body);
  });
}

function excerptOf(chunks: Buffer[]): string {
  return Buffer.concat(chunks).subarray(0, RESPONSE_EXCERPT_CHARS * 4).toString('utf8').slice(0, RESPONSE_EXCERPT_CHARS);
}

/**
 * One webhook subscription as a relay sink: one event per POST, its envelope as the body, signed
 * per Standard Webhooks with the current secret (and, during a rotation's overlap, the previous
 * one too); a 2xx acknowledges. Every attempt is logged. After `failingAfterMs` of failures
 * without a success, the subscription is marked `failing` and the sink pauses.
 */
export class WebhookSink implements RelaySink {
  readonly name: string;
  private readonly url: URL;
  private readonly agent: http.Agent;
  private lastEventId?: string;
  private attempt = 0;
  private failingSince: number | null;
  private pending: WebhookAttempt[] = [];
  private flushTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly record: WebhookRecord,
    private readonly store: WebhookStore,
    private readonly settings: WebhookDeliverySettings,
    private readonly logger?: WebhookLogger,
  ) {
    this.name = webhookSinkName(record.id);
    this.url = new URL(record.url);
    this.failingSince = record.failingSince ? Date.parse(record.failingSince) : null;
    // One connection, kept alive: deliveries are sequential per subscription anyway.
    const options = { keepAlive: true, maxSockets: 1 };
    this.agent = this.url.protocol === 'https:' ? new https.Agent(options) : new http.Agent(options);
  }

  private secrets(now: number): string[] {
    const { secret, previousSecret, previousSecretUntil } = this.record;
    return previousSecret && previousSecretUntil && Date.parse(previousSecretUntil) > now ? [secret, previousSecret] : [secret];
  }

  async deliver(event: EventEnvelope): Promise<void> {
    this.attempt = event.id === this.lastEventId ? this.attempt + 1 : 1;
    this.lastEventId = event.id;
    const now = Date.now();
    const body = JSON.stringify(event);
    const headers = signedHeaders(this.secrets(now), event.id, Math.floor(now / 1000), body);
    const started = performance.now();
    let failure: string;
    let statusCode: number | null = null;
    let excerpt: string | null = null;
    try {
      const refusal = literalTargetRefusal(this.url, this.settings.allowPrivate);
      if (refusal) throw new Error(refusal);
      const answer = await post(this.url, body, headers, this.agent, this.settings.timeoutMs, this.settings.allowPrivate);
      statusCode = answer.status;
      excerpt = answer.excerpt === '' ? null : answer.excerpt;
      failure = answer.status >= 200 && answer.status < 300 ? '' : `HTTP ${answer.status}`;
    } catch (error) {
      failure = (error as Error).message || String(error);
    }
    this.log({
      eventId: event.id,
      position: event.position,
      attempt: this.attempt,
      statusCode,
      error: failure === '' || (statusCode !== null && failure === `HTTP ${statusCode}`) ? null : failure,
      latencyMs: Math.round(performance.now() - started),
      at: new Date(now).toISOString(),
      responseExcerpt: excerpt,
    });
    if (failure === '') {
      if (this.failingSince !== null) {
        this.failingSince = null;
        await this.store.setFailingSince(this.record.id, null);
      }
      return;
    }
    if (this.failingSince === null) {
      this.failingSince = now;
      await this.store.setFailingSince(this.record.id, new Date(now).toISOString()).catch(() => undefined);
    }
    if (now - this.failingSince >= this.settings.failingAfterMs) {
      await this.flush();
      if (await this.store.markFailing(this.record.id, this.record.revision)) {
        this.logger?.warn(`webhook ${this.record.id}: failing for ${Math.round((now - this.failingSince) / 1000)} s; not attempted until re-enabled`);
      }
      throw new SinkPausedError(`failing since ${new Date(this.failingSince).toISOString()}: ${failure}`);
    }
    throw new Error(failure);
  }

  private log(attempt: WebhookAttempt): void {
    this.pending.push(attempt);
    if (this.pending.length >= ATTEMPT_FLUSH_ROWS) void this.flush();
    else if (!this.flushTimer) {
      this.flushTimer = setTimeout(() => void this.flush(), ATTEMPT_FLUSH_MS);
      this.flushTimer.unref?.();
    }
  }

  /** Writes the attempts logged so far. */
  flush(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const rows = this.pending;
    this.pending = [];
    this.flushing = this.flushing.then(async () => {
      try {
        await this.store.recordAttempts(this.record.id, rows);
      } catch (error) {
        // The log is diagnostic: a database outage may lose some of it, never a delivery.
        this.logger?.warn(`webhook ${this.record.id}: could not write ${rows.length} attempt(s): ${(error as Error).message}`);
      }
    });
    return this.flushing;
  }

  async close(): Promise<void> {
    await this.flush();
    this.agent.destroy();
  }
}
