import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { CloseCaseDto } from './close-case.dto.js';

/** Closes the case with its outcome. */
export class CloseCaseCommand extends Command<CommandResult> {
  constructor(
    readonly caseId: string,
    readonly body: CloseCaseDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs CloseCaseCommand through the application's one write path. */
@CommandHandler(CloseCaseCommand)
export class CloseCaseHandler implements ICommandHandler<CloseCaseCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ caseId, body, options }: CloseCaseCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'CloseCase', data: plainData({ ...body, caseId }) }, options);
  }
}
