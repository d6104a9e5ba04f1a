import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { LogComplaintDto } from './log-complaint.dto.js';

/** Logs a complaint of the subscriber. */
export class LogComplaintCommand extends Command<CommandResult> {
  constructor(
    readonly subscriberId: string,
    readonly body: LogComplaintDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs LogComplaintCommand through the application's one write path. */
@CommandHandler(LogComplaintCommand)
export class LogComplaintHandler implements ICommandHandler<LogComplaintCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ subscriberId, body, options }: LogComplaintCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'LogComplaint', data: plainData({ ...body, subscriberId }) }, options);
  }
}
