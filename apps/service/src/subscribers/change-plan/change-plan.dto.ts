import { Type } from 'class-transformer';
import { IsIn, IsObject, ValidateNested } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import type { PlanChangeReason } from '@libs/domain';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { PlanTermsDto } from '../plan.dto.js';

/** Body of the ChangePlan command. */
export class ChangePlanDto extends CommandBodyDto {
  @ApiProperty({ type: () => PlanTermsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PlanTermsDto)
  to!: PlanTermsDto;

  @ApiProperty({ enum: ['renegotiated', 'upgrade', 'downgrade'] })
  @IsIn(['renegotiated', 'upgrade', 'downgrade'])
  reason!: PlanChangeReason;
}
