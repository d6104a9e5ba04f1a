import { Inject, Injectable } from '@nestjs/common';
import type { CommandInput, CommandResult, ExecuteOptions, LifecycleService } from '@libs/application';
import { LIFECYCLE_SERVICE } from '../infrastructure/tokens.js';
import { commandHeaders, plainData, type HeaderSink } from './command-result.js';

/**
 * What every command route does after its DTO is valid: hand the domain command to the one write
 * path (`LifecycleService.execute`) and put the answer's version (and Location) in the headers.
 * The routes call it directly rather than through a command bus: see docs/architecture.md, "No
 * command bus on the write side".
 */
@Injectable()
export class CommandRoute {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  async run(res: HeaderSink, command: CommandInput, options: ExecuteOptions, location?: (id: string) => string): Promise<CommandResult> {
    // DTOs are class instances with absent optionals: the store takes plain JSON.
    const result = await this.lifecycle.execute({ ...command, data: plainData(command.data) } as CommandInput, options);
    return commandHeaders(res, result, location?.(result.id));
  }
}
