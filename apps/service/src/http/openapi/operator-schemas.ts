/**
 * Answers of the operators' routes (docs/operators.md): projections and relays with their lag,
 * webhooks and their attempts, rebuild, tick and health. Merged into the document's components
 * by response-schemas.ts.
 */
import { arr, bool, count, instant, int, nextCursor, num, obj, orNull, ref, str, type JsonSchema } from './json-schema.js';
import { position } from './response-fragments.js';

/** Operators' answers, by component name. */
export const OPERATOR_SCHEMAS: Record<string, JsonSchema> = {
  ProjectionList: obj({
    projections: arr(
      obj(
        {
          name: str(),
          status: str(),
          leader: bool,
          checkpoint: position,
          asOf: orNull(instant),
          lagEvents: count,
          lagCapped: bool,
          lagSeconds: num({ minimum: 0 }),
          lastError: str(),
          rebuild: { type: 'object' },
        },
        ['leader', 'lagCapped', 'lastError', 'rebuild'],
      ),
    ),
    relays: arr(ref('RelayStatus'), { description: 'each push relay sink (webhook subscription, broker relay) with its own checkpoint' }),
  }),
  RelayStatus: obj(
    {
      name: str({ description: "the sink's checkpoint name: webhook:<id>, relay:amqp, relay:nats" }),
      kind: str({ enum: ['webhook', 'broker'] }),
      status: str({ enum: ['running', 'retrying', 'paused', 'standby', 'stopped'], description: 'in this process: delivering, retrying an event, paused (failing webhook), another process holds it, or not run here' }),
      leader: bool,
      checkpoint: position,
      lagEvents: count,
      lagCapped: bool,
      lagSeconds: num({ minimum: 0 }),
      failures: count,
      lastError: str(),
      subscription: str({ enum: ['active', 'failing', 'disabled'] }),
    },
    ['lastError', 'subscription'],
  ),
  Webhook: obj({
    id: str({ format: 'uuid' }),
    url: str({ format: 'uri' }),
    types: orNull(arr(str())),
    stream: orNull(str()),
    description: orNull(str()),
    status: str({ enum: ['active', 'failing', 'disabled'] }),
    failingSince: orNull(instant),
    createdAt: instant,
    updatedAt: instant,
    previousSecretExpiresAt: orNull(instant),
    checkpoint: position,
    lagEvents: count,
    lagCapped: bool,
    lagSeconds: num({ minimum: 0 }),
    lastAttempt: orNull(ref('WebhookAttemptSummary')),
  }),
  WebhookAttemptSummary: obj({
    eventId: str(),
    position,
    attempt: int({ minimum: 1 }),
    statusCode: orNull(int()),
    error: orNull(str()),
    latencyMs: count,
    at: instant,
  }),
  WebhookCreated: {
    allOf: [ref('Webhook'), obj({ secret: str({ pattern: '^whsec_', description: 'the signing secret: shown only in this answer' }) })],
  },
  WebhookList: obj({ webhooks: arr(ref('Webhook')) }),
  WebhookSecret: obj({ id: str(), secret: str({ pattern: '^whsec_' }), previousSecretExpiresAt: instant }),
  WebhookAttemptPage: obj(
    {
      attempts: arr(
        obj({
          eventId: str(),
          position,
          attempt: int({ minimum: 1 }),
          statusCode: orNull(int()),
          error: orNull(str()),
          latencyMs: count,
          at: instant,
          responseExcerpt: orNull(str({ maxLength: 256 })),
        }),
      ),
      nextCursor,
    },
    ['nextCursor'],
  ),
  WebhookReplay: obj({ id: str(), checkpoint: position, previousCheckpoint: position }),
  RebuildAccepted: obj({ name: str(), status: str({ enum: ['rebuilding', 'requested'] }) }),
  TickResult: obj({ now: instant, subscribersExamined: count, commands: count, events: arr(str()) }, ['subscribersExamined']),
  Health: obj({ status: str({ enum: ['ok', 'error', 'shutting_down'] }), info: { type: 'object' }, error: { type: 'object' }, details: { type: 'object' } }, [
    'info',
    'error',
    'details',
  ]),
};
