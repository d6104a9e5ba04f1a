import { Controller, Get, HttpCode, Inject, NotFoundException, Param, Post, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Optional } from '@nestjs/common';
import type { ProjectionEngine } from '@libs/projections';
import type { RelayHost } from '@libs/relay';
import { Roles } from '../auth/roles.decorator.js';
import { PROJECTIONS, RELAY } from '../infrastructure/tokens.js';

/** `/v1/projections`: each read model's checkpoint and lag; rebuilds. */
@ApiTags('projections')
@Controller('v1/projections')
export class ProjectionsController {
  constructor(
    @Optional() @Inject(PROJECTIONS) private readonly engine?: ProjectionEngine,
    @Optional() @Inject(RELAY) private readonly relay?: RelayHost,
  ) {}

  private required(): ProjectionEngine {
    if (!this.engine) throw new ServiceUnavailableException('this service runs no projection engine');
    return this.engine;
  }

  @Get()
  @Roles('analyst')
  @ApiOperation({ summary: "Each read model's status, checkpoint and lag in events and seconds; beside them each push relay's (webhook subscriptions, brokers) (admin, analyst)" })
  async list() {
    return { projections: await this.required().status(), relays: this.relay ? await this.relay.status() : [] };
  }

  /**
   * 202: the rebuild runs in the background (side tables, swapped in when caught up; the old rows
   * are served meanwhile) here, or in the process that holds the projection. Progress shows in GET.
   */
  @Post(':name/rebuild')
  @HttpCode(202)
  @ApiOperation({ summary: 'Rebuild a read model from the log into side tables, swapped in when caught up (admin)' })
  async rebuild(@Param('name') name: string) {
    const engine = this.required();
    if (!engine.names().includes(name)) throw new NotFoundException(`unknown projection ${name}`);
    const status = (await engine.status()).find((s) => s.name === name);
    if (status?.leader) {
      // Runs on; its failures are logged by the engine and visible in GET /v1/projections.
      void engine.rebuild(name).catch(() => undefined);
      return { name, status: 'rebuilding' };
    }
    await engine.rebuild(name);
    return { name, status: 'requested' };
  }
}
