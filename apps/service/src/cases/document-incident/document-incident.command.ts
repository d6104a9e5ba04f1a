import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { DocumentIncidentDto } from './document-incident.dto.js';

/** Documents an incident on the case as it happens. */
export class DocumentIncidentCommand extends Command<CommandResult> {
  constructor(
    readonly caseId: string,
    readonly body: DocumentIncidentDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs DocumentIncidentCommand through the application's one write path. */
@CommandHandler(DocumentIncidentCommand)
export class DocumentIncidentHandler implements ICommandHandler<DocumentIncidentCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ caseId, body, options }: DocumentIncidentCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'DocumentIncident', data: plainData({ ...body, caseId }) }, options);
  }
}
