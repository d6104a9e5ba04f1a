import { ApiProperty } from '@nestjs/swagger';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsCalendarDate, IsIdentifier, IsMinorUnits, IsPeriod } from '../../http/validation.js';

/** Body of the IssueInvoice command. */
export class IssueInvoiceDto extends CommandBodyDto {
  @ApiProperty({ example: 'inv-2026-01' })
  @IsIdentifier()
  invoiceId!: string;

  @ApiProperty({ example: '2026-01', description: 'billing period YYYY-MM' })
  @IsPeriod()
  period!: string;

  @ApiProperty({ example: 30000, description: 'integer minor units' })
  @IsMinorUnits(1)
  amount!: number;

  @ApiProperty({ example: '2026-01-10', description: 'YYYY-MM-DD' })
  @IsCalendarDate()
  dueDate!: string;
}
