import { Type } from 'class-transformer';
import { ArrayMinSize, IsArray, IsIn, IsObject, ValidateNested } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsCalendarDate, IsText, ListMaxSize, Optional } from '../../http/validation.js';
import { DOMAIN_VALUES } from '@libs/domain';

/** One commitment of a retention plan: who does what by when. */
export class RetentionActionDto {
  @ApiProperty({ enum: [...DOMAIN_VALUES.actionOwner] })
  @IsIn(DOMAIN_VALUES.actionOwner)
  owner!: 'provider' | 'client';

  @ApiProperty({ example: 'two training sessions on the mobile app' })
  @IsText('text')
  description!: string;

  @ApiProperty({ example: '2026-02-15', description: 'YYYY-MM-DD' })
  @IsCalendarDate()
  dueDate!: string;
}

/** Body of the ProposeRetentionPlan command. */
export class ProposeRetentionPlanDto extends CommandBodyDto {
  @ApiProperty({ type: () => [RetentionActionDto], minItems: 1, description: 'agreement needs at least one action per side' })
  @IsArray()
  @ArrayMinSize(1)
  @ListMaxSize()
  @IsObject({ each: true })
  @ValidateNested({ each: true })
  @Type(() => RetentionActionDto)
  actions!: RetentionActionDto[];

  @ApiPropertyOptional({ example: 'one month at half price' })
  @Optional()
  @IsText('text')
  goodwillGesture?: string;
}
