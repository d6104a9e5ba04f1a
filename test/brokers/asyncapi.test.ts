/**
 * `GET /v1/events/asyncapi.json` through the real app: role service, and what it serves is a
 * valid AsyncAPI 3.0 document (@asyncapi/parser, no errors) whose event schemas are the ones
 * `GET /v1/events/schemas` publishes.
 */
import type { INestApplication } from '@nestjs/common';
import { Parser } from '@asyncapi/parser';
import { get, startApp } from '../http/support.js';

describe('GET /v1/events/asyncapi.json', () => {
  let app: INestApplication;
  beforeAll(async () => {
    app = await startApp();
  });
  afterAll(async () => {
    await app?.close();
  });

  it('serves a valid AsyncAPI 3.0 document to the service role, with the schemas of /v1/events/schemas', async () => {
    const res = await get(app, '/v1/events/asyncapi.json', 'service').expect(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const { document, diagnostics } = await new Parser().parse(JSON.stringify(res.body));
    expect(diagnostics.filter((d) => d.severity === 0).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    expect(document!.version()).toBe('3.0.0');
    const schemas = (await get(app, '/v1/events/schemas', 'service').expect(200)).body as { events: Array<{ type: string; schemaVersion: number; current: boolean; schema: Record<string, unknown> }> };
    const components = res.body.components.schemas as Record<string, Record<string, unknown>>;
    for (const e of schemas.events) {
      const { $schema: _s, ...schema } = e.schema;
      const { description: _d, ...component } = components[e.current ? `${e.type}Data` : `${e.type}DataV${e.schemaVersion}`]!;
      const { description: _d2, ...published } = schema;
      expect(component).toEqual(published);
    }
  });

  it('is for the service role', async () => {
    await get(app, '/v1/events/asyncapi.json', 'analyst').expect(403);
    await get(app, '/v1/events/asyncapi.json', 'admin').expect(200);
  });
});
