import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { IssueInvoiceDto } from './issue-invoice.dto.js';

/** Bills a subscriber for a period (refused while suspended or terminated). */
export class IssueInvoiceCommand extends Command<CommandResult> {
  constructor(
    readonly subscriberId: string,
    readonly body: IssueInvoiceDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs IssueInvoiceCommand through the application's one write path. */
@CommandHandler(IssueInvoiceCommand)
export class IssueInvoiceHandler implements ICommandHandler<IssueInvoiceCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ subscriberId, body, options }: IssueInvoiceCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'IssueInvoice', data: plainData({ ...body, subscriberId }) }, options);
  }
}
