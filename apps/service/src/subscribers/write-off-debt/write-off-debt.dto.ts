import { ArrayMinSize, ArrayUnique, IsArray } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsIdentifier, ListMaxSize } from '../../http/validation.js';

/** Body of the WriteOffDebt command. */
export class WriteOffDebtDto extends CommandBodyDto {
  @ApiProperty({ example: ['inv-2026-01'], type: [String], minItems: 1 })
  @IsArray()
  @ArrayMinSize(1)
  @ListMaxSize()
  @ArrayUnique()
  @IsIdentifier({ each: true })
  invoiceIds!: string[];
}
