import { randomUUID } from 'node:crypto';
import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { deterministicId } from '@libs/domain';
import type { ExecuteOptions } from '@libs/application';
import { RequestValidationError } from './problem.js';
import type { LifecycleRequest } from './request.js';

/** Longest accepted `Idempotency-Key`. */
const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
const VISIBLE_ASCII = /^[\x21-\x7E](?:[\x20-\x7E]*[\x21-\x7E])?$/;
const ENTITY_TAG = /^(?:W\/)?"(\d{1,9})"$|^(\d{1,9})$/;

/**
 * `If-Match` → the expected stream version. Accepts the `ETag` the service hands out (`"7"`), its
 * weak form and a bare number; `*` means "whatever the current version is". Anything else is 400:
 * silently ignoring a precondition the caller thought it set would defeat its purpose.
 */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.join(',') : header;
  const trimmed = value.trim();
  if (trimmed === '*') return undefined;
  const match = ENTITY_TAG.exec(trimmed);
  if (!match) throw new RequestValidationError([{ field: 'If-Match', message: 'must be one version as an entity tag, e.g. "3"' }]);
  return Number(match[1] ?? match[2]);
}

/** `Idempotency-Key` → the key, 1–200 visible ASCII characters. */
export function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (Array.isArray(header) || header.length > MAX_IDEMPOTENCY_KEY_LENGTH || !VISIBLE_ASCII.test(header)) {
    throw new RequestValidationError([
      { field: 'Idempotency-Key', message: `must be one value of 1-${MAX_IDEMPOTENCY_KEY_LENGTH} visible ASCII characters` },
    ]);
  }
  return header;
}

/**
 * Everything a command carries besides its body: the actor (key id, acting role, all roles), the
 * request id as correlation id, `If-Match` and `Idempotency-Key`.
 */
function commandOptions(req: LifecycleRequest): ExecuteOptions {
  const principal = req.principal;
  if (!principal || !req.actingRole) throw new Error('command route reached without a principal: is the AccessGuard installed?');
  const options: ExecuteOptions = {
    actor: { id: principal.id, role: req.actingRole, roles: principal.roles },
    correlationId: req.requestId ?? randomUUID(),
  };
  const expectedVersion = parseIfMatch(req.headers['if-match']);
  if (expectedVersion !== undefined) options.expectedVersion = expectedVersion;
  const idempotencyKey = parseIdempotencyKey(req.headers['idempotency-key']);
  if (idempotencyKey !== undefined) options.idempotencyKey = idempotencyKey;
  return options;
}

/** Parameter decorator: the command's {@link ExecuteOptions} from the request. */
export const CommandContext = createParamDecorator((_data: unknown, ctx: ExecutionContext): ExecuteOptions =>
  commandOptions(ctx.switchToHttp().getRequest<LifecycleRequest>()),
);

/**
 * Id of an aggregate the client did not name. With an `Idempotency-Key` it is derived from the key
 * (and the caller), so a retried creation names the same aggregate and is recognised as a repeat;
 * without one it is a fresh UUID.
 */
export function newAggregateId(options: ExecuteOptions, kind: 'subscriber' | 'case'): string {
  return options.idempotencyKey === undefined ? randomUUID() : deterministicId(`http-${kind}`, options.actor.id, options.idempotencyKey);
}
