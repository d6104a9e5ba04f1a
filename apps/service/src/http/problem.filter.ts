import { Catch, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { parseIfMatch } from './command-context.js';
import { problem, problemInstance, PROBLEM_CONTENT_TYPE, toProblem, UNAVAILABLE_RETRY_AFTER_SECONDS } from './problem.js';
import { assignRequestId, type LifecycleRequest } from './request.js';

/**
 * The one place errors become answers: every error, from a guard, a pipe, a handler, the body
 * parser or the router's not-found, leaves as `application/problem+json`. Anything it does not
 * recognise is a bug of ours: logged with the request id, answered 500 without internals.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('HTTP');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<ServerResponse>();
    const req = http.getRequest<LifecycleRequest>();
    let body = toProblem(exception, { preconditioned: hasVersionPrecondition(req) });
    if (!body) {
      const err = exception instanceof Error ? exception : new Error(String(exception));
      this.logger.error(`unexpected error on ${req.method} ${req.path} (request ${req.requestId ?? '-'}): ${err.message}`, err.stack);
      body = problem(500, 'internal-error', `an unexpected error occurred; quote request id ${req.requestId ?? '-'} when reporting it`);
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    body.instance = problemInstance(assignRequestId(req, res));
    if (body.status === 401) res.setHeader('WWW-Authenticate', 'Bearer');
    if (body.status === 503 && !res.hasHeader('Retry-After')) res.setHeader('Retry-After', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
    const payload = JSON.stringify(body);
    res.statusCode = body.status;
    res.setHeader('Content-Type', `${PROBLEM_CONTENT_TYPE}; charset=utf-8`);
    res.setHeader('Content-Length', Buffer.byteLength(payload));
    res.end(payload);
  }
}

/** `If-Match` naming a version (not `*`, not malformed: those never reach a version check). */
function hasVersionPrecondition(req: LifecycleRequest): boolean {
  try {
    return parseIfMatch(req.headers['if-match']) !== undefined;
  } catch {
    return false;
  }
}
