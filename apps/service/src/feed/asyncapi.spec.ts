import { Parser } from '@asyncapi/parser';
import { eventJsonSchemas } from '@libs/domain';
import { asyncApiDocument, asyncApiOptionsFromEnv } from './asyncapi.js';

const parser = new Parser();

async function diagnose(doc: unknown) {
  const { document, diagnostics } = await parser.parse(JSON.stringify(doc));
  return { document, errors: diagnostics.filter((d) => d.severity === 0), warnings: diagnostics.filter((d) => d.severity === 1) };
}

describe('AsyncAPI document', () => {
  it('is valid AsyncAPI 3.0 for @asyncapi/parser: no errors', async () => {
    const { document, errors, warnings } = await diagnose(asyncApiDocument(asyncApiOptionsFromEnv('1.2.3', {})));
    expect(errors.map((e) => `${e.path.join('.')}: ${e.message}`)).toEqual([]);
    expect(warnings.map((e) => `${e.path.join('.')}: ${e.message}`)).toEqual([]);
    expect(document).toBeDefined();
    expect(document!.version()).toBe('3.0.0');
  });

  it('describes SSE, webhooks, the RabbitMQ exchange and the NATS subjects, with every current event type on each', async () => {
    const raw = asyncApiDocument(asyncApiOptionsFromEnv('1.2.3', { RELAY_AMQP_URL: 'amqp://relay:pw-4f9c1e@rabbit.internal:5672', RELAY_NATS_URL: 'nats://nats.internal:4222' }));
    const { document } = await diagnose(raw);
    const types = eventJsonSchemas().filter((e) => e.current).map((e) => e.type).sort();
    const channels = Object.fromEntries(document!.channels().all().map((c) => [c.id(), c]));
    expect(Object.keys(channels).sort()).toEqual(['eventStream', 'nats', 'rabbitmq', 'webhook']);
    for (const channel of Object.values(channels)) expect(channel.messages().all().map((m) => m.id()).sort()).toEqual(types);
    expect(channels.rabbitmq!.address()).toBe('{category}.{eventType}');
    expect(channels.rabbitmq!.bindings().get('amqp')!.value()).toMatchObject({ is: 'routingKey', exchange: { name: 'client-lifecycle.events', type: 'topic', durable: true } });
    expect(channels.nats!.address()).toBe('client-lifecycle.{category}.{eventType}');
    const webhookHeaders = channels.webhook!.messages().all()[0]!.headers()!.json() as { required: string[] };
    expect(webhookHeaders.required).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    expect(document!.operations().all().map((o) => o.id()).sort()).toEqual(['publishToNats', 'publishToRabbitMQ', 'sendWebhook', 'streamEvents']);
    expect(document!.operations().all().every((o) => o.action() === 'send')).toBe(true);
    // Broker hosts come from the relay settings, never with their credentials.
    expect(document!.servers().get('rabbitmq')!.host()).toBe('rabbit.internal:5672');
    expect(JSON.stringify(raw).includes('pw-4f9c1e')).toBe(false);
    // Every event's data schema (each version) is a component.
    const schemaIds = document!.components().schemas().all().map((s) => s.id());
    for (const e of eventJsonSchemas()) expect(schemaIds).toContain(e.current ? `${e.type}Data` : `${e.type}DataV${e.schemaVersion}`);
  });
});
