#!/usr/bin/env node
// `client-lifecycle-simulate`: the company simulator, from the built code in dist/ — no TypeScript
// compiler needed, so it runs in the production image (`npm run build` first in a checkout).
import { existsSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const main = fileURLToPath(new URL('../dist/apps/simulator/src/main.js', import.meta.url));
if (!existsSync(main)) {
  process.stderr.write(`${main} is missing: run \`npm run build\` first\n`);
  process.exit(1);
}
await import(pathToFileURL(main).href);
