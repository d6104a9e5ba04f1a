import { ApiProperty } from '@nestjs/swagger';
import { IsCurrency, IsIdentifier, IsMinorUnits } from '../http/validation.js';

/** A plan's terms: its code and monthly fee in minor units. */
export class PlanTermsDto {
  @ApiProperty({ example: 'alarm-premium' })
  @IsIdentifier()
  code!: string;

  @ApiProperty({ example: 30000, description: 'integer minor units (cents)' })
  @IsMinorUnits(0)
  monthlyFee!: number;
}

/** A plan: terms plus the subscriber's ISO-4217 currency. */
export class PlanDto extends PlanTermsDto {
  @ApiProperty({ example: 'USD', description: 'ISO-4217 currency code' })
  @IsCurrency()
  currency!: string;
}
