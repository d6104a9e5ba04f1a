import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { workQueue, workQueueCounts, type WorkQueue, type WorkQueueSettings } from '@libs/projections';
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
 * "Work queues"), from the `work-queues` read model. One route per queue, so each has its own
 * answer schema for the console's generated client; any other name is the router's 404.
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

  @Get('in-default')
  @Roles('operator')
  @ApiOperation({ summary: 'Subscribers with missed invoices still owed, oldest debt first (operator)' })
  inDefault(@Query() q: PageQueryDto, @Res({ passthrough: true }) res: Response) {
    return this.page('in-default', q, res);
  }

  @Get('suspensions-due')
  @Roles('operator')
  @ApiOperation({ summary: "Suspensions the dunning scheduler's next passes will make, soonest first (operator)" })
  suspensionsDue(@Query() q: PageQueryDto, @Res({ passthrough: true }) res: Response) {
    return this.page('suspensions-due', q, res);
  }

  @Get('unprofitable-without-case')
  @Roles('operator')
  @ApiOperation({ summary: 'Unprofitable over the trailing 90 days with no open unprofitable case, worst first (operator)' })
  unprofitable(@Query() q: PageQueryDto, @Res({ passthrough: true }) res: Response) {
    return this.page('unprofitable-without-case', q, res);
  }

  @Get('open-cases')
  @Roles('operator')
  @ApiOperation({ summary: 'Open cases with their next due step, oldest first (operator)' })
  openCases(@Query() q: PageQueryDto, @Res({ passthrough: true }) res: Response) {
    return this.page('open-cases', q, res);
  }

  @Get('pending-cancellations')
  @Roles('operator')
  @ApiOperation({ summary: 'Cancellation requests not withdrawn, with their retention case, oldest first (operator)' })
  pendingCancellations(@Query() q: PageQueryDto, @Res({ passthrough: true }) res: Response) {
    return this.page('pending-cancellations', q, res);
  }

  @Get('notices-ending')
  @Roles('operator')
  @ApiOperation({ summary: 'Notices taking effect within 30 days, soonest first (operator)' })
  noticesEnding(@Query() q: PageQueryDto, @Res({ passthrough: true }) res: Response) {
    return this.page('notices-ending', q, res);
  }

  @Get('approvals')
  @Roles('executive')
  @ApiOperation({ summary: 'Recommended terminations awaiting approval, oldest recommendation first (executive)' })
  approvals(@Query() q: PageQueryDto, @Res({ passthrough: true }) res: Response) {
    return this.page('approvals', q, res);
  }

  private async page(queue: WorkQueue | 'approvals', q: PageQueryDto, res: Response): Promise<WorkQueuePage> {
    await this.rm.settle(res, PROJECTION, q.minPosition);
    const { asOf, rows, nextCursor } = await workQueue<object>(this.rm.db, queue, this.settings, { limit: q.limit ? Number(q.limit) : undefined, cursor: q.cursor });
    return { queue, asOf, items: rows, ...(nextCursor === undefined ? {} : { nextCursor }) };
  }
}
