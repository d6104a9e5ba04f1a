import { ApiProperty } from '@nestjs/swagger';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsCalendarDate, IsText } from '../../http/validation.js';

/** Body of the RejectRetentionPlan command. */
export class RejectRetentionPlanDto extends CommandBodyDto {
  @ApiProperty({ example: 'price still too high' })
  @IsText('text')
  reason!: string;

  @ApiProperty({ example: '2026-03-31', description: "the client's termination date (YYYY-MM-DD)" })
  @IsCalendarDate()
  effectiveDate!: string;
}
