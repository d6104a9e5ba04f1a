import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { ChangePlanDto } from './change-plan.dto.js';

/** Changes the subscriber's plan (renegotiation, upgrade, downgrade). */
export class ChangePlanCommand extends Command<CommandResult> {
  constructor(
    readonly subscriberId: string,
    readonly body: ChangePlanDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs ChangePlanCommand through the application's one write path. */
@CommandHandler(ChangePlanCommand)
export class ChangePlanHandler implements ICommandHandler<ChangePlanCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ subscriberId, body, options }: ChangePlanCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'ChangePlan', data: plainData({ ...body, subscriberId }) }, options);
  }
}
