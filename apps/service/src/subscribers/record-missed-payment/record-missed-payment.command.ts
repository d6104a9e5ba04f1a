import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { RecordMissedPaymentDto } from './record-missed-payment.dto.js';

/** Records an invoice as missed (more than graceDays past due); the dunning policy follows up. */
export class RecordMissedPaymentCommand extends Command<CommandResult> {
  constructor(
    readonly subscriberId: string,
    readonly body: RecordMissedPaymentDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs RecordMissedPaymentCommand through the application's one write path. */
@CommandHandler(RecordMissedPaymentCommand)
export class RecordMissedPaymentHandler implements ICommandHandler<RecordMissedPaymentCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ subscriberId, body, options }: RecordMissedPaymentCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'RecordMissedPayment', data: plainData({ ...body, subscriberId }) }, options);
  }
}
