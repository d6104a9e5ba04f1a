import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { HeaderSink as Response } from './read-models.service.js';
import { cases, subscribers } from '@libs/projections';
import { Roles } from '../auth/roles.decorator.js';
import { CasesListQueryDto, SubscribersListQueryDto } from './analytics.dto.js';
import { ReadModels } from './read-models.service.js';

/** `GET /v1/subscribers` (list) from the `subscribers` read model. */
@ApiTags('subscribers')
@Controller('v1/subscribers')
export class SubscriberListController {
  constructor(private readonly rm: ReadModels) {}

  @Get()
  @Roles('operator', 'analyst')
  @ApiOperation({ summary: 'Subscribers list from the read model, paged by cursor (operator, analyst)' })
  async list(@Query() q: SubscribersListQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    await this.rm.settle(res, ['subscribers'], q.minPosition);
    const body = await subscribers(this.rm.db, { status: q.status, segment: q.segment, flag: q.flag, limit: q.limit ? Number(q.limit) : undefined, cursor: q.cursor });
    return this.rm.respond(res, accept, body, 'subscribers');
  }
}

/** `GET /v1/cases` (list) from the `cases` read model. */
@ApiTags('cases')
@Controller('v1/cases')
export class CaseListController {
  constructor(private readonly rm: ReadModels) {}

  @Get()
  @Roles('operator', 'auditor')
  @ApiOperation({ summary: 'Cases from the read model, oldest first, paged by cursor (operator, auditor)' })
  async list(@Query() q: CasesListQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    await this.rm.settle(res, ['cases'], q.minPosition);
    const body = await cases(this.rm.db, { subscriberId: q.subscriberId, kind: q.kind, status: q.status, limit: q.limit ? Number(q.limit) : undefined, cursor: q.cursor });
    return this.rm.respond(res, accept, body, 'cases');
  }
}
