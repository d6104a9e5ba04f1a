import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { ReinstateServiceDto } from './reinstate-service.dto.js';

/** Reinstates a suspended service (after non-payment: every missed invoice paid or written off). */
export class ReinstateServiceCommand extends Command<CommandResult> {
  constructor(
    readonly subscriberId: string,
    readonly body: ReinstateServiceDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs ReinstateServiceCommand through the application's one write path. */
@CommandHandler(ReinstateServiceCommand)
export class ReinstateServiceHandler implements ICommandHandler<ReinstateServiceCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ subscriberId, body, options }: ReinstateServiceCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'ReinstateService', data: plainData({ ...body, subscriberId }) }, options);
  }
}
