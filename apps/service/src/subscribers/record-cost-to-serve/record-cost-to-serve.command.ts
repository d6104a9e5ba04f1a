import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { plainData } from '../../http/command-result.js';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';
import type { RecordCostToServeDto } from './record-cost-to-serve.dto.js';

/** Records a cost of serving the subscriber (false alarm, visit, support time…). */
export class RecordCostToServeCommand extends Command<CommandResult> {
  constructor(
    readonly subscriberId: string,
    readonly body: RecordCostToServeDto,
    readonly options: ExecuteOptions,
  ) {
    super();
  }
}

/** Runs RecordCostToServeCommand through the application's one write path. */
@CommandHandler(RecordCostToServeCommand)
export class RecordCostToServeHandler implements ICommandHandler<RecordCostToServeCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ subscriberId, body, options }: RecordCostToServeCommand): Promise<CommandResult> {
    return this.lifecycle.execute({ type: 'RecordCostToServe', data: plainData({ ...body, subscriberId }) }, options);
  }
}
