import { Type } from 'class-transformer';
import { IsIn, IsObject, ValidateNested } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DOMAIN_VALUES, type MigrationTarget } from '@libs/domain';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsAggregateId, IsText, Optional } from '../../http/validation.js';
import { PlanDto } from '../plan.dto.js';

/** Body of the MigrateClient command. */
export class MigrateClientDto extends CommandBodyDto {
  @ApiProperty({ enum: [...DOMAIN_VALUES.migrationTarget] })
  @IsIn(DOMAIN_VALUES.migrationTarget)
  target!: MigrationTarget;

  @ApiPropertyOptional({ type: () => PlanDto, description: 'required for target plan' })
  @Optional()
  @IsObject()
  @ValidateNested()
  @Type(() => PlanDto)
  toPlan?: PlanDto;

  @ApiPropertyOptional({ example: 'Seguridad Norte', description: 'required for target partner' })
  @Optional()
  @IsText('line')
  partner?: string;

  @ApiPropertyOptional({ example: 'reseller', description: 'required for target channel' })
  @Optional()
  @IsText('line')
  channel?: string;

  @ApiPropertyOptional({ example: 'case-7', description: 'the case this migration remedies' })
  @Optional()
  @IsAggregateId()
  caseId?: string;
}
