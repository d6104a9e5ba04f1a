import { Module } from '@nestjs/common';
import { AnalyticsController } from './analytics.controller.js';
import { CaseListController, SubscriberListController } from './lists.controller.js';
import { ProjectionsController } from './projections.controller.js';
import { ReadModels } from './read-models.service.js';

/**
 * The read side over HTTP: analytics (`/v1/analytics/*`), the subscriber and case lists and the
 * projections' status and rebuilds. Needs `SQL_DATABASE` and, for `minPosition`, status and
 * rebuilds, the engine under `PROJECTIONS` (both from the infrastructure module).
 */
@Module({
  controllers: [AnalyticsController, SubscriberListController, CaseListController, ProjectionsController],
  providers: [ReadModels],
})
export class AnalyticsModule {}
