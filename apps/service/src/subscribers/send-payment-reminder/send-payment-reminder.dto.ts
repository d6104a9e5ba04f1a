import { IsIn } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import type { ReminderTone } from '@libs/domain';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsIdentifier } from '../../http/validation.js';

/** Body of the SendPaymentReminder command. */
export class SendPaymentReminderDto extends CommandBodyDto {
  @ApiProperty({ example: 'inv-2026-01', maxLength: 200 })
  @IsIdentifier()
  invoiceId!: string;

  @ApiProperty({ enum: ['friendly', 'firm', 'final'] })
  @IsIn(['friendly', 'firm', 'final'])
  tone!: ReminderTone;
}
