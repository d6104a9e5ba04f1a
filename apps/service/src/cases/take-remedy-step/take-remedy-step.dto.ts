import { Equals, IsIn } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { DOMAIN_VALUES, type RemedyOutcome, type RemedyStep } from '@libs/domain';
import type { CommandInput } from '@libs/application';
import { CommandBodyDto } from '../../http/command-body.dto.js';
import { RequestValidationError, type FieldProblem } from '../../http/problem.js';
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

/** Which of the two forms a body is, or what is wrong with it. */
function remedyStepProblems(body: TakeRemedyStepDto): FieldProblem[] {
  const problems: FieldProblem[] = [];
  if (body.skipped === true) {
    if (body.justification === undefined) problems.push({ field: 'justification', message: 'is required when skipped is true' });
    if (body.notes !== undefined) problems.push({ field: 'notes', message: 'is not allowed when skipped is true' });
    if (body.outcome !== undefined) problems.push({ field: 'outcome', message: 'is not allowed when skipped is true' });
  } else {
    if (body.notes === undefined) problems.push({ field: 'notes', message: 'is required for a step taken' });
    if (body.outcome === undefined) problems.push({ field: 'outcome', message: 'is required for a step taken' });
    if (body.justification !== undefined) problems.push({ field: 'justification', message: 'is only allowed with skipped: true' });
  }
  return problems;
}

/** The body as SkipRemedyStep or TakeRemedyStep; a body of neither form is a 400 naming its fields. */
export function remedyStepCommand(caseId: string, body: TakeRemedyStepDto): CommandInput {
  const problems = remedyStepProblems(body);
  if (problems.length > 0) throw new RequestValidationError(problems);
  if (body.skipped === true) return { type: 'SkipRemedyStep', data: { caseId, step: body.step, justification: body.justification!, at: body.at } };
  return { type: 'TakeRemedyStep', data: { caseId, step: body.step, notes: body.notes!, outcome: body.outcome!, at: body.at } };
}
