import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches } from 'class-validator';

/** `limit` and `cursor` of the audit lists (docs/integrators.md, "Paging"). */
export class AuditPageQueryDto {
  @ApiPropertyOptional({ example: '100', description: 'rows per page, 1–1000, default 100' })
  @IsOptional()
  @Matches(/^([1-9]\d{0,2}|1000)$/, { message: 'must be an integer from 1 to 1000' })
  limit?: string;

  @ApiPropertyOptional({ description: 'the nextCursor of the previous page (opaque); absent = the first page' })
  @IsOptional()
  @Matches(/^[1-9]\d{0,17}$/, { message: 'must be a cursor returned by a previous page' })
  cursor?: string;
}

export function pageOf(q: AuditPageQueryDto): { limit: number; before?: number } {
  return { limit: q.limit ? Number(q.limit) : 100, before: q.cursor ? Number(q.cursor) : undefined };
}
