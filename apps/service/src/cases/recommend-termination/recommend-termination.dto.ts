import { ArrayMaxSize, IsArray, IsBoolean } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsCalendarDate, IsText, Optional } from '../../http/validation.js';

/** Body of the RecommendTermination command. */
export class RecommendTerminationDto extends CommandBodyDto {
  @ApiProperty({ example: ['cost to serve exceeded revenue for 6 months'], type: [String], maxItems: 50, description: 'specific reasons; none → 409 reasons-required' })
  @IsArray()
  @ArrayMaxSize(50)
  @IsText(2000, { allowEmpty: true }, { each: true })
  reasons!: string[];

  @ApiProperty({ example: '2026-05-01', description: 'YYYY-MM-DD; ≥ notice days ahead' })
  @IsCalendarDate()
  effectiveDate!: string;

  @ApiPropertyOptional({ example: 'Seguridad Norte', maxLength: 200, description: 'required unless the case is unethical or abusive' })
  @Optional()
  @IsText(200, { allowEmpty: true, singleLine: true })
  recommendedProvider?: string;

  @ApiProperty({ example: true, description: 'transition documentation offered' })
  @IsBoolean()
  transitionSupport!: boolean;
}
