import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { DOMAIN_VALUES, type UsageCause } from '@libs/domain';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsText } from '../../http/validation.js';

const USAGE_CAUSES: readonly UsageCause[] = DOMAIN_VALUES.usageCause;

/** Body of the AnalyzeUsage command. */
export class AnalyzeUsageDto extends CommandBodyDto {
  @ApiProperty({ example: 'never armed the system at night', maxLength: 2000 })
  @IsText(2000)
  findings!: string;

  @ApiProperty({ enum: USAGE_CAUSES, isArray: true, minItems: 1 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsIn(USAGE_CAUSES, { each: true })
  causes!: UsageCause[];
}
