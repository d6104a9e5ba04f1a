import { ApiProperty } from '@nestjs/swagger';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsIdentifier, IsMinorUnits } from '../../http/validation.js';

/** Body of the RecordPayment command. */
export class RecordPaymentDto extends CommandBodyDto {
  @ApiProperty({ example: 'inv-2026-01' })
  @IsIdentifier()
  invoiceId!: string;

  @ApiProperty({ example: 30000, description: 'integer minor units, at most what is still owed' })
  @IsMinorUnits(1)
  amount!: number;
}
