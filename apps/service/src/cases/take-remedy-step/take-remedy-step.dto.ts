import { Equals, IsIn } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DOMAIN_VALUES, type RemedyOutcome, type RemedyStep } from '@libs/domain';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { IsText, Optional } from '../../http/validation.js';

const STEPS: readonly RemedyStep[] = DOMAIN_VALUES.remedyStep;
const OUTCOMES: readonly RemedyOutcome[] = DOMAIN_VALUES.remedyOutcome;

/**
 * Body of the remedy-steps route: either a step taken `{step, notes, outcome}` or a step skipped
 * `{step, skipped: true, justification}`. Fields of the other form are refused, so a client never
 * believes it recorded something that was dropped.
 */
export class TakeRemedyStepDto extends CommandBodyDto {
  @ApiProperty({ enum: STEPS })
  @IsIn(STEPS)
  step!: RemedyStep;

  @ApiPropertyOptional({ example: true, description: 'true to skip the step (then justification is required)' })
  @Optional()
  @Equals(true, { message: 'must be true when present (omit it for a step taken)' })
  skipped?: true;

  @ApiPropertyOptional({ example: 'walked the client through the app; false alarms stopped', description: 'taken: required' })
  @Optional()
  @IsText('anyText')
  notes?: string;

  @ApiPropertyOptional({ enum: OUTCOMES, description: 'taken: required' })
  @Optional()
  @IsIn(OUTCOMES)
  outcome?: RemedyOutcome;

  @ApiPropertyOptional({ example: 'client refuses any other plan', description: 'skipped: required' })
  @Optional()
  @IsText('text')
  justification?: string;
}
