import { Body, Controller, Get, Headers, Param, Post, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import type { CaseDetails, CommandResult, ExecuteOptions } from '@libs/application';
import { Accounted } from '../audit/accounted.js';
import { Roles } from '../auth/roles.decorator.js';
import { AggregateIdPipe } from '../http/aggregate-id.pipe.js';
import { AggregateQueryDto, asOfOptions } from '../http/aggregate-query.dto.js';
import { CommandContext, newAggregateId } from '../http/command-context.js';
import type { HeaderSink } from '../http/command-result.js';
import { CommandRoute } from '../http/command-route.js';
import { notModified, type ConditionalResponse } from '../http/etag.js';
import { ApiAggregateQuery, ApiCommand } from '../http/openapi.js';
import { AgreeRetentionPlanDto } from './agree-retention-plan/agree-retention-plan.dto.js';
import { AnalyzeUsageDto } from './analyze-usage/analyze-usage.dto.js';
import { ApproveTerminationDto } from './approve-termination/approve-termination.dto.js';
import { CloseCaseDto } from './close-case/close-case.dto.js';
import { DocumentIncidentDto } from './document-incident/document-incident.dto.js';
import { GetCaseQuery } from './get-case/get-case.query.js';
import { OpenCaseDto } from './open-case/open-case.dto.js';
import { ProposeRetentionPlanDto } from './propose-retention-plan/propose-retention-plan.dto.js';
import { RecommendTerminationDto } from './recommend-termination/recommend-termination.dto.js';
import { RejectRetentionPlanDto } from './reject-retention-plan/reject-retention-plan.dto.js';
import { remedyStepCommand, TakeRemedyStepDto } from './take-remedy-step/take-remedy-step.dto.js';

/** The case aggregate over HTTP: its commands (api.md) and its state. */
@ApiTags('cases')
@Controller('v1/cases')
export class CasesController {
  constructor(
    private readonly commands: CommandRoute,
    private readonly queries: QueryBus,
  ) {}

  @Post()
  @Roles('operator')
  @ApiCommand('Open a case', { created: true, roles: 'operator', writes: 'CaseOpened' })
  open(@Body() body: OpenCaseDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    const caseId = body.caseId ?? newAggregateId(ctx, 'case');
    return this.commands.run(res, { type: 'OpenCase', data: { ...body, caseId, openedBy: ctx.actor.id } }, ctx, (id) => `/v1/cases/${encodeURIComponent(id)}`);
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
    return this.commands.run(res, { type: 'DocumentIncident', data: { ...body, caseId: id } }, ctx);
  }

  @Post(':id/remedy-steps')
  @Roles('operator')
  @ApiCommand('Take or skip a remedy step', { roles: 'operator', writes: 'RemedyStepTaken / RemedyStepSkipped' })
  remedyStep(@Param('id', AggregateIdPipe) id: string, @Body() body: TakeRemedyStepDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, remedyStepCommand(id, body), ctx);
  }

  @Post(':id/usage-analysis')
  @Roles('operator')
  @ApiCommand('Record the usage analysis', { roles: 'operator', writes: 'UsageAnalyzed' })
  analyzeUsage(@Param('id', AggregateIdPipe) id: string, @Body() body: AnalyzeUsageDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'AnalyzeUsage', data: { ...body, caseId: id } }, ctx);
  }

  @Post(':id/retention-plan')
  @Roles('operator')
  @ApiCommand('Propose a retention plan', { roles: 'operator', writes: 'RetentionPlanProposed' })
  proposePlan(@Param('id', AggregateIdPipe) id: string, @Body() body: ProposeRetentionPlanDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'ProposeRetentionPlan', data: { ...body, caseId: id } }, ctx);
  }

  @Post(':id/retention-plan/agreement')
  @Roles('operator')
  @ApiCommand('Agree the retention plan', { roles: 'operator', writes: 'RetentionPlanAgreed (+ CancellationWithdrawn)' })
  agreePlan(@Param('id', AggregateIdPipe) id: string, @Body() body: AgreeRetentionPlanDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'AgreeRetentionPlan', data: { ...body, caseId: id } }, ctx);
  }

  @Post(':id/retention-plan/rejection')
  @Roles('operator')
  @ApiCommand('Reject the retention plan', { roles: 'operator', writes: 'RetentionPlanRejected (+ TerminationNoticeGiven)' })
  rejectPlan(@Param('id', AggregateIdPipe) id: string, @Body() body: RejectRetentionPlanDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'RejectRetentionPlan', data: { ...body, caseId: id } }, ctx);
  }

  @Post(':id/termination-recommendation')
  @Roles('operator')
  @ApiCommand('Recommend termination', { roles: 'operator', writes: 'TerminationRecommended' })
  recommendTermination(@Param('id', AggregateIdPipe) id: string, @Body() body: RecommendTerminationDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'RecommendTermination', data: { ...body, caseId: id } }, ctx);
  }

  @Post(':id/termination-approval')
  @Roles('executive')
  @ApiCommand('Approve the termination', { roles: 'executive', writes: 'TerminationApproved (+ TerminationNoticeGiven)' })
  approveTermination(@Param('id', AggregateIdPipe) id: string, @Body() body: ApproveTerminationDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    // The approver is the caller, never the body.
    return this.commands.run(res, { type: 'ApproveTermination', data: { caseId: id, approvedBy: ctx.actor.id, at: body.at } }, ctx);
  }

  @Post(':id/closure')
  @Roles('operator')
  @ApiCommand('Close the case', { roles: 'operator', writes: 'CaseClosed' })
  close(@Param('id', AggregateIdPipe) id: string, @Body() body: CloseCaseDto, @CommandContext() ctx: ExecuteOptions, @Res({ passthrough: true }) res: HeaderSink) {
    return this.commands.run(res, { type: 'CloseCase', data: { ...body, caseId: id } }, ctx);
  }
}
