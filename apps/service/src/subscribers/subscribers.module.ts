import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CommandRoute } from '../http/command-route.js';
import { GetSubscriberHandler } from './get-subscriber/get-subscriber.query.js';
import { SubscribersController } from './subscribers.controller.js';

/** The subscriber's command routes and `GET /v1/subscribers/:id`, the commands through CommandRoute (the one write path), the query on the query bus. */
@Module({
  imports: [CqrsModule],
  controllers: [SubscribersController],
  providers: [
    CommandRoute,
    GetSubscriberHandler,
  ],
})
export class SubscribersModule {}
