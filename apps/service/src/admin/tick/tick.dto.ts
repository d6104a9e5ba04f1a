import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInstant, Optional } from '../../http/validation.js';

/** Body of `POST /v1/admin/tick`. */
export class TickDto {
  @ApiPropertyOptional({ example: '2026-02-01T00:00:00Z', description: 'the instant the scheduler pass runs as of; default: now' })
  @Optional()
  @IsInstant()
  now?: string;
}
