import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';

const PREFIX = '/console/';

/**
 * Serves the built web console at `/console/` from the service itself, so `npm start` gives a
 * newcomer a console with no second server. Vite names every asset by its content hash, so
 * `assets/*` may be cached for a year; `index.html` must never be, or a deploy would keep old
 * browsers on asset names that no longer exist. The console is a client-side app with hash
 * routes, so no path rewriting is needed beyond `/` and `/console` → `/console/`.
 */
export function serveConsole(app: INestApplication, consoleDir: string): void {
  const root = resolve(consoleDir);
  const http = app as NestExpressApplication;
  http.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (path === '/' || path === '/console') {
      res.statusCode = 302;
      res.setHeader('Location', PREFIX);
      res.end();
      return;
    }
    if (path.startsWith(PREFIX) && !existsSync(join(root, 'index.html'))) {
      // A checkout that never ran `npm run build`: say how to get the console, in the API's error shape.
      res.statusCode = 503;
      res.setHeader('Content-Type', 'application/problem+json');
      res.end(
        JSON.stringify({
          type: 'about:blank',
          title: 'Service Unavailable',
          status: 503,
          code: 'console-not-built',
          detail: `the web console is not built in ${root}: run \`npm run build\` (npm start does it)`,
        }),
      );
      return;
    }
    next();
  });
  http.useStaticAssets(root, {
    prefix: PREFIX,
    index: 'index.html',
    setHeaders: (res: ServerResponse, file: string) => {
      if (file.includes(`${join(root, 'assets')}`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
      else res.setHeader('Cache-Control', 'no-cache');
    },
  });
}
