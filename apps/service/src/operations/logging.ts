import type { INestApplication } from '@nestjs/common';
import { Logger, type Params } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { assignRequestId } from '../http/request.js';

/** Headers that carry credentials; never written to a log. */
const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
];

/**
 * The request id (one rule, in http/request.ts): pino-http stores it as `req.id`, the command
 * handlers use it as correlationId, and problems quote it as their `instance`.
 */
const requestId = assignRequestId;

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
