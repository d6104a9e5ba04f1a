import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsIdentifier } from '../../http/validation.js';

/** Body of the WriteOffDebt command. */
export class WriteOffDebtDto extends CommandBodyDto {
  @ApiProperty({ example: ['inv-2026-01'], type: [String], minItems: 1, maxItems: 50 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsIdentifier({ each: true })
  invoiceIds!: string[];
}
