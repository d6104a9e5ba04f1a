import type { IncomingMessage } from 'node:http';
import { HttpProblem } from './problem.js';
import type { LifecycleRequest, Middleware } from './request.js';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const JSON_TYPE = /^application\/(?:[a-z0-9.+-]*\+)?json\s*(?:;.*)?$/i;

/** Which requests the JSON parser reads: any `application/json` or `application/*+json`. */
export function isJsonRequest(req: IncomingMessage): boolean {
  return JSON_TYPE.test(String(req.headers['content-type'] ?? ''));
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  if (length !== undefined) return length !== '0';
  return req.headers['transfer-encoding'] !== undefined;
}

/** A body on a command route must be JSON: anything else is refused before parsing (415). */
export const requireJsonContentType: Middleware = (req, _res, next) => {
  if (BODY_METHODS.has(req.method) && hasBody(req)) {
    const type = req.headers['content-type'];
    if (typeof type !== 'string' || !JSON_TYPE.test(type)) {
      next(new HttpProblem(415, 'unsupported-media-type', 'a request body must be JSON (Content-Type: application/json)'));
      return;
    }
  }
  next();
};


/** A command body is one JSON object; no body at all reads as `{}`. */
export const requireObjectBody: Middleware = (req: LifecycleRequest, _res, next) => {
  if (!BODY_METHODS.has(req.method)) {
    next();
    return;
  }
  if (req.body === undefined) req.body = {};
  const body: unknown = req.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    next(new HttpProblem(400, 'invalid-body', 'the request body must be a JSON object'));
    return;
  }
  const problem = shapeProblem(body);
  next(problem ? new HttpProblem(400, 'invalid-body', problem) : undefined);
};

/** No command nests deeper than this; deeper input is hostile and would only cost stack. */
const MAX_DEPTH = 8;
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Refuses prototype-polluting keys and absurd nesting, iteratively (no recursion on input). */
function shapeProblem(root: object): string | null {
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 1 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    if (depth > MAX_DEPTH) return `the request body nests deeper than ${MAX_DEPTH} levels`;
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth: depth + 1 });
      continue;
    }
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) return `the key "${key}" is not allowed`;
      stack.push({ value: (value as Record<string, unknown>)[key], depth: depth + 1 });
    }
  }
  return null;
}
