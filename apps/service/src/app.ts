import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { AppModule } from './app.module.js';
import { loadConfig, type ServiceConfig } from './config.js';
import { serveConsole } from './console/serve-console.js';
import { configureHttp } from './http/configure.js';
import { useStructuredLogging } from './operations/logging.js';

/**
 * Builds the whole service, configured but not listening: `main.ts` listens on it, tests drive it
 * with supertest (`main.ts` also installs the graceful shutdown on SIGTERM/SIGINT). `overrides` replace values read from the environment (an explicit
 * `dataDir: undefined` means an in-memory PGlite store).
 */
export async function createApp(overrides: Partial<ServiceConfig> = {}): Promise<INestApplication> {
  const config: ServiceConfig = { ...loadConfig(process.env), ...overrides };
  const app = await NestFactory.create(AppModule.forRoot(config), { bufferLogs: true, bodyParser: false, abortOnError: false });
  useStructuredLogging(app);
  serveConsole(app, config.consoleDir);
  configureHttp(app);
  await app.init();
  return app;
}
