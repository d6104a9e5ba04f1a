import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { Actor, LifecycleService, TickResult } from '@libs/application';
import { LIFECYCLE_SERVICE } from '../../infrastructure/tokens.js';

/** One scheduler pass as of `now`: missed payments, suspensions, notices taking effect. */
export class TickCommand extends Command<TickResult> {
  constructor(
    readonly now: string,
    readonly actor: Actor,
  ) {
    super();
  }
}

/** Runs TickCommand; a pass is idempotent per instant, so repeating it writes nothing. */
@CommandHandler(TickCommand)
export class TickHandler implements ICommandHandler<TickCommand> {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  execute({ now, actor }: TickCommand): Promise<TickResult> {
    return this.lifecycle.tick(now, actor);
  }
}
