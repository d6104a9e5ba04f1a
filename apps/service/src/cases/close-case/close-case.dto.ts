import { IsIn } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import type { CaseOutcome } from '@libs/domain';
import { CommandBodyDto } from '../../http/command-body.dto.js';

/** Body of the CloseCase command. */
export class CloseCaseDto extends CommandBodyDto {
  @ApiProperty({ enum: ['resolved', 'retained', 'migrated', 'terminated', 'withdrawn'] })
  @IsIn(['resolved', 'retained', 'migrated', 'terminated', 'withdrawn'])
  outcome!: CaseOutcome;
}
