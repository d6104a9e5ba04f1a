import { IsIn } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DOMAIN_VALUES, type CostKind } from '@libs/domain';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsCount, IsMinorUnits, IsText, Optional } from '../../http/validation.js';

/** Body of the RecordCostToServe command. */
export class RecordCostToServeDto extends CommandBodyDto {
  @ApiProperty({ enum: [...DOMAIN_VALUES.costKind] })
  @IsIn(DOMAIN_VALUES.costKind)
  kind!: CostKind;

  @ApiProperty({ example: 4500, description: 'integer minor units' })
  @IsMinorUnits(0)
  amount!: number;

  @ApiPropertyOptional({ example: 45, description: 'time spent, in minutes' })
  @Optional()
  @IsCount('minutes')
  minutes?: number;

  @ApiPropertyOptional({ example: 'third false alarm this month' })
  @Optional()
  @IsText('anyText')
  note?: string;
}
