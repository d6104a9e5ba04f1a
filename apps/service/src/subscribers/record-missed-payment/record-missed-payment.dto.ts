import { ApiProperty } from '@nestjs/swagger';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsIdentifier } from '../../http/validation.js';

/** Body of the RecordMissedPayment command. */
export class RecordMissedPaymentDto extends CommandBodyDto {
  @ApiProperty({ example: 'inv-2026-01' })
  @IsIdentifier()
  invoiceId!: string;
}
