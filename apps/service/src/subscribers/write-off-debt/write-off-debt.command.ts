import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { WriteOffDebtDto } from './write-off-debt.dto.js';

/** Writes off the open debt of missed invoices. */
export class WriteOffDebtCommand extends Command<CommandResult> {
  constructor(
    readonly subscriberId: string,
    readonly body: WriteOffDebtDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs WriteOffDebtCommand through the application's one write path. */
@CommandHandler(WriteOffDebtCommand)
export class WriteOffDebtHandler implements ICommandHandler<WriteOffDebtCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ subscriberId, body, options }: WriteOffDebtCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'WriteOffDebt', data: plainData({ ...body, subscriberId }) }, options);
  }
}
