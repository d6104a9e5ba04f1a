import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { newAggregateId } from '../../http/command-context.js';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { OpenCaseDto } from './open-case.dto.js';

/** Opens a managed intervention on a subscriber (at most one open case per kind). */
export class OpenCaseCommand extends Command<CommandResult> {
  constructor(
    readonly body: OpenCaseDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs OpenCaseCommand; the opener recorded is the caller's key id. */
@CommandHandler(OpenCaseCommand)
export class OpenCaseHandler implements ICommandHandler<OpenCaseCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ body, options }: OpenCaseCommand): Promise<CommandResult> {
    const caseId = body.caseId ?? newAggregateId(options, 'case');
    return this.lifecycle.execute({ type: 'OpenCase', data: plainData({ ...body, caseId, openedBy: options.actor.id }) }, options);
  }
}
