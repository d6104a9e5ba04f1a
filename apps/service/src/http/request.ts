import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/principal.js';

/** The request as Express, the service's middleware and the access guard leave it. */
export interface LifecycleRequest extends IncomingMessage {
  method: string;
  /** Path without the query string (Express). */
  path: string;
  /** Parsed JSON body (Express body parser). */
  body?: unknown;
  /** Correlation id of this request: the caller's `x-request-id` when sane, else a new UUID. */
  requestId?: string;
  /** The authenticated key (set by the access guard). */
  principal?: Principal;
  /** The role the caller acts in on this route: the first of its roles the route allows. */
  actingRole?: string;
}

/** Express-style `next`. */
export type Next = (error?: unknown) => void;
export type Middleware = (req: LifecycleRequest, res: ServerResponse, next: Next) => void;

const REQUEST_ID_HEADER = 'x-request-id';
/**
 * The one rule for a caller's request id (docs/integrators.md, "Request ids"): it ends up in logs,
 * event metadata and problem `instance` URNs, so only short, plain ids are kept.
 */
const SANE_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * The request's id, assigned once: the caller's `X-Request-Id` when sane, else a new UUID, echoed
 * in the response. Both the HTTP middleware and the request logger call it; the first one wins.
 */
export function assignRequestId(req: IncomingMessage & { requestId?: string }, res: ServerResponse): string {
  if (typeof req.requestId === 'string' && req.requestId !== '') return req.requestId;
  const given = req.headers[REQUEST_ID_HEADER];
  const id = typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID();
  req.requestId = id;
  res.setHeader('X-Request-Id', id);
  return id;
}

/** Assigns the request id and echoes it in the response, before anything can fail. */
export const requestIdMiddleware: Middleware = (req, res, next) => {
  assignRequestId(req, res);
  next();
};
