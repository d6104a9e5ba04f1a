import { IsBoolean, IsIn } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DOMAIN_VALUES, type SuspensionReason } from '@libs/domain';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { Optional } from '../../http/validation.js';

/** Body of the SuspendService command. */
export class SuspendServiceDto extends CommandBodyDto {
  @ApiProperty({ enum: [...DOMAIN_VALUES.suspensionReason] })
  @IsIn(DOMAIN_VALUES.suspensionReason)
  reason!: SuspensionReason;

  @ApiPropertyOptional({ description: "non_payment only: override the policy's writeOffOnSuspension" })
  @Optional()
  @IsBoolean()
  writeOff?: boolean;
}
