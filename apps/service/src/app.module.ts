import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { AdminModule } from './admin/admin.module.js';
import { AnalyticsModule } from './analytics/analytics.module.js';
import { AuditHttpModule } from './audit/audit-http.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CasesModule } from './cases/cases.module.js';
import type { ServiceConfig } from './config.js';
import { FeedModule } from './feed/feed.module.js';
import { InfrastructureModule } from './infrastructure/infrastructure.module.js';
import { OperationsModule } from './operations/operations.module.js';
import { SubscribersModule } from './subscribers/subscribers.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { WorkQueuesModule } from './work-queues/work-queues.module.js';

/** Feature modules of the service, in the order their routes should be registered. */
const FEATURE_MODULES: Type[] = [OperationsModule, AuthModule, SubscribersModule, CasesModule, AdminModule, AuditHttpModule, FeedModule, AnalyticsModule, WorkQueuesModule, WebhooksModule];

/** The whole service for one configuration. */
@Module({})
export class AppModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [InfrastructureModule.forRoot(config), CqrsModule.forRoot(), ...FEATURE_MODULES],
    };
  }
}
