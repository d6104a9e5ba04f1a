import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInstant, Optional } from './validation.js';

/** What every command body may carry: `at`, the business time of what it records (default: now). */
export class CommandBodyDto {
  @ApiPropertyOptional({ example: '2026-01-31T10:00:00Z', description: 'business time (ISO-8601 with zone); default: the server clock' })
  @Optional()
  @IsInstant()
  at?: string;
}
