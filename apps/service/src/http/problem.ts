import { HttpException, HttpStatus } from '@nestjs/common';
import { CommandValidationError, DomainError } from '@libs/domain';
import { ConcurrencyError, EventStoreUnavailableError, InvalidAppendError, InvalidPositionError } from '@libs/event-store';
import { isDatabaseUnavailable } from '@libs/sql';
import { AggregateNotFoundError, IdempotencyKeyInUseError, IdempotencyKeyReusedError } from '@libs/application';
import { CurrencyRequiredError, InvalidCursorError } from '@libs/projections';

/** One offending input field: a dotted path (`plan.monthlyFee`, `actions.0.dueDate`) and what is wrong. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** RFC 9457 problem details, the body of every error answer (`application/problem+json`). */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  /** Machine-readable: the domain rule's code, or one of the HTTP codes documented in docs/integrators.md, "HTTP API". */
  code: string;
  errors?: FieldProblem[];
  /** RFC 9457 `instance`: this occurrence, `urn:client-lifecycle:request:<X-Request-Id>`. */
  instance?: string;
  /** `currency-required`: the currencies in use, one of which the query must name. */
  currencies?: string[];
}

/** The problem's `instance` for a request id: quote it (or the `X-Request-Id` header) when reporting. */
export const problemInstance = (requestId: string): string => `urn:client-lifecycle:request:${requestId}`;

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** Input that fails validation (body, query, path or headers): HTTP 400 with the field errors. */
export class RequestValidationError extends Error {
  constructor(
    readonly errors: FieldProblem[],
    readonly code = 'invalid-request',
  ) {
    super(errors.map((e) => `${e.field || '(body)'} ${e.message}`).join('; ') || 'invalid request');
    this.name = 'RequestValidationError';
  }
}

/** A problem the HTTP layer raises itself (content type, body shape). */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Codes for statuses that carry no more specific one. */
const STATUS_CODES: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  406: 'not-acceptable',
  409: 'conflict',
  412: 'precondition-failed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  422: 'unprocessable',
  429: 'rate-limited',
  500: 'internal-error',
  503: 'unavailable',
};

/** Builds a problem for a status and code; `type` is a stable URN per code. */
export function problem(status: number, code: string, detail: string, errors?: FieldProblem[]): ProblemDetails {
  const body: ProblemDetails = {
    type: `urn:client-lifecycle:problem:${code}`,
    title: TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error'),
    status,
    detail,
    code,
  };
  if (errors) body.errors = errors;
  return body;
}

/** Errors of the body parser / router (http-errors): they carry `status`, `type` and `expose`. */
interface HttpLibraryError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  expose?: unknown;
  message?: unknown;
}

function libraryError(error: unknown): ProblemDetails | null {
  if (typeof error !== 'object' || error === null) return null;
  const e = error as HttpLibraryError;
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : undefined;
  if (status === undefined || status < 400 || status > 499) return null;
  switch (e.type) {
    case 'entity.parse.failed':
      return problem(400, 'malformed-json', 'the request body is not valid JSON');
    case 'entity.too.large':
      return problem(413, 'payload-too-large', `the request body exceeds the limit of ${BODY_LIMIT_BYTES / 1024} kB`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return problem(415, 'unsupported-media-type', 'the body must be UTF-8 encoded JSON');
    case 'request.aborted':
    case 'request.size.invalid':
      return problem(400, 'bad-request', 'the request body was incomplete');
    default:
      // Router errors (e.g. a malformed %-escape in the path) are client errors with safe messages.
      return problem(status, STATUS_CODES[status] ?? 'bad-request', e.expose === true && typeof e.message === 'string' ? e.message : TITLES[status] ?? 'bad request');
  }
}

/** `Retry-After` of every 503: the database usually returns within seconds (restart, fail-over). */
export const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;

/** Largest accepted request body. */
export const BODY_LIMIT_BYTES = 64 * 1024;

/** What the mapping needs to know about the request besides the error. */
export interface ProblemContext {
  /** The request carried a version precondition (`If-Match: "<n>"`, not `*`). */
  preconditioned?: boolean;
}

/**
 * Maps any thrown value to its problem; `null` means unexpected (a 500 the filter logs). Pure, so
 * the mapping is unit-tested without HTTP.
 *
 * A version conflict on a request with `If-Match` is the caller's precondition failing: 412 (RFC
 * 9110 §13.1.1). Without one the service retried and still lost: 409.
 */
export function toProblem(error: unknown, context: ProblemContext = {}): ProblemDetails | null {
  if (error instanceof RequestValidationError) return problem(400, error.code, 'the request is invalid', error.errors);
  if (error instanceof HttpProblem) return problem(error.status, error.code, error.message);
  if (error instanceof CommandValidationError) {
    return problem(400, error.code, 'the command is invalid', error.errors.map((e) => ({ field: e.field, message: e.message })));
  }
  if (error instanceof DomainError) return problem(error.status, error.code, error.message);
  if (error instanceof AggregateNotFoundError) return problem(404, error.code, error.message);
  if (error instanceof ConcurrencyError) {
    return problem(context.preconditioned ? 412 : 409, 'concurrency-conflict', `the ${error.streamId.startsWith('case-') ? 'case' : 'subscriber'} is at version ${error.actual}, not ${String(error.expected)}`);
  }
  if (error instanceof CurrencyRequiredError) {
    return { ...problem(400, error.code, error.message, [{ field: 'currency', message: `required: one of ${error.currencies.join(', ')}` }]), currencies: [...error.currencies] };
  }
  if (error instanceof InvalidCursorError) return problem(400, error.code, 'the request is invalid', [{ field: 'cursor', message: error.message }]);
  if (error instanceof IdempotencyKeyReusedError) return problem(422, error.code, error.message);
  if (error instanceof IdempotencyKeyInUseError) return problem(409, error.code, error.message);
  // Only reachable with odd input the HTTP validation let through: still the client's request.
  if (error instanceof InvalidAppendError) return problem(400, error.code, error.message);
  if (error instanceof InvalidPositionError) return problem(400, error.code, error.message);
  if (error instanceof EventStoreUnavailableError) return problem(503, error.code, 'the event store is unavailable; retry later');
  // The connection failed, was cut or timed out (server restart, fail-over, network): the client
  // should retry, so 503 rather than a 500 "bug" answer. Nothing was acknowledged.
  if (isDatabaseUnavailable(error)) return problem(503, 'database-unavailable', 'the database is unreachable; retry later');
  if (error instanceof HttpException) {
    // The Express adapter wraps body-parser and router errors; their own type says more.
    const wrapped = libraryError(error.cause);
    if (wrapped) return wrapped;
    const status = error.getStatus();
    if (status >= 500) return null;
    const response = error.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : typeof (response as { message?: unknown }).message === 'string'
          ? ((response as { message: string }).message)
          : error.message;
    if (status === HttpStatus.NOT_FOUND && /^Cannot /.test(message)) return problem(404, 'not-found', 'no such route');
    return problem(status, STATUS_CODES[status] ?? 'client-error', message);
  }
  return libraryError(error);
}
