import { Global, Module, RequestMethod, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import type { ServiceConfig } from '../config.js';
import { APPLICATION_OBSERVER, RELAY_OBSERVER } from '../infrastructure/infrastructure.module.js';
import { SERVICE_CONFIG } from '../infrastructure/tokens.js';
import { HEALTH_OPTIONS, HealthController, healthOptionsFromEnv } from './health.controller.js';
import { HttpMetricsMiddleware } from './http-metrics.middleware.js';
import { loggingParams } from './logging.js';
import { MetricsController } from './metrics.controller.js';
import { ApplicationMetricsObserver, MetricsService } from './metrics.service.js';
import { ProjectionsLocator } from './projections.js';
import { DrainMiddleware, ShutdownState } from './shutdown.js';

/**
 * Operations surface: `/health` (+ `/live`, `/ready`), `/metrics`, structured JSON logs with request
 * ids. Global so that the infrastructure module's write path finds `APPLICATION_OBSERVER` and
 * other modules the {@link MetricsService}.
 */
@Global()
@Module({
  imports: [
    TerminusModule.forRoot({ errorLogStyle: 'json' }),
    LoggerModule.forRootAsync({
      inject: [SERVICE_CONFIG],
      useFactory: (config: ServiceConfig) => loggingParams(config.logLevel),
    }),
  ],
  controllers: [HealthController, MetricsController],
  providers: [
    ProjectionsLocator,
    ShutdownState,
    MetricsService,
    ApplicationMetricsObserver,
    { provide: APPLICATION_OBSERVER, useExisting: ApplicationMetricsObserver },
    { provide: RELAY_OBSERVER, useExisting: ApplicationMetricsObserver },
    { provide: HEALTH_OPTIONS, useFactory: () => healthOptionsFromEnv() },
  ],
  exports: [ShutdownState, MetricsService, ApplicationMetricsObserver, APPLICATION_OBSERVER, RELAY_OBSERVER, ProjectionsLocator],
})
export class OperationsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // `{/*splat}` matches every path under express 5's path-to-regexp, the root included.
    consumer.apply(DrainMiddleware).forRoutes({ path: '{/*splat}', method: RequestMethod.ALL });
    consumer.apply(HttpMetricsMiddleware).forRoutes({ path: '{/*splat}', method: RequestMethod.ALL });
  }
}
