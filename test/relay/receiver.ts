import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { testConfig } from '../http/support.js';

/** Fast retries, a 1 s timeout and a 5 s failure window (longer than the flaky receiver's streak on a loaded machine): the scenarios run in seconds. */
export const fastRelay = () => {
  const base = testConfig().relay;
  return { ...base, retry: { baseMs: 20, maxMs: 200 }, webhooks: { ...base.webhooks, timeoutMs: 1_000, failingAfterMs: 5_000 } };
};

export interface Received {
  headers: Record<string, string>;
  body: string;
}

/**
 * A real HTTP receiver on a local port. `behave` decides each answer: a status, `'hang'` (never
 * answer: the sender's timeout must end the attempt) or `'drop'` (close the connection).
 */
export class Receiver {
  readonly requests: Received[] = [];
  readonly accepted: Received[] = [];
  private server?: Server;
  private readonly hanging = new Set<ServerResponse>();
  behave: (request: Received, n: number) => number | 'hang' | 'drop' = () => 200;
  /** When set and it returns a promise, the answer waits for it (a slow receiver; a request held in flight). */
  answerAfter?: (request: Received, n: number) => Promise<unknown> | undefined;

  async start(): Promise<string> {
    this.server = createServer((req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
        const received = { headers, body: Buffer.concat(chunks).toString('utf8') };
        this.requests.push(received);
        const n = this.requests.length;
        const wait = this.answerAfter?.(received, n);
        if (wait) void wait.then(() => this.answer(req, res, received, n));
        else this.answer(req, res, received, n);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}/hook`;
  }

  private answer(req: IncomingMessage, res: ServerResponse, received: Received, n: number): void {
    const answer = this.behave(received, n);
    if (answer === 'hang') {
      this.hanging.add(res);
      return;
    }
    if (answer === 'drop') {
      req.socket.destroy();
      return;
    }
    if (answer >= 200 && answer < 300) this.accepted.push(received);
    res.writeHead(answer, { 'content-type': 'text/plain' });
    res.end(answer >= 200 && answer < 300 ? 'ok' : `refused ${'x'.repeat(600)}`);
  }

  /** Event ids of the accepted deliveries, first time each (what a de-duplicating receiver keeps). */
  firstSeen(): string[] {
    const seen = new Set<string>();
    return this.accepted.map((r) => r.headers['webhook-id']!).filter((id) => (seen.has(id) ? false : (seen.add(id), true)));
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
