import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { MigrateClientDto } from './migrate-client.dto.js';

/** Migrates the client: another plan, prepaid, a partner (ends the relationship) or another channel. */
export class MigrateClientCommand extends Command<CommandResult> {
  constructor(
    readonly subscriberId: string,
    readonly body: MigrateClientDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs MigrateClientCommand through the application's one write path. */
@CommandHandler(MigrateClientCommand)
export class MigrateClientHandler implements ICommandHandler<MigrateClientCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ subscriberId, body, options }: MigrateClientCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'MigrateClient', data: plainData({ ...body, subscriberId }) }, options);
  }
}
