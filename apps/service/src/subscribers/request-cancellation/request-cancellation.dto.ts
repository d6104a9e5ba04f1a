import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsCalendarDate, IsText, Optional } from '../../http/validation.js';

/** Body of the RequestCancellation command. */
export class RequestCancellationDto extends CommandBodyDto {
  @ApiProperty({ example: 'moving to a cheaper provider' })
  @IsText('text')
  reason!: string;

  @ApiPropertyOptional({ example: '2026-03-31', description: 'YYYY-MM-DD' })
  @Optional()
  @IsCalendarDate()
  requestedEffectiveDate?: string;
}
