import { Injectable, Logger, type INestApplication, type NestMiddleware } from '@nestjs/common';
import type { Server } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HttpProblem } from '../http/problem.js';

/** Bounds of a graceful shutdown (`SHUTDOWN_DRAIN_MS`, `SHUTDOWN_TIMEOUT_MS`). */
export interface ShutdownOptions {
  /** Longest wait for in-flight requests to finish before the rest of the shutdown goes ahead. */
  drainMs: number;
  /** Longest whole shutdown; past it the process exits 1 rather than hang. */
  timeoutMs: number;
}

const isEventStream = (res: ServerResponse): boolean => String(res.getHeader('Content-Type') ?? '').startsWith('text/event-stream');

/**
 * Whether the process is shutting down, and which requests are still being answered. Readiness
 * reads it (fails at once), the {@link DrainMiddleware} refuses new requests with it.
 */
@Injectable()
export class ShutdownState {
  private draining_ = false;
  private readonly inFlight = new Set<ServerResponse>();
  private readonly waiters = new Set<() => void>();

  get draining(): boolean {
    return this.draining_;
  }

  begin(): void {
    this.draining_ = true;
  }

  track(res: ServerResponse): void {
    this.inFlight.add(res);
    res.once('close', () => {
      this.inFlight.delete(res);
      for (const wake of [...this.waiters]) wake();
    });
  }

  /** Requests still running, SSE streams excepted (they last as long as their reader; shutdown ends them). */
  pending(): number {
    let n = 0;
    for (const res of this.inFlight) if (!isEventStream(res)) n++;
    return n;
  }

  /** Resolves once {@link pending} is 0 or `timeoutMs` passed; returns what is still pending. */
  async drained(timeoutMs: number): Promise<number> {
    if (this.pending() === 0) return 0;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      const wake = () => {
        if (this.pending() > 0) return;
        this.waiters.delete(wake);
        done();
      };
      this.waiters.add(wake);
    });
    return this.pending();
  }
}

/**
 * While draining, a new request (one that came on a kept-alive connection after the listener
 * closed) is refused with 503 `shutting-down` and `Connection: close`, so the client retries
 * elsewhere; health routes still answer so probes see readiness fail.
 */
@Injectable()
export class DrainMiddleware implements NestMiddleware {
  constructor(private readonly state: ShutdownState) {}

  use(req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void): void {
    if (this.state.draining && !(req.url ?? '').startsWith('/health')) {
      res.setHeader('Connection', 'close');
      next(new HttpProblem(503, 'shutting-down', 'the service is shutting down; retry on another instance'));
      return;
    }
    this.state.track(res);
    next();
  }
}

/**
 * The graceful order of issue 12: readiness fails at once → the listener stops accepting →
 * in-flight requests finish (at most `drainMs`) → then `app.close()`: SSE sessions end (module
 * destruction), scheduler, policies and projections stop, the store closes last
 * (InfrastructureModule.beforeApplicationShutdown). Resolves with the exit code.
 */
export async function shutDownGracefully(app: INestApplication, options: ShutdownOptions, logger = new Logger('Shutdown')): Promise<number> {
  const state = app.get(ShutdownState);
  state.begin();
  const server = app.getHttpServer() as Server;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const left = await state.drained(options.drainMs);
  if (left > 0) logger.warn(`shutdown: ${left} request(s) still running after ${options.drainMs} ms; closing anyway`);
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(1, options.timeoutMs - options.drainMs))));
  try {
    const outcome = await Promise.race([app.close().then(() => 'closed' as const), timedOut]);
    if (outcome === 'timeout') {
      logger.error(`shutdown: not finished within ${options.timeoutMs} ms; exiting anyway`);
      return 1;
    }
    server.closeAllConnections();
    await Promise.race([closed, new Promise((r) => setTimeout(r, 100))]);
    return 0;
  } finally {
    clearTimeout(timer);
  }
}
