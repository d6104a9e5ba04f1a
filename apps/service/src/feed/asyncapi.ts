import { eventJsonSchemas } from '@libs/domain';
import { readSettings } from '@libs/settings';
import { amqpRoutingKey, natsSubject } from '@libs/relay';
import { ENVELOPE_JSON_SCHEMA } from './schemas.js';

/** What the document says about where the relays publish (the relay settings). */
export interface AsyncApiOptions {
  /** The service's own version (`info.version`). */
  version: string;
  amqp: { exchange: string; host?: string; enabled: boolean };
  nats: { stream: string; subjectPrefix: string; host?: string; enabled: boolean };
}

export const ASYNCAPI_OPTIONS = Symbol('ASYNCAPI_OPTIONS');

type Json = Record<string, unknown>;

/** `host[:port]` of a broker URL — never its credentials. */
function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url.split(',')[0]!.trim()).host || undefined;
  } catch {
    return undefined;
  }
}

export function asyncApiOptionsFromEnv(version: string, env: Readonly<Record<string, string | undefined>> = process.env): AsyncApiOptions {
  const s = readSettings(env, ['RELAY_AMQP_URL', 'RELAY_AMQP_EXCHANGE', 'RELAY_NATS_URL', 'RELAY_NATS_STREAM', 'RELAY_NATS_SUBJECT_PREFIX']);
  return {
    version,
    amqp: { exchange: s.RELAY_AMQP_EXCHANGE, host: hostOf(s.RELAY_AMQP_URL), enabled: !!s.RELAY_AMQP_URL },
    nats: { stream: s.RELAY_NATS_STREAM, subjectPrefix: s.RELAY_NATS_SUBJECT_PREFIX, host: hostOf(s.RELAY_NATS_URL), enabled: !!s.RELAY_NATS_URL },
  };
}

const withoutMeta = (schema: Json): Json => {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
};

const header = (description: string, extra: Json = {}): Json => ({ type: 'string', description, ...extra });
const POSITION = { type: 'string', pattern: '^(0|[1-9][0-9]*)$' };

const HEADER_SCHEMAS: Record<string, Json> = {
  WebhookHeaders: {
    type: 'object',
    description: 'Standard Webhooks (https://www.standardwebhooks.com): verify the signature over "<webhook-id>.<webhook-timestamp>.<body>" with the subscription secret before trusting the body',
    required: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
    properties: {
      'webhook-id': header('the event id: the same on every attempt, so a receiver de-duplicates by it', { format: 'uuid' }),
      'webhook-timestamp': header('Unix seconds of this attempt; refuse one too far from now (replay protection)', { pattern: '^[0-9]+$' }),
      'webhook-signature': header('space-separated `v1,<base64 HMAC-SHA256>` signatures: two during the 24 h after a secret rotation', { pattern: '^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$' }),
      'content-type': header('application/json', { const: 'application/json' }),
    },
  },
  AmqpHeaders: {
    type: 'object',
    description: 'AMQP message headers; the properties also carry message-id = event id, type = event type, content-type application/json, delivery mode 2 (persistent)',
    required: ['position', 'type', 'streamId'],
    properties: {
      position: { ...POSITION, description: 'global position of the event (compare as an integer)' },
      type: header('event type'),
      streamId: header('subscriber-<id> or case-<id>'),
      version: { type: 'integer', minimum: 0, description: 'number of the event in its stream' },
    },
  },
  NatsHeaders: {
    type: 'object',
    description: 'NATS message headers',
    required: ['Nats-Msg-Id', 'position', 'type', 'streamId'],
    properties: {
      'Nats-Msg-Id': header('the event id: the stream drops a re-publish within its duplicate window', { format: 'uuid' }),
      'Nats-Expected-Stream': header('the stream the relay publishes to'),
      'Nats-Expected-Last-Msg-Id': header('set on all but the first message of a pipelined batch: keeps the stream in log order'),
      position: { ...POSITION, description: 'global position of the event (compare as an integer)' },
      type: header('event type'),
      streamId: header('subscriber-<id> or case-<id>'),
      version: header('number of the event in its stream'),
      'Content-Type': header('application/json', { const: 'application/json' }),
    },
  },
};

/**
 * The AsyncAPI 3.0 document of the whole event surface (domain.md §8): the SSE stream, webhooks,
 * the RabbitMQ exchange and the NATS subjects, each message the feed's envelope with the event's
 * data schema — built from the same contract registry as `GET /v1/events/schemas`, so it cannot
 * drift from what is written. The service is the sender of every operation.
 */
export function asyncApiDocument(options: AsyncApiOptions): Json {
  const contracts = eventJsonSchemas();
  const current = contracts.filter((c) => c.current);
  const types = current.map((c) => c.type);
  const categories = [...new Set(current.map((c) => c.stream))];

  const schemas: Record<string, Json> = { EventEnvelope: { ...withoutMeta(ENVELOPE_JSON_SCHEMA as unknown as Json), description: 'the envelope every event travels in, on every transport' }, ...HEADER_SCHEMAS };
  for (const c of contracts) {
    const name = c.current ? `${c.type}Data` : `${c.type}DataV${c.schemaVersion}`;
    schemas[name] = {
      ...withoutMeta(c.schema),
      description: `data of ${c.type}, schema version ${c.schemaVersion}${c.current ? ' (current: what every transport carries)' : ' (stored only; upcast on read to the current version)'}`,
    };
  }
  for (const c of current) {
    schemas[c.type] = {
      description: `${c.type} (stream ${c.stream}-<id>) in its envelope`,
      allOf: [
        { $ref: '#/components/schemas/EventEnvelope' },
        { type: 'object', properties: { type: { const: c.type }, streamId: { type: 'string', pattern: `^${c.stream}-` }, data: { $ref: `#/components/schemas/${c.type}Data` } } },
      ],
    };
  }

  const example = (type: string, stream: string) => ({
    name: 'example',
    payload: { id: '0b8f6c8e-3f7a-4a57-9d0c-1f1d2c3b4a5e', position: '1289', streamId: `${stream}-perez`, version: 7, type, data: {}, occurredAt: '2026-11-20T09:00:00.000Z', metadata: { recordedAt: '2026-11-20T09:00:00.112Z', schemaVersion: 1, prevHash: '0'.repeat(64), hash: 'f'.repeat(64) } },
  });
  /** One message per event type, as a given transport sends it. */
  const messagesFor = (transport: 'sse' | 'webhook' | 'amqp' | 'nats'): Record<string, Json> => {
    const out: Record<string, Json> = {};
    for (const c of current) {
      const sample = { streamId: `${c.stream}-perez`, type: c.type };
      const message: Json = {
        name: c.type,
        title: c.type,
        contentType: 'application/json',
        payload: { $ref: `#/components/schemas/${c.type}` },
        correlationId: { description: 'the event id', location: '$message.payload#/id' },
        examples: [example(c.type, c.stream)],
      };
      if (transport === 'sse') message.summary = `SSE event: \`id:\` the position, \`event:\` ${c.type}, \`data:\` the envelope`;
      if (transport === 'webhook') {
        message.headers = { $ref: '#/components/schemas/WebhookHeaders' };
        message.summary = 'POST body: the envelope; answer 2xx to acknowledge';
      }
      if (transport === 'amqp') {
        message.headers = { $ref: '#/components/schemas/AmqpHeaders' };
        message.summary = `routing key ${amqpRoutingKey(sample)}`;
        message.bindings = { amqp: { contentEncoding: 'utf-8', messageType: c.type, bindingVersion: '0.3.0' } };
      }
      if (transport === 'nats') {
        message.headers = { $ref: '#/components/schemas/NatsHeaders' };
        message.summary = `subject ${natsSubject(options.nats.subjectPrefix, sample)}`;
      }
      out[c.type] = message;
    }
    return out;
  };
  const refs = (channel: string) => types.map((t) => ({ $ref: `#/channels/${channel}/messages/${t}` }));
  const addressParameters = {
    category: { enum: categories, description: 'the stream category: subscriber or case' },
    eventType: { enum: types, description: 'the event type' },
  };
  const configured = (enabled: boolean, setting: string) => (enabled ? `Enabled here (${setting} is set).` : `Not enabled on this service (${setting} is unset).`);

  return {
    asyncapi: '3.0.0',
    info: {
      title: 'client-lifecycle events',
      version: options.version,
      description:
        'Every lifecycle event, in global-position order, at least once, never skipped, on four transports: Server-Sent Events, ' +
        'signed webhooks, RabbitMQ and NATS JetStream. Each message is the feed envelope `{id, position, streamId, version, type, data, occurredAt, metadata}`; ' +
        'de-duplicate by `id` (or keep the highest `position` seen: positions only grow). The data schemas are those of GET /v1/events/schemas.',
    },
    defaultContentType: 'application/json',
    servers: {
      service: {
        host: 'localhost:3000',
        protocol: 'http',
        description: 'the client-lifecycle service (use its public https address); API key of role service as a Bearer token',
        security: [{ $ref: '#/components/securitySchemes/apiKey' }],
      },
      webhookReceiver: {
        host: '{receiver}',
        protocol: 'https',
        description: 'your endpoint, registered with POST /v1/webhooks (admin); http only outside production',
        variables: { receiver: { default: 'receiver.example.com', description: 'host of the subscription URL' } },
      },
      rabbitmq: {
        host: options.amqp.host ?? 'localhost:5672',
        protocol: 'amqp',
        protocolVersion: '0.9.1',
        description: `RabbitMQ relay (RELAY_AMQP_URL). ${configured(options.amqp.enabled, 'RELAY_AMQP_URL')}`,
      },
      nats: {
        host: options.nats.host ?? 'localhost:4222',
        protocol: 'nats',
        description: `NATS JetStream relay (RELAY_NATS_URL), stream ${options.nats.stream}. ${configured(options.nats.enabled, 'RELAY_NATS_URL')}`,
      },
    },
    channels: {
      eventStream: {
        address: '/v1/events/stream',
        title: 'Server-Sent Events feed',
        description: 'GET with Accept: text/event-stream; `id:` is the position, so a reconnect with Last-Event-ID resumes after it. Filters: after, types, stream.',
        servers: [{ $ref: '#/servers/service' }],
        messages: messagesFor('sse'),
      },
      webhook: {
        address: null,
        title: 'Webhook subscription',
        description:
          'One POST per event to the subscription URL, in position order per subscription; the next event waits until this one is answered 2xx. ' +
          'Failures are retried with capped exponential back-off and jitter; after WEBHOOK_FAILING_AFTER of failures the subscription is failing until re-enabled (nothing is skipped).',
        servers: [{ $ref: '#/servers/webhookReceiver' }],
        messages: messagesFor('webhook'),
      },
      rabbitmq: {
        address: '{category}.{eventType}',
        title: `RabbitMQ exchange ${options.amqp.exchange}`,
        description: `Durable topic exchange ${options.amqp.exchange}; routing key <category>.<EventType> (bind subscriber.*, *.ServiceSuspended or #). Persistent messages, published with confirms before the relay's checkpoint moves.`,
        parameters: addressParameters,
        servers: [{ $ref: '#/servers/rabbitmq' }],
        messages: messagesFor('amqp'),
        bindings: { amqp: { is: 'routingKey', exchange: { name: options.amqp.exchange, type: 'topic', durable: true, autoDelete: false, vhost: '/' }, bindingVersion: '0.3.0' } },
      },
      nats: {
        address: `${options.nats.subjectPrefix}.{category}.{eventType}`,
        title: `NATS JetStream stream ${options.nats.stream}`,
        description: `Subjects ${options.nats.subjectPrefix}.<category>.<EventType>, captured by stream ${options.nats.stream} (subjects ${options.nats.subjectPrefix}.>); Nats-Msg-Id = event id, acknowledged publish before the relay's checkpoint moves.`,
        parameters: addressParameters,
        servers: [{ $ref: '#/servers/nats' }],
        messages: messagesFor('nats'),
      },
    },
    operations: {
      streamEvents: {
        action: 'send',
        channel: { $ref: '#/channels/eventStream' },
        title: 'Stream the feed',
        summary: 'catch-up from `after` (or Last-Event-ID), then live',
        bindings: {
          http: {
            method: 'GET',
            query: { type: 'object', properties: { after: POSITION, types: { type: 'string', description: 'comma-separated event types' }, stream: { type: 'string', description: 'stream-name prefix' } } },
            bindingVersion: '0.3.0',
          },
        },
        messages: refs('eventStream'),
      },
      sendWebhook: {
        action: 'send',
        channel: { $ref: '#/channels/webhook' },
        title: 'Deliver to a webhook subscription',
        bindings: { http: { method: 'POST', bindingVersion: '0.3.0' } },
        messages: refs('webhook'),
      },
      publishToRabbitMQ: {
        action: 'send',
        channel: { $ref: '#/channels/rabbitmq' },
        title: 'Publish to the RabbitMQ exchange',
        bindings: { amqp: { deliveryMode: 2, mandatory: false, timestamp: true, bindingVersion: '0.3.0' } },
        messages: refs('rabbitmq'),
      },
      publishToNats: {
        action: 'send',
        channel: { $ref: '#/channels/nats' },
        title: 'Publish to the NATS JetStream stream',
        messages: refs('nats'),
      },
    },
    components: {
      schemas,
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'an API key with the service role (API_KEYS)' } },
    },
  };
}
