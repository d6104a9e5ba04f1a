import { Module } from '@nestjs/common';
import { WebhooksController } from './webhooks.controller.js';

/** `/v1/webhooks`: push subscriptions (domain.md §8); the relay host comes from the infrastructure module. */
@Module({ controllers: [WebhooksController] })
export class WebhooksModule {}
