import { applyDecorators, HttpCode, HttpStatus } from '@nestjs/common';
import { ApiBearerAuth, ApiExtraModels, ApiHeader, ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse } from '@nestjs/swagger';
import { BEARER_SCHEME } from './openapi-constants.js';

/** One field error of a 400 answer. */
class FieldErrorDto {
  @ApiProperty({ example: 'plan.monthlyFee', description: 'dotted path of the field' })
  field!: string;
  @ApiProperty({ example: 'must be an integer number of minor units (cents), at least 0 and below 10^12' })
  message!: string;
}

/** RFC 9457 problem details, `application/problem+json`. */
export class ProblemDto {
  @ApiProperty({ example: 'urn:client-lifecycle:problem:overpayment' })
  type!: string;
  @ApiProperty({ example: 'Conflict' })
  title!: string;
  @ApiProperty({ example: 409 })
  status!: number;
  @ApiProperty({ example: 'payment of 50000 exceeds the 30000 still owed on invoice 2026-01' })
  detail!: string;
  @ApiProperty({ example: 'overpayment', description: 'the domain rule code (domain.md) or an HTTP code (docs/integrators.md, "HTTP API")' })
  code!: string;
  @ApiPropertyOptional({ type: () => [FieldErrorDto], description: 'present on 400 answers' })
  errors?: FieldErrorDto[];
  @ApiPropertyOptional({ example: 'urn:client-lifecycle:request:7d0c5a1e-2f4b-4c3e-9a61-0b8e2f1d4c77', description: 'RFC 9457 instance: this occurrence, as the request id (X-Request-Id)' })
  instance?: string;
}

/** What every command answers. */
class CommandResultDto {
  @ApiProperty({ example: 'sub-42', description: 'subscriberId or caseId' })
  id!: string;
  @ApiProperty({ example: 3, description: "the aggregate stream's version after the command (its new ETag)" })
  version!: number;
  @ApiProperty({ example: '1234', description: 'global position (decimal string) of the last event written, follow-ups included' })
  position!: string;
  @ApiProperty({ example: ['PaymentReceived', 'ServiceReinstated'], type: [String] })
  events!: string[];
}

function problems(...statuses: number[]): MethodDecorator[] {
  const text: Record<number, string> = {
    400: 'invalid input (`errors` lists the fields), malformed JSON or a malformed header',
    401: 'missing or unknown API key',
    403: 'the key has no role allowed here',
    404: 'unknown subscriber or case',
    409: 'a domain rule (`code`), `concurrency-conflict` (retries exhausted, no If-Match) or `idempotency-key-in-use`',
    412: '`concurrency-conflict`: the If-Match version is stale',
    413: 'body over 64 kB',
    415: 'body is not application/json',
    422: '`idempotency-key-reused`: the same Idempotency-Key with another body',
    429: 'rate limit of the key exceeded',
    503: '`database-unavailable`: the database cannot be reached right now; nothing was written, retry after `Retry-After` seconds',
  };
  return statuses.map((status) => ApiResponse({ status, description: text[status], type: ProblemDto }) as MethodDecorator);
}

/** OpenAPI and status code of a command route. */
export function ApiCommand(summary: string, options: { created?: boolean; roles: string; writes: string }): MethodDecorator {
  const status = options.created ? HttpStatus.CREATED : HttpStatus.OK;
  return applyDecorators(
    HttpCode(status),
    ApiBearerAuth(BEARER_SCHEME),
    ApiExtraModels(ProblemDto),
    ApiOperation({ summary, description: `Writes ${options.writes}. Role: ${options.roles} (or admin).` }),
    ApiHeader({ name: 'If-Match', required: false, description: 'expected version, e.g. "3" (the ETag of a GET); stale → 412 concurrency-conflict; * = no precondition' }),
    ApiHeader({ name: 'Idempotency-Key', required: false, description: 'up to 200 visible ASCII characters; a repeat answers the first result and writes nothing' }),
    ApiHeader({ name: 'X-Request-Id', required: false, description: 'correlation id recorded in the events (echoed back)' }),
    ApiResponse({ status, type: CommandResultDto, description: 'the command was applied' }),
    ...problems(400, 401, 403, 404, 409, 412, 413, 415, 422, 429, 503),
  );
}

/** OpenAPI of an aggregate query. */
export function ApiAggregateQuery(summary: string, roles: string): MethodDecorator {
  return applyDecorators(
    ApiBearerAuth(BEARER_SCHEME),
    ApiOperation({ summary, description: `Role: ${roles} (or admin). Answers with ETag: "<version>".` }),
    ...problems(400, 401, 403, 404, 429, 503),
  );
}
