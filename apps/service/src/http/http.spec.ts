import { BadRequestException, NotFoundException, type ValidationError } from '@nestjs/common';
import { CommandValidationError, DomainError } from '@libs/domain';
import { ConcurrencyError } from '@libs/event-store';
import { AggregateNotFoundError, IdempotencyKeyInUseError, IdempotencyKeyReusedError } from '@libs/application';
import { parseIdempotencyKey, parseIfMatch } from './command-context.js';
import { RequestValidationError, toProblem } from './problem.js';
import { flattenValidationErrors } from './validation.js';

describe('toProblem', () => {
  it('maps every known error class to its status and code', () => {
    const cases: Array<[unknown, number, string]> = [
      [new DomainError('overpayment', 'too much'), 409, 'overpayment'],
      [new DomainError('unknown-case', 'nope'), 404, 'unknown-case'],
      [new CommandValidationError('RecordPayment', [{ field: 'amount', message: 'bad' }]), 400, 'invalid-command'],
      [new RequestValidationError([{ field: 'plan.monthlyFee', message: 'bad' }]), 400, 'invalid-request'],
      [new ConcurrencyError('subscriber-s1', 3, 4), 409, 'concurrency-conflict'],
      [new IdempotencyKeyReusedError('k'), 422, 'idempotency-key-reused'],
      [new IdempotencyKeyInUseError('k'), 409, 'idempotency-key-in-use'],
      [new AggregateNotFoundError('subscriber', 's1'), 404, 'unknown-subscriber'],
      [new NotFoundException('Cannot GET /x'), 404, 'not-found'],
    ];
    for (const [error, status, code] of cases) expect(toProblem(error)).toMatchObject({ status, code, type: `urn:client-lifecycle:problem:${code}` });
  });

  it('answers 503 database-unavailable for a lost, refused or timed-out database connection', () => {
    const lost = [
      Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }),
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
      new Error('Client has encountered a connection error and is not queryable'),
      new Error('wrapped', { cause: Object.assign(new Error('the database system is starting up'), { code: '57P03' }) }),
    ];
    for (const error of lost) expect(toProblem(error)).toMatchObject({ status: 503, code: 'database-unavailable' });
    // A statement the server refused is not an outage: still the 500 path.
    expect(toProblem(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBeNull();
  });

  it('unwraps body-parser errors the Express adapter wrapped, and leaves the unexpected to the 500 path', () => {
    const parse = Object.assign(new SyntaxError('Unexpected end'), { status: 400, type: 'entity.parse.failed' });
    expect(toProblem(new BadRequestException('x', { cause: parse }))).toMatchObject({ status: 400, code: 'malformed-json' });
    const tooLarge = Object.assign(new Error('too large'), { status: 413, statusCode: 413, type: 'entity.too.large', expose: true });
    expect(toProblem(tooLarge)).toMatchObject({ status: 413, code: 'payload-too-large' });
    expect(toProblem(new TypeError('boom'))).toBeNull();
    expect(toProblem('a string')).toBeNull();
  });

  it('a version conflict is 412 when the request had If-Match (its precondition failed), 409 when retries lost', () => {
    expect(toProblem(new ConcurrencyError('case-c1', 3, 4), { preconditioned: true })).toMatchObject({ status: 412, code: 'concurrency-conflict', title: 'Precondition Failed' });
    expect(toProblem(new ConcurrencyError('case-c1', 3, 4), { preconditioned: false })).toMatchObject({ status: 409 });
  });

  it('keeps field errors of a domain validation error', () => {
    expect(toProblem(new CommandValidationError('X', [{ field: 'to.code', message: 'm' }]))?.errors).toEqual([{ field: 'to.code', message: 'm' }]);
  });
});

describe('headers', () => {
  it('If-Match: an entity tag, its weak form or a number; * means none; anything else is refused', () => {
    expect(parseIfMatch(undefined)).toBeUndefined();
    expect(parseIfMatch('"7"')).toBe(7);
    expect(parseIfMatch('W/"7"')).toBe(7);
    expect(parseIfMatch('12')).toBe(12);
    expect(parseIfMatch('*')).toBeUndefined();
    for (const bad of ['"-1"', '"1", "2"', 'abc', '""', '"1e3"', '"9999999999"']) expect(() => parseIfMatch(bad)).toThrow(RequestValidationError);
  });

  it('Idempotency-Key: 1–200 visible ASCII characters', () => {
    expect(parseIdempotencyKey('order-42/pay 1')).toBe('order-42/pay 1');
    for (const bad of ['', ' lead', 'x'.repeat(201), 'tab\there', 'ñ']) expect(() => parseIdempotencyKey(bad)).toThrow(RequestValidationError);
  });
});

describe('flattenValidationErrors', () => {
  it('gives dotted paths for nested objects and array items', () => {
    const tree: ValidationError[] = [
      { property: 'plan', children: [{ property: 'monthlyFee', constraints: { isMinorUnits: 'monthlyFee must be minor units' }, children: [] }] },
      { property: 'actions', children: [{ property: '0', children: [{ property: 'owner', constraints: { isIn: 'owner must be one of' }, children: [] }] }] },
      { property: 'extra', constraints: { whitelistValidation: 'property extra should not exist' }, children: [] },
    ];
    expect(flattenValidationErrors(tree)).toEqual([
      { field: 'plan.monthlyFee', message: 'must be minor units' },
      { field: 'actions.0.owner', message: 'must be one of' },
      { field: 'extra', message: 'is not allowed' },
    ]);
  });
});
