import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { RequestValidationError, type FieldProblem } from '../../http/problem.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { TakeRemedyStepDto } from './take-remedy-step.dto.js';

/** Records one of the four remedy steps, taken or skipped with a justification. */
export class TakeRemedyStepCommand extends Command<CommandResult> {
  constructor(
    readonly caseId: string,
    readonly body: TakeRemedyStepDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Which of the two forms a body is, or what is wrong with it. */
export function remedyStepProblems(body: TakeRemedyStepDto): FieldProblem[] {
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

/** Runs TakeRemedyStepCommand as TakeRemedyStep or SkipRemedyStep. */
@CommandHandler(TakeRemedyStepCommand)
export class TakeRemedyStepHandler implements ICommandHandler<TakeRemedyStepCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ caseId, body, options }: TakeRemedyStepCommand): Promise<CommandResult> {
    const problems = remedyStepProblems(body);
    if (problems.length > 0) return Promise.reject(new RequestValidationError(problems));
    if (body.skipped === true) {
      return this.lifecycle.execute({ type: 'SkipRemedyStep', data: plainData({ caseId, step: body.step, justification: body.justification!, at: body.at }) }, options);
    }
    return this.lifecycle.execute({ type: 'TakeRemedyStep', data: plainData({ caseId, step: body.step, notes: body.notes!, outcome: body.outcome!, at: body.at }) }, options);
  }
}
