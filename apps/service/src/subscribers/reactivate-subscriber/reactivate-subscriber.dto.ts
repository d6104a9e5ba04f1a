import { Type } from 'class-transformer';
import { IsObject, ValidateNested } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { PlanDto } from '../plan.dto.js';

/** Body of the ReactivateSubscriber command. */
export class ReactivateSubscriberDto extends CommandBodyDto {
  @ApiProperty({ type: () => PlanDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PlanDto)
  plan!: PlanDto;
}
