import { Type } from 'class-transformer';
import { IsBoolean, IsIn, IsObject, ValidateNested } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DOMAIN_VALUES, type Segment } from '@libs/domain';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsAggregateId, IsCount, IsIdentifier, IsText, Optional } from '../../http/validation.js';
import { PlanDto } from '../plan.dto.js';

/** Qualify before selling: the subscriber needs, values and can pay for the service. */
export class QualificationDto {
  @ApiProperty({ example: true })
  @IsBoolean()
  needsService!: boolean;

  @ApiProperty({ example: true })
  @IsBoolean()
  valuesService!: boolean;

  @ApiProperty({ example: true })
  @IsBoolean()
  canPay!: boolean;
}

/** Who overrides a failed qualification and why; blank values are refused by the rule (409). */
export class QualificationOverrideDto {
  @ApiProperty({ example: 'sales director' })
  @IsText('anyLine')
  by!: string;

  @ApiProperty({ example: 'pilot customer, payment guaranteed by the parent company' })
  @IsText('anyText')
  justification!: string;
}

/** Body of the EnrollSubscriber command. */
export class EnrollSubscriberDto extends CommandBodyDto {
  @ApiPropertyOptional({ example: 'sub-42', description: 'client-supplied id; default: a UUID (derived from the Idempotency-Key when given)' })
  @Optional()
  @IsAggregateId()
  subscriberId?: string;

  @ApiProperty({ example: 'Alarmas Pérez' })
  @IsText('line')
  name!: string;

  @ApiProperty({ enum: [...DOMAIN_VALUES.segment] })
  @IsIn(DOMAIN_VALUES.segment)
  segment!: Segment;

  @ApiProperty({ type: () => PlanDto })
  @IsObject()
  @ValidateNested()
  @Type(() => PlanDto)
  plan!: PlanDto;

  @ApiProperty({ example: 'rep-7' })
  @IsIdentifier()
  salesRepId!: string;

  @ApiProperty({ type: () => QualificationDto })
  @IsObject()
  @ValidateNested()
  @Type(() => QualificationDto)
  qualification!: QualificationDto;

  @ApiPropertyOptional({ example: 90, description: "contract's notice days; default 60 for b2b, 15 for b2c" })
  @Optional()
  @IsCount('noticeDays')
  noticeDays?: number;

  @ApiPropertyOptional({ type: () => QualificationOverrideDto })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => QualificationOverrideDto)
  override?: QualificationOverrideDto;
}
