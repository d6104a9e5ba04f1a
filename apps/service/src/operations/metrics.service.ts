import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ApplicationObserver } from '@libs/application';
import { ProjectionsLocator } from './projections.js';

/**
 * The service's Prometheus metrics, in a registry of its own (not prom-client's global one) so
 * several applications in one process — tests, benchmarks — never collide on metric names.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly eventsAppended: Counter<'command_type'>;
  readonly appendConflicts: Counter<'command_type' | 'retried'>;
  readonly feedClients: Gauge<'transport'>;
  readonly feedEventsSent: Counter<'transport'>;

  constructor(projections: ProjectionsLocator) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by method, route template and status (SSE streams excluded)',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.eventsAppended = new Counter({
      name: 'events_appended_total',
      help: 'Events appended to the store, by the command that wrote them',
      labelNames: ['command_type'],
      registers,
    });
    this.appendConflicts = new Counter({
      name: 'append_conflicts_total',
      help: 'Optimistic-concurrency conflicts on append, by command and whether the command was retried',
      labelNames: ['command_type', 'retried'],
      registers,
    });
    this.feedClients = new Gauge({
      name: 'feed_stream_clients',
      help: 'Open Server-Sent Events connections of the lifecycle feed',
      labelNames: ['transport'],
      registers,
    });
    this.feedEventsSent = new Counter({
      name: 'feed_events_sent_total',
      help: 'Events handed to feed readers',
      labelNames: ['transport'],
      registers,
    });
    new Gauge({
      name: 'projection_lag_events',
      help: 'Events in the log a projection has not processed yet (read at scrape time)',
      labelNames: ['projection'],
      registers,
      async collect() {
        this.reset();
        for (const s of await projections.status()) this.set({ projection: s.name }, s.lagEvents);
      },
    });
    new Gauge({
      name: 'projection_lag_seconds',
      help: 'Age of the oldest event a projection has not processed yet (read at scrape time)',
      labelNames: ['projection'],
      registers,
      async collect() {
        this.reset();
        for (const s of await projections.status()) if (typeof s.lagSeconds === 'number') this.set({ projection: s.name }, s.lagSeconds);
      },
    });
  }

  /** Exposition text and its content type. */
  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/**
 * The application's metrics hooks ({@link ApplicationObserver}): the infrastructure module passes
 * it to the write path under `APPLICATION_OBSERVER`.
 */
@Injectable()
export class ApplicationMetricsObserver implements ApplicationObserver {
  constructor(private readonly metrics: MetricsService) {}

  appended(commandType: string, count: number): void {
    this.metrics.eventsAppended.inc({ command_type: commandType }, count);
  }

  conflict(commandType: string, retried: boolean): void {
    this.metrics.appendConflicts.inc({ command_type: commandType, retried: String(retried) });
  }
}
