import { ArrayMinSize, ArrayUnique, IsArray } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsCalendarDate, IsIdentifier, ListMaxSize } from '../../http/validation.js';

/** Body of the AgreePaymentArrangement command. */
export class AgreePaymentArrangementDto extends CommandBodyDto {
  @ApiProperty({ example: ['inv-2026-01'], type: [String], minItems: 1 })
  @IsArray()
  @ArrayMinSize(1)
  @ListMaxSize()
  @ArrayUnique()
  @IsIdentifier({ each: true })
  invoiceIds!: string[];

  @ApiProperty({ example: '2026-02-15', description: 'YYYY-MM-DD, at most 30 days after the agreement' })
  @IsCalendarDate()
  payBy!: string;
}
