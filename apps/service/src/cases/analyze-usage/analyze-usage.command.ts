import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { AnalyzeUsageDto } from './analyze-usage.dto.js';

/** Records the analysis of how a client who asked to cancel uses the service. */
export class AnalyzeUsageCommand extends Command<CommandResult> {
  constructor(
    readonly caseId: string,
    readonly body: AnalyzeUsageDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs AnalyzeUsageCommand through the application's one write path. */
@CommandHandler(AnalyzeUsageCommand)
export class AnalyzeUsageHandler implements ICommandHandler<AnalyzeUsageCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ caseId, body, options }: AnalyzeUsageCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'AnalyzeUsage', data: plainData({ ...body, caseId }) }, options);
  }
}
