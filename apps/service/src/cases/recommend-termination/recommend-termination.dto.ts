import { IsArray, IsBoolean } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsCalendarDate, IsText, ListMaxSize, Optional } from '../../http/validation.js';

/** Body of the RecommendTermination command. */
export class RecommendTerminationDto extends CommandBodyDto {
  @ApiProperty({ example: ['cost to serve exceeded revenue for 6 months'], type: [String], description: 'specific reasons; none → 409 reasons-required' })
  @IsArray()
  @ListMaxSize()
  @IsText('anyText', { each: true })
  reasons!: string[];

  @ApiProperty({ example: '2026-05-01', description: 'YYYY-MM-DD; ≥ notice days ahead' })
  @IsCalendarDate()
  effectiveDate!: string;

  @ApiPropertyOptional({ example: 'Seguridad Norte', description: 'required unless the case is unethical or abusive' })
  @Optional()
  @IsText('anyLine')
  recommendedProvider?: string;

  @ApiProperty({ example: true, description: 'transition documentation offered' })
  @IsBoolean()
  transitionSupport!: boolean;
}
