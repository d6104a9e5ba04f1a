import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { AgreeRetentionPlanDto } from './agree-retention-plan.dto.js';

/** Records that the client agreed the retention plan; the cancellation is withdrawn. */
export class AgreeRetentionPlanCommand extends Command<CommandResult> {
  constructor(
    readonly caseId: string,
    readonly body: AgreeRetentionPlanDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs AgreeRetentionPlanCommand through the application's one write path. */
@CommandHandler(AgreeRetentionPlanCommand)
export class AgreeRetentionPlanHandler implements ICommandHandler<AgreeRetentionPlanCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ caseId, body, options }: AgreeRetentionPlanCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'AgreeRetentionPlan', data: plainData({ ...body, caseId }) }, options);
  }
}
