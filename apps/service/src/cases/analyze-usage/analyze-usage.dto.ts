import { ArrayMinSize, ArrayUnique, IsArray, IsIn } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { DOMAIN_VALUES, type UsageCause } from '@libs/domain';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsText, ListMaxSize } from '../../http/validation.js';

const USAGE_CAUSES: readonly UsageCause[] = DOMAIN_VALUES.usageCause;

/** Body of the AnalyzeUsage command. */
export class AnalyzeUsageDto extends CommandBodyDto {
  @ApiProperty({ example: 'never armed the system at night' })
  @IsText('text')
  findings!: string;

  @ApiProperty({ enum: USAGE_CAUSES, isArray: true, minItems: 1 })
  @IsArray()
  @ArrayMinSize(1)
  @ListMaxSize()
  @ArrayUnique()
  @IsIn(USAGE_CAUSES, { each: true })
  causes!: UsageCause[];
}
