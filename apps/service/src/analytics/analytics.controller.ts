import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { HeaderSink as Response } from './read-models.service.js';
import { churn, clients, cohorts, defaultRate, definitions, forecast, revenuePerClient, salesReps } from '@libs/projections';
import { Roles } from '../auth/roles.decorator.js';
import { ClientsQueryDto, CohortsQueryDto, ForecastQueryDto, MonthRangeQueryDto } from './analytics.dto.js';
import { ReadModels } from './read-models.service.js';

/** `/v1/analytics/*` (role analyst): the read models of domain.md §6, as JSON or CSV. */
@ApiTags('analytics')
@ApiProduces('application/json', 'text/csv')
@Controller('v1/analytics')
@Roles('analyst')
export class AnalyticsController {
  constructor(private readonly rm: ReadModels) {}

  @Get('definitions')
  @ApiOperation({ summary: 'Every served metric: its formula in words and the definitions version it dates from (analyst)' })
  definitions(@Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    res.setHeader('X-Definitions-Version', String(definitions().version));
    return this.rm.respond(res, accept, definitions(), 'definitions');
  }

  @Get('churn')
  @ApiOperation({ summary: 'Customers, churn by kind and MRR movement per month (analyst)' })
  async churn(@Query() q: MonthRangeQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    await this.rm.settle(res, ['churn'], q.minPosition);
    const range = await this.rm.range(q, 'churn');
    return this.rm.analytics(res, accept, await churn(this.rm.db, { ...range, segment: q.segment, currency: q.currency }), `churn-${range.from}-${range.to}`);
  }

  @Get('default-rate')
  @ApiOperation({ summary: 'Invoice cohorts by due month: default, recovery, write-off, month-end aging (analyst)' })
  async defaultRate(@Query() q: MonthRangeQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    await this.rm.settle(res, ['default-rate'], q.minPosition);
    const range = await this.rm.range(q, 'default-rate');
    return this.rm.analytics(res, accept, await defaultRate(this.rm.db, { ...range, segment: q.segment, currency: q.currency }), `default-rate-${range.from}-${range.to}`);
  }

  @Get('revenue-per-client')
  @ApiOperation({ summary: 'Billed, collected, cost to serve and per-client averages per month (analyst)' })
  async revenuePerClient(@Query() q: MonthRangeQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    await this.rm.settle(res, ['revenue-per-client'], q.minPosition);
    const range = await this.rm.range(q, 'revenue-per-client');
    return this.rm.analytics(res, accept, await revenuePerClient(this.rm.db, { ...range, segment: q.segment, currency: q.currency }), `revenue-per-client-${range.from}-${range.to}`);
  }

  @Get('clients')
  @ApiOperation({ summary: 'Profitability per client, lifetime and trailing 90 days, with flags (analyst)' })
  async clients(@Query() q: ClientsQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    await this.rm.settle(res, ['client-profitability'], q.minPosition);
    const body = await clients(this.rm.db, { sort: q.sort, order: q.order, limit: q.limit ? Number(q.limit) : undefined, cursor: q.cursor, segment: q.segment, flag: q.flag, currency: q.currency });
    return this.rm.analytics(res, accept, body, 'clients');
  }

  @Get('sales-reps')
  @ApiOperation({ summary: "Each rep's monthly sales and their quality: early churn and default rate (analyst)" })
  async salesReps(@Query() q: MonthRangeQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    await this.rm.settle(res, ['sales-per-rep'], q.minPosition);
    const range = await this.rm.range(q, 'sales-per-rep');
    return this.rm.analytics(res, accept, await salesReps(this.rm.db, { ...range, segment: q.segment, currency: q.currency }), `sales-reps-${range.from}-${range.to}`);
  }

  @Get('cohorts')
  @ApiOperation({ summary: 'Signup cohorts: customers and MRR retained by enrolment month and month offset (analyst)' })
  async cohorts(@Query() q: CohortsQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    await this.rm.settle(res, ['cohorts'], q.minPosition);
    const range = await this.rm.range(q, 'cohorts');
    return this.rm.analytics(res, accept, await cohorts(this.rm.db, { ...range, segment: q.segment, currency: q.currency }), `cohorts-${range.from}-${range.to}`);
  }

  @Get('forecast')
  @ApiOperation({ summary: 'MRR and expected collections for the next months from the trailing three months (analyst)' })
  async forecast(@Query() q: ForecastQueryDto, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) res: Response) {
    await this.rm.settle(res, ['churn', 'default-rate'], q.minPosition);
    return this.rm.analytics(res, accept, await forecast(this.rm.db, { months: q.months ? Number(q.months) : undefined, segment: q.segment, currency: q.currency }), 'forecast');
  }
}
