import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AgreeRetentionPlanHandler } from './agree-retention-plan/agree-retention-plan.command.js';
import { AnalyzeUsageHandler } from './analyze-usage/analyze-usage.command.js';
import { ApproveTerminationHandler } from './approve-termination/approve-termination.command.js';
import { CasesController } from './cases.controller.js';
import { CloseCaseHandler } from './close-case/close-case.command.js';
import { DocumentIncidentHandler } from './document-incident/document-incident.command.js';
import { GetCaseHandler } from './get-case/get-case.query.js';
import { OpenCaseHandler } from './open-case/open-case.command.js';
import { ProposeRetentionPlanHandler } from './propose-retention-plan/propose-retention-plan.command.js';
import { RecommendTerminationHandler } from './recommend-termination/recommend-termination.command.js';
import { RejectRetentionPlanHandler } from './reject-retention-plan/reject-retention-plan.command.js';
import { TakeRemedyStepHandler } from './take-remedy-step/take-remedy-step.command.js';

/** The case's command routes and `GET /v1/cases/:id`, each use case a handler on the buses. */
@Module({
  imports: [CqrsModule],
  controllers: [CasesController],
  providers: [
    OpenCaseHandler,
    DocumentIncidentHandler,
    TakeRemedyStepHandler,
    AnalyzeUsageHandler,
    ProposeRetentionPlanHandler,
    AgreeRetentionPlanHandler,
    RejectRetentionPlanHandler,
    RecommendTerminationHandler,
    ApproveTerminationHandler,
    CloseCaseHandler,
    GetCaseHandler,
  ],
})
export class CasesModule {}
