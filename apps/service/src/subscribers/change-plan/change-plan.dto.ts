import { Type } from 'class-transformer';
import { IsIn, IsObject, ValidateNested } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { DOMAIN_VALUES, type PlanChangeReason } from '@libs/domain';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { PlanTermsDto } from '../plan.dto.js';

/** Body of the ChangePlan command. */
export class ChangePlanDto extends CommandBodyDto {
  @ApiProperty({ type: () => PlanTermsDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PlanTermsDto)
  to!: PlanTermsDto;

  @ApiProperty({ enum: [...DOMAIN_VALUES.planChangeReason] })
  @IsIn(DOMAIN_VALUES.planChangeReason)
  reason!: PlanChangeReason;
}
