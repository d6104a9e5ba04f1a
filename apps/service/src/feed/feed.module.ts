import { Module } from '@nestjs/common';
import { buildInfo } from '../operations/metrics.service.js';
import { ASYNCAPI_OPTIONS, asyncApiOptionsFromEnv } from './asyncapi.js';
import { FeedController } from './feed.controller.js';
import { FEED_OPTIONS, FeedSessions, feedOptionsFromEnv } from './feed-sessions.js';

/**
 * The lifecycle feed for other services (domain.md §8, api.md): `GET /v1/events`,
 * `GET /v1/events/stream` (SSE), `GET /v1/events/schemas` and `GET /v1/events/asyncapi.json`. Needs `EVENT_STORE` from the
 * global infrastructure module; uses the operations module's metrics when present.
 */
@Module({
  controllers: [FeedController],
  providers: [
    { provide: FEED_OPTIONS, useFactory: () => feedOptionsFromEnv() },
    { provide: ASYNCAPI_OPTIONS, useFactory: () => asyncApiOptionsFromEnv(buildInfo().version) },
    FeedSessions,
  ],
})
export class FeedModule {}
