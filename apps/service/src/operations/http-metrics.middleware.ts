import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The parts of express' request the route label needs. */
type RoutedRequest = IncomingMessage & { baseUrl?: string; route?: { path?: unknown } };
import { MetricsService } from './metrics.service.js';

/** Status recorded for a client that went away before the response finished (nginx's convention). */
const CLIENT_CLOSED = '499';

/**
 * Times every request into `http_request_duration_seconds`. A middleware rather than an
 * interceptor so requests refused by guards (401, 403) and unknown routes count too. The route
 * label is the route template (`/v1/subscribers/:id`), never the raw path, so label values stay few.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: MetricsService) {}

  use(req: RoutedRequest, res: ServerResponse, next: (error?: unknown) => void): void {
    const started = process.hrtime.bigint();
    let recorded = false;
    const record = () => {
      if (recorded) return;
      recorded = true;
      // Streams last as long as the reader stays: they have their own gauge and would swamp the histogram.
      if (String(res.getHeader('Content-Type') ?? '').startsWith('text/event-stream')) return;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.writableFinished ? String(res.statusCode) : CLIENT_CLOSED;
      this.metrics.httpDuration.observe({ method: req.method ?? 'GET', route: routeTemplate(req), status }, seconds);
    };
    res.once('finish', record);
    res.once('close', record);
    next();
  }
}

/** The matched route's template, or `unmatched` for paths no route serves. */
function routeTemplate(req: RoutedRequest): string {
  const path = req.route?.path;
  return typeof path === 'string' ? `${req.baseUrl ?? ''}${path}` : 'unmatched';
}
