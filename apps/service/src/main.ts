import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.js';
import { ConfigError, loadConfig, persistDevelopmentKey } from './config.js';
import { shutDownGracefully } from './operations/shutdown.js';

async function main(): Promise<void> {
  const logger = new Logger('Service');
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      logger.error(`Configuration error: ${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const { config: resolved, created } = persistDevelopmentKey(config);
  config = resolved;
  const app = await createApp(config);
  const { shutdownDrainMs: drainMs, shutdownTimeoutMs: timeoutMs } = config;
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) return;
    shuttingDown = true;
    logger.log(`${signal}: shutting down (drain ≤ ${drainMs} ms, all ≤ ${timeoutMs} ms)`);
    // Exit 0 after a clean shutdown: an orchestrator's SIGTERM is the normal end of a process.
    void shutDownGracefully(app, { drainMs, timeoutMs }, logger).then(
      (code) => process.exit(code),
      (error: unknown) => {
        logger.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  await app.listen(config.port);
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  logger.log(`client-lifecycle listening on ${url} (event store: ${config.eventStore}, scheduler: ${config.scheduler})`);
  logger.log(`OpenAPI: ${url}/docs`);
  if (config.generatedAdminKey && created) {
    // Printed once, on purpose: the only way a newcomer learns the generated development key.
    logger.warn(`No API_KEYS set: generated a development admin key (printed only this once): ${config.generatedAdminKey}`);
    logger.log(`Try: curl -H "Authorization: Bearer ${config.generatedAdminKey}" ${url}/v1/subscribers`);
  } else if (config.generatedAdminKey) {
    logger.log(`No API_KEYS set: using the development admin key stored in ${config.dataDir}/dev-admin-key`);
  }
}

main().catch((error: unknown) => {
  new Logger('Service').error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
