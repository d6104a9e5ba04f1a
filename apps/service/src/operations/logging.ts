import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { INestApplication } from '@nestjs/common';
import { Logger, type Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';

/** A caller's request id is kept only if it is short and plain: it ends up in logs and event metadata. */
const SANE_REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/** Headers that carry credentials; never written to a log. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
];

/**
 * The request id: the caller's `x-request-id` when sane, else a new UUID. Echoed in the response's
 * `x-request-id`, and pino-http stores it as `req.id` — the command handlers' correlationId.
 */
export function requestId(req: IncomingMessage & { requestId?: string }, res: ServerResponse): string {
  // The HTTP layer's middleware may have assigned it already (and echoed it): one id per request.
  if (typeof req.requestId === 'string' && req.requestId !== '') return req.requestId;
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('x-request-id', id);
  req.requestId = id;
  return id;
}

/**
 * nestjs-pino parameters: one JSON line per request and per log call, with the request id,
 * credentials redacted, at `level` (`LOG_LEVEL`; tests use `silent`). Health checks and scrapes are
 * not logged: an orchestrator polling every few seconds would drown everything else.
 */
export function loggingParams(level: string, destination?: DestinationStream): Params {
  return {
    pinoHttp: [
      {
        level,
        genReqId: requestId,
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
        customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
        autoLogging: { ignore: (req) => req.url === '/metrics' || (req.url ?? '').startsWith('/health') },
      },
      ...(destination ? [destination] : []),
    ] as Params['pinoHttp'],
  };
}

/**
 * Routes Nest's own logs (`new Logger(...)` everywhere) through pino. Call once after
 * `NestFactory.create(…, { bufferLogs: true })`: the buffered start-up logs flush through it.
 */
export function useStructuredLogging(app: INestApplication): void {
  app.useLogger(app.get(Logger));
  app.flushLogs();
}
