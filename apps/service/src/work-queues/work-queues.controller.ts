import { Controller, Get, Inject, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { WORK_QUEUES, workQueue, workQueueCounts, type WorkQueue, type WorkQueueSettings } from '@libs/projections';
import { Roles } from '../auth/roles.decorator.js';
import { PageQueryDto, ReadModelQueryDto } from '../analytics/analytics.dto.js';
import { ReadModels, type HeaderSink as Response } from '../analytics/read-models.service.js';
import type { ServiceConfig } from '../config.js';
import { SERVICE_CONFIG } from '../infrastructure/tokens.js';

const PROJECTION = ['work-queues'];

/** One page of a queue as the routes answer it (work-queue-schemas.ts). */
export interface WorkQueuePage {
  queue: WorkQueue | 'approvals';
  asOf: string | null;
  items: object[];
  nextCursor?: string;
}

/**
 * The operator's work queues and the executive's approvals inbox (issue 16, docs/operators.md
 * "Work queues"), from the `work-queues` read model; an unknown queue is 404.
 * Suspension deadlines follow the service's own dunning policy, the one the scheduler applies.
 */
@ApiTags('work-queues')
@Controller('v1/work-queues')
export class WorkQueuesController {
  private readonly settings: WorkQueueSettings;

  constructor(
    private readonly rm: ReadModels,
    @Inject(SERVICE_CONFIG) config: ServiceConfig,
  ) {
    this.settings = { suspendAfterDays: config.policy.suspendAfterDays };
  }

  @Get()
  @Roles('operator')
  @ApiOperation({ summary: 'How many rows each operator queue holds (operator)' })
  async counts(@Query() q: ReadModelQueryDto, @Res({ passthrough: true }) res: Response) {
    await this.rm.settle(res, PROJECTION, q.minPosition);
    return workQueueCounts(this.rm.db, this.settings);
  }

  // Declared before `:queue` so that the router matches it first.
  @Get('approvals')
  @Roles('executive')
  @ApiOperation({ summary: 'Recommended terminations awaiting approval, oldest recommendation first (executive)' })
  approvals(@Query() q: PageQueryDto, @Res({ passthrough: true }) res: Response) {
    return this.page('approvals', q, res);
  }

  @Get(':queue')
  @Roles('operator')
  @ApiOperation({ summary: 'One operator queue in its order, paged by cursor (operator)' })
  @ApiParam({ name: 'queue', enum: WORK_QUEUES })
  queue(@Param('queue') queue: string, @Query() q: PageQueryDto, @Res({ passthrough: true }) res: Response) {
    if (!(WORK_QUEUES as readonly string[]).includes(queue)) throw new NotFoundException(`no work queue ${queue}; queues: ${WORK_QUEUES.join(', ')}, approvals`);
    return this.page(queue as WorkQueue, q, res);
  }

  private async page(queue: WorkQueue | 'approvals', q: PageQueryDto, res: Response): Promise<WorkQueuePage> {
    await this.rm.settle(res, PROJECTION, q.minPosition);
    const { asOf, rows, nextCursor } = await workQueue<object>(this.rm.db, queue, this.settings, { limit: q.limit ? Number(q.limit) : undefined, cursor: q.cursor });
    return { queue, asOf, items: rows, ...(nextCursor === undefined ? {} : { nextCursor }) };
  }
}
