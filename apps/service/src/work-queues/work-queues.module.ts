import { Module } from '@nestjs/common';
import { ReadModels } from '../analytics/read-models.service.js';
import { WorkQueuesController } from './work-queues.controller.js';

/** `/v1/work-queues*`: the operator's queues and the executive's approvals inbox (read side). */
@Module({
  controllers: [WorkQueuesController],
  providers: [ReadModels],
})
export class WorkQueuesModule {}
