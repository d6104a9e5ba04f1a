import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { CommandBus, QueryBus, type Command } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CaseDetails, CommandResult, ExecuteOptions } from '@libs/application';
import { Accounted } from '../audit/accounted.js';
import { Roles } from '../auth/roles.decorator.js';
import { AggregateIdPipe } from '../http/aggregate-id.pipe.js';
import { AggregateQueryDto, asOfOptions } from '../http/aggregate-query.dto.js';
import { CommandContext } from '../http/command-context.js';
import { commandHeaders, type HeaderSink } from '../http/command-result.js';
import { notModified, type ConditionalResponse } from '../http/etag.js';
import { ApiAggregateQuery, ApiCommand } from '../http/openapi.js';
import { AgreeRetentionPlanCommand } from './agree-retention-plan/agree-retention-plan.command.js';
import { AgreeRetentionPlanDto } from './agree-retention-plan/agree-retention-plan.dto.js';
import { AnalyzeUsageCommand } from './analyze-usage/analyze-usage.command.js';
import { AnalyzeUsageDto } from './analyze-usage/analyze-usage.dto.js';
import { ApproveTerminationCommand } from './approve-termination/approve-termination.command.js';
import { ApproveTerminationDto } from './approve-termination/approve-termination.dto.js';
import { CloseCaseCommand } from './close-case/close-case.command.js';
import { CloseCaseDto } from './close-case/close-case.dto.js';
import { DocumentIncidentCommand } from './document-incident/document-incident.command.js';
import { DocumentIncidentDto } from './document-incident/document-incident.dto.js';
import { GetCaseQuery } from './get-case/get-case.query.js';
import { OpenCaseCommand } from './open-case/open-case.command.js';
import { OpenCaseDto } from './open-case/open-case.dto.js';
import { ProposeRetentionPlanCommand } from './propose-retention-plan/propose-retention-plan.command.js';
import { ProposeRetentionPlanDto } from './propose-retention-plan/propose-retention-plan.dto.js';
import { RecommendTerminationCommand } from './recommend-termination/recommend-termination.command.js';
import { RecommendTerminationDto } from './recommend-termination/recommend-termination.dto.js';
import { RejectRetentionPlanCommand } from './reject-retention-plan/reject-retention-plan.command.js';
import { RejectRetentionPlanDto } from './reject-retention-plan/reject-retention-plan.dto.js';
import { TakeRemedyStepCommand } from './take-remedy-step/take-remedy-step.command.js';
import { TakeRemedyStepDto } from './take-remedy-step/take-remedy-step.dto.js';

/** The case aggregate over HTTP: its commands (api.md) and its state. */
@ApiTags('cases')
@Controller('v1/cases')
export class CasesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
  ) {}

  private async run(res: HeaderSink, command: Command<CommandResult>, location?: (id: string) => string): Promise<CommandResult> {
    const result = await this.commands.execute(command);
    return commandHeaders(res, result, location?.(result.id));
  }

  @Post()
  @Roles('operator')
  @ApiCommand('Open a case', { created: true, roles: 'operator', writes: 'CaseOpened' })
  open(@Body() body: OpenCaseDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.run(res, new OpenCaseCommand(body, ctx), (id) => `/v1/cases/${encodeURIComponent(id)}`);
  }

  // The executive reads the whole case from the approvals inbox before approving (issue 16).
  @Get(':id')
  @Roles('operator', 'executive', 'auditor')
  @Accounted('state-as-of', { onlyAsOf: true })
  @ApiAggregateQuery("A case's state (latest, or as of ?asOf= / ?version=)", 'operator, executive, auditor')
  async get(
    @Param('id', AggregateIdPipe) id: string,
    @Query() query: AggregateQueryDto,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) res: ConditionalResponse,
  ): Promise<CaseDetails | undefined> {
    const state = await this.queries.execute(new GetCaseQuery(id, asOfOptions(query)));
    return notModified(res, state.version, ifNoneMatch) ? undefined : state;
  }

  @Post(':id/incidents')
  @Roles('operator')
  @ApiCommand('Document an incident', { roles: 'operator', writes: 'IncidentDocumented' })
  documentIncident(@Param('id', AggregateIdPipe) id: string, @Body() body: DocumentIncidentDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.run(res, new DocumentIncidentCommand(id, body, ctx));
  }

  @Post(':id/remedy-steps')
  @Roles('operator')
  @ApiCommand('Take or skip a remedy step', { roles: 'operator', writes: 'RemedyStepTaken / RemedyStepSkipped' })
  remedyStep(@Param('id', AggregateIdPipe) id: string, @Body() body: TakeRemedyStepDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.run(res, new TakeRemedyStepCommand(id, body, ctx));
  }

  @Post(':id/usage-analysis')
  @Roles('operator')
  @ApiCommand('Record the usage analysis', { roles: 'operator', writes: 'UsageAnalyzed' })
  analyzeUsage(@Param('id', AggregateIdPipe) id: string, @Body() body: AnalyzeUsageDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.run(res, new AnalyzeUsageCommand(id, body, ctx));
  }

  @Post(':id/retention-plan')
  @Roles('operator')
  @ApiCommand('Propose a retention plan', { roles: 'operator', writes: 'RetentionPlanProposed' })
  proposePlan(@Param('id', AggregateIdPipe) id: string, @Body() body: ProposeRetentionPlanDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.run(res, new ProposeRetentionPlanCommand(id, body, ctx));
  }

  @Post(':id/retention-plan/agreement')
  @Roles('operator')
  @ApiCommand('Agree the retention plan', { roles: 'operator', writes: 'RetentionPlanAgreed (+ CancellationWithdrawn)' })
  agreePlan(@Param('id', AggregateIdPipe) id: string, @Body() body: AgreeRetentionPlanDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.run(res, new AgreeRetentionPlanCommand(id, body, ctx));
  }

  @Post(':id/retention-plan/rejection')
  @Roles('operator')
  @ApiCommand('Reject the retention plan', { roles: 'operator', writes: 'RetentionPlanRejected (+ TerminationNoticeGiven)' })
  rejectPlan(@Param('id', AggregateIdPipe) id: string, @Body() body: RejectRetentionPlanDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.run(res, new RejectRetentionPlanCommand(id, body, ctx));
  }

  @Post(':id/termination-recommendation')
  @Roles('operator')
  @ApiCommand('Recommend termination', { roles: 'operator', writes: 'TerminationRecommended' })
  recommendTermination(@Param('id', AggregateIdPipe) id: string, @Body() body: RecommendTerminationDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.run(res, new RecommendTerminationCommand(id, body, ctx));
  }

  @Post(':id/termination-approval')
  @Roles('executive')
  @ApiCommand('Approve the termination', { roles: 'executive', writes: 'TerminationApproved (+ TerminationNoticeGiven)' })
  approveTermination(@Param('id', AggregateIdPipe) id: string, @Body() body: ApproveTerminationDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.run(res, new ApproveTerminationCommand(id, body, ctx));
  }

  @Post(':id/closure')
  @Roles('operator')
  @ApiCommand('Close the case', { roles: 'operator', writes: 'CaseClosed' })
  close(@Param('id', AggregateIdPipe) id: string, @Body() body: CloseCaseDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.run(res, new CloseCaseCommand(id, body, ctx));
  }
}
