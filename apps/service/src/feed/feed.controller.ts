import { Controller, Get, Headers, Inject, Logger, Optional, Query, Res } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { comparePositions, type EventStore } from '@libs/event-store';
import { Roles } from '../auth/roles.decorator.js';
import { EVENT_STORE } from '../infrastructure/tokens.js';
import { MetricsService } from '../operations/metrics.service.js';
import { toEnvelope, type EventEnvelope } from './envelope.js';
import { parseFeedQuery } from './feed-query.js';
import { FEED_OPTIONS, FeedSessions, type FeedOptions } from './feed-sessions.js';
import { ASYNCAPI_OPTIONS, asyncApiDocument, type AsyncApiOptions } from './asyncapi.js';
import { eventSchemasDocument, type EventSchemasDocument } from './schemas.js';

/** A filtered page scans at most this many windows of the log before answering with what it has. */
const MAX_WINDOWS_PER_PAGE = 10;

/** The lifecycle feed for subscribing services (domain.md §8). */
@Controller('v1/events')
export class FeedController {
  private readonly logger = new Logger('Feed');

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(FEED_OPTIONS) private readonly options: FeedOptions,
    private readonly sessions: FeedSessions,
    @Inject(ASYNCAPI_OPTIONS) private readonly asyncApiOptions: AsyncApiOptions,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  /** Built once: it depends only on the contracts and the settings. */
  private asyncApi?: Record<string, unknown>;

  /**
   * `GET /v1/events`: a page of the global log after `after`, filtered. `last` is where to resume:
   * with filters it may lie past the last event returned (everything up to it was scanned), and it
   * never jumps over an event committed late.
   */
  @Get()
  @Roles('service', 'auditor')
  async page(@Query() query: Record<string, unknown>): Promise<{ events: EventEnvelope[]; last: string }> {
    const { after, limit, types, streamPrefix } = parseFeedQuery(query, { paged: true });
    const events: EventEnvelope[] = [];
    let last = after ?? '0';
    // A rare type may be absent from a whole window; scanning a few windows saves readers empty round trips.
    for (let window = 0; window < MAX_WINDOWS_PER_PAGE && events.length < limit; window++) {
      const page = await this.store.readAll({ after: last, limit: limit - events.length, types, streamPrefix });
      for (const event of page.events) events.push(toEnvelope(event));
      if (comparePositions(page.last, last) <= 0) break;
      last = page.last;
    }
    this.metrics?.feedEventsSent.inc({ transport: 'page' }, events.length);
    return { events, last };
  }

  /**
   * `GET /v1/events/head`: the position of the newest event. A live view (the console's feed)
   * streams from here instead of replaying the whole log first.
   */
  @Get('head')
  @Roles('service', 'auditor')
  async head(): Promise<{ position: string }> {
    return { position: await this.store.headPosition() };
  }

  /**
   * `GET /v1/events/stream`: Server-Sent Events, catch-up then live. `id:` is the position, so a
   * reconnecting client's `Last-Event-ID` resumes right after the last event it saw.
   */
  @Get('stream')
  @Roles('service', 'auditor')
  stream(@Query() query: Record<string, unknown>, @Headers('last-event-id') lastEventId: string | undefined, @Res() res: ServerResponse): void {
    // Validated before any byte is written, so a bad request still gets its problem+json 400.
    const { after, types, streamPrefix } = parseFeedQuery(query, { paged: false, lastEventId });
    const session = this.sessions.open(res, { heartbeatMs: this.options.heartbeatMs });
    const subscription = this.store.subscribe({
      after,
      types,
      streamPrefix,
      batchSize: this.options.batchSize,
      // Awaited by the subscription before it reads the next batch: a slow client slows its reads.
      handler: async (events) => {
        await session.send(events.map((event) => toEnvelope(event)));
        this.metrics?.feedEventsSent.inc({ transport: 'sse' }, events.length);
      },
      onError: (error) => {
        if (!session.closed) this.logger.warn(`feed stream: ${(error as Error).message}; retrying`);
      },
    });
    this.metrics?.feedClients.inc({ transport: 'sse' });
    session.onClose(() => {
      this.metrics?.feedClients.dec({ transport: 'sse' });
      this.sessions.track(subscription.stop());
    });
  }

  /** `GET /v1/events/schemas`: every event type's JSON Schema, per version, and the upcasting rules. */
  @Get('schemas')
  @Roles('service')
  schemas(): EventSchemasDocument {
    return eventSchemasDocument();
  }

  /**
   * `GET /v1/events/asyncapi.json`: the AsyncAPI 3.0 document of SSE, webhooks, RabbitMQ and NATS,
   * with every event's JSON Schema (the same contracts as /schemas).
   */
  @Get('asyncapi.json')
  @Roles('service')
  asyncApiDocument(): Record<string, unknown> {
    this.asyncApi ??= asyncApiDocument(this.asyncApiOptions);
    return this.asyncApi;
  }
}
