import { ApiProperty } from '@nestjs/swagger';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsText } from '../../http/validation.js';

/** Body of the ReinstateService command. */
export class ReinstateServiceDto extends CommandBodyDto {
  @ApiProperty({ example: 'client paid and asked to come back' })
  @IsText('text')
  reason!: string;
}
