import { IsIn } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DOMAIN_VALUES, type CaseKind } from '@libs/domain';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsAggregateId, IsText, Optional } from '../../http/validation.js';

const CASE_KINDS: readonly CaseKind[] = DOMAIN_VALUES.caseKind;

/** Body of the OpenCase command. */
export class OpenCaseDto extends CommandBodyDto {
  @ApiPropertyOptional({ example: 'case-7', description: 'client-supplied id; default: a UUID (derived from the Idempotency-Key when given)' })
  @Optional()
  @IsAggregateId()
  caseId?: string;

  @ApiProperty({ example: 'sub-42' })
  @IsAggregateId()
  subscriberId!: string;

  @ApiProperty({ enum: CASE_KINDS })
  @IsIn(CASE_KINDS)
  kind!: CaseKind;

  @ApiProperty({ example: 'cost to serve above revenue for two quarters' })
  @IsText('text')
  summary!: string;
}
