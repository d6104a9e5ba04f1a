import type { ServerResponse } from 'node:http';
import { drained } from '@libs/audit';
import type { EventEnvelope } from './envelope.js';

/** Formats one event as a Server-Sent Events frame: `id:` the position, `event:` the type. */
export function sseFrame(envelope: EventEnvelope): string {
  // JSON.stringify never emits a raw newline, so the data fits on one `data:` line.
  return `id: ${envelope.position}\nevent: ${envelope.type}\ndata: ${JSON.stringify(envelope)}\n\n`;
}

export interface SseSessionOptions {
  /** Interval of the `: heartbeat` comment, which keeps proxies from closing an idle stream. */
  heartbeatMs: number;
  /** Reconnection delay suggested to EventSource clients (`retry:`). */
  retryMs?: number;
}

/**
 * One open `text/event-stream` response. Writes respect backpressure: {@link send} resolves only
 * once the socket has taken the frames, so the caller (a subscription handler) reads the next
 * batch no faster than the client consumes it.
 */
export class SseSession {
  private heartbeat?: NodeJS.Timeout;
  private closedFlag = false;
  private readonly closeCallbacks: Array<() => void> = [];

  constructor(
    private readonly res: ServerResponse,
    options: SseSessionOptions,
  ) {
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    // no-transform: compressing proxies would otherwise buffer the stream.
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('Connection', 'keep-alive');
    // nginx buffers proxied responses unless told otherwise.
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.socket?.setNoDelay(true);
    res.write(`retry: ${options.retryMs ?? 2000}\n\n`);
    this.heartbeat = setInterval(() => {
      // A client that is not reading already has frames queued; a heartbeat would only add to them.
      if (!this.closedFlag && !res.writableNeedDrain) res.write(': heartbeat\n\n');
    }, options.heartbeatMs);
    this.heartbeat.unref();
    res.on('close', () => this.markClosed());
  }

  get closed(): boolean {
    return this.closedFlag;
  }

  /** Runs `callback` once the client is gone (or immediately if it already is). */
  onClose(callback: () => void): void {
    if (this.closedFlag) callback();
    else this.closeCallbacks.push(callback);
  }

  /**
   * Writes the events and resolves when the socket wants more. Rejects when the client has gone,
   * which stops the batch in flight.
   */
  async send(envelopes: readonly EventEnvelope[]): Promise<void> {
    for (const envelope of envelopes) {
      if (this.closedFlag) throw new Error('client disconnected');
      if (!this.res.write(sseFrame(envelope))) await drained(this.res);
    }
  }

  /** Ends the response (server shutdown). */
  end(): void {
    if (!this.closedFlag) this.res.end();
    this.markClosed();
  }

  private markClosed(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    clearInterval(this.heartbeat);
    for (const callback of this.closeCallbacks.splice(0)) callback();
  }
}
