import { IsIn } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { DOMAIN_VALUES, type CaseOutcome } from '@libs/domain';
import { CommandBodyDto } from '../../http/command-body.dto.js';

/** Body of the CloseCase command. */
export class CloseCaseDto extends CommandBodyDto {
  @ApiProperty({ enum: [...DOMAIN_VALUES.caseOutcome] })
  @IsIn(DOMAIN_VALUES.caseOutcome)
  outcome!: CaseOutcome;
}
