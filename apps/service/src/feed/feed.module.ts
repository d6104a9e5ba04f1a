import { Module } from '@nestjs/common';
import { FeedController } from './feed.controller.js';
import { FEED_OPTIONS, FeedSessions, feedOptionsFromEnv } from './feed-sessions.js';

/**
 * The lifecycle feed for other services (domain.md §8, api.md): `GET /v1/events`,
 * `GET /v1/events/stream` (SSE) and `GET /v1/events/schemas`. Needs `EVENT_STORE` from the
 * global infrastructure module; uses the operations module's metrics when present.
 */
@Module({
  controllers: [FeedController],
  providers: [{ provide: FEED_OPTIONS, useFactory: () => feedOptionsFromEnv() }, FeedSessions],
})
export class FeedModule {}
