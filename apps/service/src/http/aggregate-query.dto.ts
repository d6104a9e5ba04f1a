import { Matches } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInstant, Optional } from './validation.js';

/** Query string of an aggregate read: the state as of an instant or a stream version. */
export class AggregateQueryDto {
  @ApiPropertyOptional({ example: '2026-02-01T00:00:00Z', description: 'fold only events with occurredAt ≤ asOf' })
  @Optional()
  @IsInstant()
  asOf?: string;

  @ApiPropertyOptional({ example: '3', description: 'fold only events with version ≤ version' })
  @Optional()
  @Matches(/^\d{1,9}$/, { message: 'must be a non-negative integer' })
  version?: string;

  @ApiPropertyOptional({ example: '1234', description: 'accepted for symmetry with read-model queries; aggregate reads are always up to date' })
  @Optional()
  @Matches(/^\d{1,30}$/, { message: 'must be a position (decimal string)' })
  minPosition?: string;
}

/** The fold bounds of an {@link AggregateQueryDto}. */
export function asOfOptions(query: AggregateQueryDto): { asOf?: string; version?: number } {
  const options: { asOf?: string; version?: number } = {};
  if (query.asOf !== undefined) options.asOf = query.asOf;
  if (query.version !== undefined) options.version = Number(query.version);
  return options;
}
