// Writes apps/console/src/api/schema.d.ts from the service's own OpenAPI document, so the console
// is type-checked against the contract the service serves today (`npm run gen:api`; the test run
// regenerates it and type-checks the console, so a contract change that breaks the console fails CI).
import { writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import openapiTS, { astToString } from 'openapi-typescript';
import { createApp } from '../apps/service/src/app.js';
import { loadConfig } from '../apps/service/src/config.js';

export const SCHEMA_FILE = 'apps/console/src/api/schema.d.ts';

/** The OpenAPI document as `/docs-json` serves it, from a throw-away in-memory service. */
export async function servedOpenApiDocument(): Promise<Record<string, unknown>> {
  const config = loadConfig({ NODE_ENV: 'test', SCHEDULER: 'manual', EVENT_STORE: 'pglite', PROJECTOR: 'external', LOG_LEVEL: 'silent' });
  const app = await createApp({ ...config, dataDir: undefined });
  try {
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/docs-json`);
    if (!res.ok) throw new Error(`/docs-json answered ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  } finally {
    await app.close();
  }
}

/** TypeScript declarations of the document (openapi-typescript), with a do-not-edit banner. */
export async function consoleApiTypes(document: Record<string, unknown>): Promise<string> {
  const ast = await openapiTS(document as never, { alphabetize: true });
  return `// Generated from the service's OpenAPI document by scripts/console-api-types.ts: do not edit.\n${astToString(ast)}`;
}

if (process.argv[1]?.endsWith('console-api-types.js')) {
  const types = await consoleApiTypes(await servedOpenApiDocument());
  writeFileSync(SCHEMA_FILE, types);
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
