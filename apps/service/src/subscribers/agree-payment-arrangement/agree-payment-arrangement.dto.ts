import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsCalendarDate, IsIdentifier } from '../../http/validation.js';

/** Body of the AgreePaymentArrangement command. */
export class AgreePaymentArrangementDto extends CommandBodyDto {
  @ApiProperty({ example: ['inv-2026-01'], type: [String], minItems: 1, maxItems: 50 })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsIdentifier({ each: true })
  invoiceIds!: string[];

  @ApiProperty({ example: '2026-02-15', description: 'YYYY-MM-DD, at most 30 days after the agreement' })
  @IsCalendarDate()
  payBy!: string;
}
