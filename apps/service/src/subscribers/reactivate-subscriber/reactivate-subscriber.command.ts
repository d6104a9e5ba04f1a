import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { ReactivateSubscriberDto } from './reactivate-subscriber.dto.js';

/** Wins back a terminated subscriber on a plan. */
export class ReactivateSubscriberCommand extends Command<CommandResult> {
  constructor(
    readonly subscriberId: string,
    readonly body: ReactivateSubscriberDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs ReactivateSubscriberCommand through the application's one write path. */
@CommandHandler(ReactivateSubscriberCommand)
export class ReactivateSubscriberHandler implements ICommandHandler<ReactivateSubscriberCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ subscriberId, body, options }: ReactivateSubscriberCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'ReactivateSubscriber', data: plainData({ ...body, subscriberId }) }, options);
  }
}
