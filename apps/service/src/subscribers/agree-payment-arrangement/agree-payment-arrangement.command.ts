import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { AgreePaymentArrangementDto } from './agree-payment-arrangement.dto.js';

/** Agrees a short-term payment arrangement (≤ 30 days) that defers suspension. */
export class AgreePaymentArrangementCommand extends Command<CommandResult> {
  constructor(
    readonly subscriberId: string,
    readonly body: AgreePaymentArrangementDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs AgreePaymentArrangementCommand through the application's one write path. */
@CommandHandler(AgreePaymentArrangementCommand)
export class AgreePaymentArrangementHandler implements ICommandHandler<AgreePaymentArrangementCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ subscriberId, body, options }: AgreePaymentArrangementCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'AgreePaymentArrangement', data: plainData({ ...body, subscriberId }) }, options);
  }
}
