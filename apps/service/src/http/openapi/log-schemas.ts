/**
 * Answers about the log itself (docs/auditors.md, docs/integrators.md): the event envelope, pages
 * and histories of events, integrity, signed checkpoints, keys and the event schemas. Merged into
 * the document's components by response-schemas.ts.
 */
import { ENVELOPE_JSON_SCHEMA } from '../../feed/schemas.js';
import { arr, bool, count, instant, int, nextCursor, obj, orNull, ref, str, type JsonSchema } from './json-schema.js';
import { position } from './response-fragments.js';

/** The log's answers, by component name. */
export const LOG_SCHEMAS: Record<string, JsonSchema> = {
  EventEnvelope: (({ $schema: _s, title: _t, ...rest }) => ({ ...rest, description: 'the one envelope of every event that leaves the service' }))(ENVELOPE_JSON_SCHEMA as JsonSchema),
  EventHead: obj({ position }),
  EventPage: obj({ events: arr(ref('EventEnvelope')), last: position }),
  History: obj({ events: arr(ref('EventEnvelope')) }),
  Integrity: obj(
    { streamId: str(), valid: bool, events: count, brokenAtVersion: int({ minimum: 0 }), reason: str(), headHash: str({ pattern: '^[0-9a-f]{64}$' }) },
    ['brokenAtVersion', 'reason', 'headHash'],
  ),
  Checkpoint: obj(
    {
      position: { ...position, description: 'head position of the log when signed: every event at or before it is covered' },
      at: instant,
      streams: count,
      headsRoot: str({ pattern: '^[0-9a-f]{64}$', description: "Merkle root over every stream's (streamId, version, hash) head, sorted by streamId (docs/auditors.md)" }),
      keyId: str({ pattern: '^[0-9a-f]{32}$', description: 'first 32 hex digits of the SHA-256 of the public key (DER SubjectPublicKeyInfo)' }),
      signature: str({ description: 'base64 Ed25519 signature of the canonical JSON of {at, headsRoot, keyId, position, streams}' }),
    },
    [],
    { description: 'a signed checkpoint: exactly what the audit CLI takes as --checkpoint <file>' },
  ),
  CheckpointPage: obj({ checkpoints: arr(ref('Checkpoint')), nextCursor }, ['nextCursor']),
  AuditPublicKeys: obj({
    signingKeyId: orNull(str({ pattern: '^[0-9a-f]{32}$' })),
    keys: arr(obj({ keyId: str({ pattern: '^[0-9a-f]{32}$' }), publicKey: str({ description: 'SPKI PEM' }), current: bool })),
  }),
  EventSchemas: obj({
    envelope: { type: 'object' },
    events: arr(obj({ type: str(), stream: str(), schemaVersion: int({ minimum: 1 }), current: bool, schema: { type: 'object' } }, ['stream', 'current'])),
    upcasting: arr(obj({ type: str(), fromVersion: int(), toVersion: int(), addedProperties: arr(str()), removedProperties: arr(str()) })),
    readers: str(),
  }),
  AsyncApiDocument: obj({
    asyncapi: str({ const: '3.0.0' }),
    info: { type: 'object' },
    servers: { type: 'object' },
    channels: { type: 'object' },
    operations: { type: 'object' },
    components: { type: 'object' },
  }),
};
