import { Controller, Get, Inject, NotFoundException, Param, Query, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { WORK_QUEUES, workQueue, workQueueCounts, type WorkQueue, type WorkQueueSettings } from '@libs/projections';
import { Roles } from '../auth/roles.decorator.js';
import { PageQueryDto, ReadModelQueryDto } from '../analytics/analytics.dto.js';
import { ReadModels, type HeaderSink as Response } from '../analytics/read-models.service.js';
import type { ServiceConfig } from '../config.js';
import { SERVICE_CONFIG } from '../infrastructure/tokens.js';
import { WORK_QUEUE_ITEM_MODELS, WorkQueuePageDto, WorkQueuesSummaryDto } from './work-queues.dto.js';

const PROJECTION = ['work-queues'];

/**
 * The operator's work queues and the executive's approvals inbox (issue 16, docs/operators.md
 * "Work queues"), from the `work-queues` read model. Suspension deadlines follow the service's
 * own dunning policy (DUNNING_SUSPEND_AFTER_DAYS), the one the scheduler applies.
 */
@ApiTags('work-queues')
@ApiExtraModels(...WORK_QUEUE_ITEM_MODELS)
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
  @ApiOperation({ operationId: 'getWorkQueueCounts', summary: 'How many rows each operator queue holds (operator)' })
  @ApiOkResponse({ type: WorkQueuesSummaryDto })
  async counts(@Query() q: ReadModelQueryDto, @Res({ passthrough: true }) res: Response): Promise<WorkQueuesSummaryDto> {
    await this.rm.settle(res, PROJECTION, q.minPosition);
    return workQueueCounts(this.rm.db, this.settings);
  }

  // Declared before `:queue` so that the router matches it first.
  @Get('approvals')
  @Roles('executive')
  @ApiOperation({ operationId: 'getApprovalsInbox', summary: 'Recommended terminations awaiting approval, oldest recommendation first (executive)' })
  @ApiOkResponse({ type: WorkQueuePageDto })
  async approvals(@Query() q: PageQueryDto, @Res({ passthrough: true }) res: Response): Promise<WorkQueuePageDto> {
    return this.page('approvals', q, res);
  }

  @Get(':queue')
  @Roles('operator')
  @ApiOperation({ operationId: 'getWorkQueue', summary: 'One operator queue, paged by cursor (operator)' })
  @ApiParam({ name: 'queue', enum: WORK_QUEUES })
  @ApiOkResponse({ type: WorkQueuePageDto })
  async queue(@Param('queue') queue: string, @Query() q: PageQueryDto, @Res({ passthrough: true }) res: Response): Promise<WorkQueuePageDto> {
    if (!(WORK_QUEUES as readonly string[]).includes(queue)) throw new NotFoundException(`no work queue ${queue}; queues: ${WORK_QUEUES.join(', ')}, approvals`);
    return this.page(queue as WorkQueue, q, res);
  }

  private async page(queue: WorkQueue | 'approvals', q: PageQueryDto, res: Response): Promise<WorkQueuePageDto> {
    await this.rm.settle(res, PROJECTION, q.minPosition);
    const { asOf, rows, nextCursor } = await workQueue<object>(this.rm.db, queue, this.settings, { limit: q.limit ? Number(q.limit) : undefined, cursor: q.cursor });
    return { queue, asOf, items: rows, ...(nextCursor === undefined ? {} : { nextCursor }) };
  }
}
