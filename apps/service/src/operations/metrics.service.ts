import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ApplicationObserver } from '@libs/application';
import type { RelayObserver } from '@libs/relay';
import { readSettings } from '@libs/settings';
import { ProjectionsLocator } from './projections.js';

/** Prefix of the service's own metrics (HTTP histograms keep the `http_` convention, process ones theirs). */
const METRIC_PREFIX = 'client_lifecycle_';

/**
 * What `client_lifecycle_build_info` reports: `BUILD_VERSION` / `BUILD_COMMIT` (set by the image
 * build), else the package.json version of the working directory and `unknown`.
 */
export function buildInfo(env: NodeJS.ProcessEnv = process.env): { version: string; commit: string; node: string } {
  const settings = readSettings(env, ['BUILD_VERSION', 'BUILD_COMMIT']);
  let version = settings.BUILD_VERSION;
  if (!version) {
    try {
      version = (JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version?: string }).version;
    } catch {
      version = undefined;
    }
  }
  return { version: version ?? 'unknown', commit: settings.BUILD_COMMIT ?? 'unknown', node: process.version };
}

/**
 * The service's Prometheus metrics, named like a well-behaved exporter's (`client_lifecycle_*`), in a registry of its own (not prom-client's global one) so
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
  readonly idempotentReplays: Counter<'command_type'>;
  readonly schedulerLastSuccess: Gauge;
  readonly schedulerPassDuration: Histogram<'outcome'>;
  readonly schedulerEventsWritten: Counter;
  readonly schedulerFailures: Counter;
  readonly relayDeliveries: Counter<'sink' | 'outcome'>;
  readonly relayDeliverySeconds: Histogram<'sink'>;

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
      name: `${METRIC_PREFIX}events_appended_total`,
      help: 'Events appended to the store, by the command that wrote them',
      labelNames: ['command_type'],
      registers,
    });
    this.appendConflicts = new Counter({
      name: `${METRIC_PREFIX}append_conflicts_total`,
      help: 'Optimistic-concurrency conflicts on append, by command and whether the command was retried',
      labelNames: ['command_type', 'retried'],
      registers,
    });
    this.feedClients = new Gauge({
      name: `${METRIC_PREFIX}feed_stream_clients`,
      help: 'Open Server-Sent Events connections of the lifecycle feed',
      labelNames: ['transport'],
      registers,
    });
    this.feedEventsSent = new Counter({
      name: `${METRIC_PREFIX}feed_events_sent_total`,
      help: 'Events handed to feed readers',
      labelNames: ['transport'],
      registers,
    });
    this.idempotentReplays = new Counter({
      name: `${METRIC_PREFIX}idempotent_replays_total`,
      help: 'Requests answered from a stored Idempotency-Key answer, writing nothing, by command',
      labelNames: ['command_type'],
      registers,
    });
    this.schedulerLastSuccess = new Gauge({
      name: `${METRIC_PREFIX}scheduler_last_success_timestamp_seconds`,
      help: 'Unix time of the last scheduler pass that completed (0: none yet in this process)',
      registers,
    });
    this.schedulerPassDuration = new Histogram({
      name: `${METRIC_PREFIX}scheduler_pass_duration_seconds`,
      help: 'Duration of scheduler passes, by outcome (ok, failed)',
      labelNames: ['outcome'],
      buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 30, 60, 120],
      registers,
    });
    this.schedulerEventsWritten = new Counter({
      name: `${METRIC_PREFIX}scheduler_events_written_total`,
      help: 'Events the scheduler passes wrote (missed payments, reminders, suspensions, terminations, follow-ups)',
      registers,
    });
    this.schedulerFailures = new Counter({
      name: `${METRIC_PREFIX}scheduler_failures_total`,
      help: 'Scheduler passes that failed (the next one retries)',
      registers,
    });
    this.relayDeliveries = new Counter({
      name: `${METRIC_PREFIX}relay_deliveries_total`,
      help: 'Delivery attempts of the push relays (webhook subscriptions, brokers) by sink and outcome (ok, failed)',
      labelNames: ['sink', 'outcome'],
      registers,
    });
    this.relayDeliverySeconds = new Histogram({
      name: `${METRIC_PREFIX}relay_delivery_seconds`,
      help: 'Duration of successful deliveries of the push relays, by sink',
      labelNames: ['sink'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    const relayGauge = (name: string, help: string, value: (s: Awaited<ReturnType<ProjectionsLocator['relays']>>[number]) => number) =>
      new Gauge({
        name: `${METRIC_PREFIX}${name}`,
        help,
        labelNames: ['sink'],
        registers,
        async collect() {
          this.reset();
          for (const s of await projections.relays()) this.set({ sink: s.name }, value(s));
        },
      });
    relayGauge('relay_lag_events', 'Events a push relay sink has not had acknowledged yet (read at scrape time, capped at 10,000)', (s) => s.lagEvents);
    relayGauge('relay_lag_seconds', 'Age of the oldest event a push relay sink has not had acknowledged yet (read at scrape time)', (s) => s.lagSeconds);
    relayGauge('relay_consecutive_failures', 'Failed attempts in a row on the event a push relay sink is retrying (this process, 0 elsewhere)', (s) => s.failures);
    new Gauge({
      name: `${METRIC_PREFIX}embedded_database_memory_bytes`,
      help: 'WASM heap of the embedded database (PGlite); it only grows. Absent on PostgreSQL',
      registers,
      collect() {
        this.reset();
        const bytes = projections.embeddedMemoryBytes();
        if (bytes !== undefined) this.set(bytes);
      },
    });
    const build = buildInfo();
    new Gauge({
      name: `${METRIC_PREFIX}build_info`,
      help: 'Always 1; the labels say which build runs',
      labelNames: ['version', 'commit', 'node'],
      registers,
    }).set(build, 1);
    new Gauge({
      name: `${METRIC_PREFIX}projection_lag_events`,
      help: 'Events in the log a projection has not processed yet (read at scrape time)',
      labelNames: ['projection'],
      registers,
      async collect() {
        this.reset();
        for (const s of await projections.status()) this.set({ projection: s.name }, s.lagEvents);
      },
    });
    new Gauge({
      name: `${METRIC_PREFIX}projection_lag_seconds`,
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
export class ApplicationMetricsObserver implements ApplicationObserver, RelayObserver {
  constructor(private readonly metrics: MetricsService) {}

  appended(commandType: string, count: number): void {
    this.metrics.eventsAppended.inc({ command_type: commandType }, count);
  }

  conflict(commandType: string, retried: boolean): void {
    this.metrics.appendConflicts.inc({ command_type: commandType, retried: String(retried) });
  }

  idempotentReplay(commandType: string): void {
    this.metrics.idempotentReplays.inc({ command_type: commandType });
  }

  // (RelayObserver)
  delivered(sink: string, seconds: number): void {
    this.metrics.relayDeliveries.inc({ sink, outcome: 'ok' });
    this.metrics.relayDeliverySeconds.observe({ sink }, seconds);
  }

  failed(sink: string): void {
    this.metrics.relayDeliveries.inc({ sink, outcome: 'failed' });
  }

  schedulerPass(outcome: { ok: boolean; seconds: number; events: number }): void {
    this.metrics.schedulerPassDuration.observe({ outcome: outcome.ok ? 'ok' : 'failed' }, outcome.seconds);
    if (!outcome.ok) {
      this.metrics.schedulerFailures.inc();
      return;
    }
    this.metrics.schedulerEventsWritten.inc(outcome.events);
    this.metrics.schedulerLastSuccess.set(Date.now() / 1000);
  }
}
