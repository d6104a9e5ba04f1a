import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CommandRoute } from '../http/command-route.js';
import { CasesController } from './cases.controller.js';
import { GetCaseHandler } from './get-case/get-case.query.js';

/** The case's command routes and `GET /v1/cases/:id`, the commands through CommandRoute (the one write path), the query on the query bus. */
@Module({
  imports: [CqrsModule],
  controllers: [CasesController],
  providers: [
    CommandRoute,
    GetCaseHandler,
  ],
})
export class CasesModule {}
