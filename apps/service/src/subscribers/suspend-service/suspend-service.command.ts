import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { SuspendServiceDto } from './suspend-service.dto.js';

/** Suspends the service (non_payment needs a missed, unpaid invoice). */
export class SuspendServiceCommand extends Command<CommandResult> {
  constructor(
    readonly subscriberId: string,
    readonly body: SuspendServiceDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs SuspendServiceCommand through the application's one write path. */
@CommandHandler(SuspendServiceCommand)
export class SuspendServiceHandler implements ICommandHandler<SuspendServiceCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ subscriberId, body, options }: SuspendServiceCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'SuspendService', data: plainData({ ...body, subscriberId }) }, options);
  }
}
