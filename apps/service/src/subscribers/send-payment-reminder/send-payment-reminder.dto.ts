import { IsIn } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { DOMAIN_VALUES, type ReminderTone } from '@libs/domain';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsIdentifier } from '../../http/validation.js';

/** Body of the SendPaymentReminder command. */
export class SendPaymentReminderDto extends CommandBodyDto {
  @ApiProperty({ example: 'inv-2026-01' })
  @IsIdentifier()
  invoiceId!: string;

  @ApiProperty({ enum: [...DOMAIN_VALUES.reminderTone] })
  @IsIn(DOMAIN_VALUES.reminderTone)
  tone!: ReminderTone;
}
