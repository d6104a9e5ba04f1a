import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { ProposeRetentionPlanDto } from './propose-retention-plan.dto.js';

/** Proposes a written, personalised retention plan (after the usage analysis). */
export class ProposeRetentionPlanCommand extends Command<CommandResult> {
  constructor(
    readonly caseId: string,
    readonly body: ProposeRetentionPlanDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs ProposeRetentionPlanCommand through the application's one write path. */
@CommandHandler(ProposeRetentionPlanCommand)
export class ProposeRetentionPlanHandler implements ICommandHandler<ProposeRetentionPlanCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ caseId, body, options }: ProposeRetentionPlanCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'ProposeRetentionPlan', data: plainData({ ...body, caseId }) }, options);
  }
}
