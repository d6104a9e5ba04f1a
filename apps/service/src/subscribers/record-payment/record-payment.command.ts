import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { RecordPaymentDto } from './record-payment.dto.js';

/** Records a payment of (part of) an open or missed invoice; may reinstate a non-payment suspension. */
export class RecordPaymentCommand extends Command<CommandResult> {
  constructor(
    readonly subscriberId: string,
    readonly body: RecordPaymentDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs RecordPaymentCommand through the application's one write path. */
@CommandHandler(RecordPaymentCommand)
export class RecordPaymentHandler implements ICommandHandler<RecordPaymentCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ subscriberId, body, options }: RecordPaymentCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'RecordPayment', data: plainData({ ...body, subscriberId }) }, options);
  }
}
