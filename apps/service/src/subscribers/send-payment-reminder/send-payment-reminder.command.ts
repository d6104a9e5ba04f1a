import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { SendPaymentReminderDto } from './send-payment-reminder.dto.js';

/** Records a payment reminder sent to the subscriber. */
export class SendPaymentReminderCommand extends Command<CommandResult> {
  constructor(
    readonly subscriberId: string,
    readonly body: SendPaymentReminderDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs SendPaymentReminderCommand through the application's one write path. */
@CommandHandler(SendPaymentReminderCommand)
export class SendPaymentReminderHandler implements ICommandHandler<SendPaymentReminderCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ subscriberId, body, options }: SendPaymentReminderCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'SendPaymentReminder', data: plainData({ ...body, subscriberId }) }, options);
  }
}
