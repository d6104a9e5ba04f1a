import { ApiProperty } from '@nestjs/swagger';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsText } from '../../http/validation.js';

/** Body of the AgreeRetentionPlan command. */
export class AgreeRetentionPlanDto extends CommandBodyDto {
  @ApiProperty({ example: 'Ana Ruiz (client)' })
  @IsText('line')
  agreedBy!: string;
}
