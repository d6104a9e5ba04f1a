import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { RecommendTerminationDto } from './recommend-termination.dto.js';

/** Recommends terminating the client (after the remedy steps, with notice and a recommended provider). */
export class RecommendTerminationCommand extends Command<CommandResult> {
  constructor(
    readonly caseId: string,
    readonly body: RecommendTerminationDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs RecommendTerminationCommand through the application's one write path. */
@CommandHandler(RecommendTerminationCommand)
export class RecommendTerminationHandler implements ICommandHandler<RecommendTerminationCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ caseId, body, options }: RecommendTerminationCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'RecommendTermination', data: plainData({ ...body, caseId }) }, options);
  }
}
