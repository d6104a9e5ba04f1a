import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { RejectRetentionPlanDto } from './reject-retention-plan.dto.js';

/** Records that the client rejected the plan; gives the client's termination notice. */
export class RejectRetentionPlanCommand extends Command<CommandResult> {
  constructor(
    readonly caseId: string,
    readonly body: RejectRetentionPlanDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs RejectRetentionPlanCommand through the application's one write path. */
@CommandHandler(RejectRetentionPlanCommand)
export class RejectRetentionPlanHandler implements ICommandHandler<RejectRetentionPlanCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ caseId, body, options }: RejectRetentionPlanCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'RejectRetentionPlan', data: plainData({ ...body, caseId }) }, options);
  }
}
