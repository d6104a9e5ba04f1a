import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { RequestCancellationDto } from './request-cancellation.dto.js';

/** Records that the client asked to cancel; a retention case is opened. */
export class RequestCancellationCommand extends Command<CommandResult> {
  constructor(
    readonly subscriberId: string,
    readonly body: RequestCancellationDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs RequestCancellationCommand through the application's one write path. */
@CommandHandler(RequestCancellationCommand)
export class RequestCancellationHandler implements ICommandHandler<RequestCancellationCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ subscriberId, body, options }: RequestCancellationCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'RequestCancellation', data: plainData({ ...body, subscriberId }) }, options);
  }
}
