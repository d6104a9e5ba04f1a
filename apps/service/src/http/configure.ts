import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { isJsonRequest, requireJsonContentType, requireObjectBody } from './body.js';
import { BEARER_SCHEME } from './openapi-constants.js';
import { buildOpenApiDocument } from './openapi/document.js';
import { BODY_LIMIT_BYTES } from './problem.js';
import { ProblemDetailsFilter } from './problem.filter.js';
import { requestIdMiddleware } from './request.js';
import { createValidationPipe } from './validation.js';

export { BEARER_SCHEME };

/**
 * Everything HTTP-wide: request ids, JSON bodies (64 kB, JSON only, objects only), the global
 * validation pipe, the problem+json filter and the OpenAPI document at `/docs` (`/docs-json`).
 * Call it after `NestFactory.create(…, {bodyParser: false})` and BEFORE `app.init()`: Express
 * runs middleware in registration order, so the parsers must be in place before the routes.
 */
export function configureHttp(app: INestApplication): void {
  const http = app as NestExpressApplication;
  http.disable('x-powered-by');
  http.use(requestIdMiddleware);
  http.use(requireJsonContentType);
  // strict: only objects and arrays at the top; the next middleware narrows that to objects.
  http.useBodyParser('json', { limit: BODY_LIMIT_BYTES, strict: true, type: isJsonRequest });
  http.use(requireObjectBody);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}
