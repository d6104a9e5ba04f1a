import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { ServiceConfig } from './config.js';
import { InfrastructureModule } from './infrastructure/infrastructure.module.js';

/** Feature modules of the service, in the order their routes should be registered. */
export const FEATURE_MODULES: Type[] = [];

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
