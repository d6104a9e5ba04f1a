import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { newAggregateId } from '../../http/command-context.js';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { EnrollSubscriberDto } from './enroll-subscriber.dto.js';

/** Enrolls a qualified subscriber (or an unqualified one with an override). */
export class EnrollSubscriberCommand extends Command<CommandResult> {
  constructor(
    readonly body: EnrollSubscriberDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs EnrollSubscriberCommand; names the subscriber when the client did not. */
@CommandHandler(EnrollSubscriberCommand)
export class EnrollSubscriberHandler implements ICommandHandler<EnrollSubscriberCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ body, options }: EnrollSubscriberCommand): Promise<CommandResult> {
    const subscriberId = body.subscriberId ?? newAggregateId(options, 'subscriber');
    return this.lifecycle.execute({ type: 'EnrollSubscriber', data: plainData({ ...body, subscriberId }) }, options);
  }
}
