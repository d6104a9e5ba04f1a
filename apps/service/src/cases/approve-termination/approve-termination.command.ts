import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { ApproveTerminationDto } from './approve-termination.dto.js';

/** The executive team approves a recommended termination; the notice is given on the subscriber. */
export class ApproveTerminationCommand extends Command<CommandResult> {
  constructor(
    readonly caseId: string,
    readonly body: ApproveTerminationDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs ApproveTerminationCommand; `approvedBy` is the caller's key id (the decider checks its roles). */
@CommandHandler(ApproveTerminationCommand)
export class ApproveTerminationHandler implements ICommandHandler<ApproveTerminationCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ caseId, body, options }: ApproveTerminationCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'ApproveTermination', data: plainData({ caseId, approvedBy: options.actor.id, at: body.at }) }, options);
  }
}
