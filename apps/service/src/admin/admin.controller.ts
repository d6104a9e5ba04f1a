import { Body, Controller, HttpCode, HttpStatus, Inject, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { ExecuteOptions, LifecycleService, TickResult } from '@libs/application';
import { Roles } from '../auth/roles.decorator.js';
import { CommandContext } from '../http/command-context.js';
import { BEARER_SCHEME } from '../http/openapi-constants.js';
import { ProblemDto } from '../http/openapi.js';
import { LIFECYCLE_SERVICE } from '../infrastructure/tokens.js';
import { TickDto } from './tick/tick.dto.js';

/** Operating the service: the scheduler on demand. */
@ApiTags('admin')
@Controller('v1/admin')
export class AdminController {
  constructor(@Inject(LIFECYCLE_SERVICE) private readonly lifecycle: LifecycleService) {}

  @Post('tick')
  @Roles('admin')
  @HttpCode(HttpStatus.OK)
  @ApiBearerAuth(BEARER_SCHEME)
  @ApiOperation({
    summary: 'One scheduler pass as of `now`',
    description: 'Missed payments, suspensions, notices that take effect. Idempotent per instant. Role: admin. Use with SCHEDULER=manual to drive time.',
  })
  @ApiResponse({ status: 200, description: '{now, subscribersExamined, commands, events}' })
  @ApiResponse({ status: 400, type: ProblemDto })
  @ApiResponse({ status: 403, type: ProblemDto })
  tick(@Body() body: TickDto, @CommandContext() ctx: ExecuteOptions): Promise<TickResult> {
    // A pass is idempotent per instant, so repeating it writes nothing.
    return this.lifecycle.tick(body.now ?? new Date().toISOString(), ctx.actor);
  }
}
