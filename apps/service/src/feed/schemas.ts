import { eventContracts, eventJsonSchemas } from '@libs/domain';

/** JSON Schema of the envelope every event travels in (api.md). */
export const ENVELOPE_JSON_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'EventEnvelope',
  type: 'object',
  required: ['id', 'position', 'streamId', 'version', 'type', 'data', 'occurredAt', 'metadata'],
  properties: {
    id: { type: 'string', description: 'event id (UUID), unique within its stream' },
    position: { type: 'string', pattern: '^(0|[1-9][0-9]*)$', description: 'global position, a decimal string; compare as an integer' },
    streamId: { type: 'string', description: 'subscriber-<id> or case-<id>' },
    version: { type: 'integer', minimum: 0, description: 'number of the event in its stream, from 0' },
    type: { type: 'string' },
    data: { type: 'object', description: 'the schema of the type, at metadata.schemaVersion' },
    occurredAt: { type: 'string', description: 'business time, ISO-8601 UTC' },
    metadata: {
      type: 'object',
      required: ['recordedAt', 'schemaVersion', 'prevHash', 'hash'],
      properties: {
        actor: { type: 'string' },
        role: { type: 'string' },
        correlationId: { type: 'string' },
        causationId: { type: 'string' },
        recordedAt: { type: 'string' },
        schemaVersion: { type: 'integer', minimum: 1, description: 'version of the data contract the data matches (after upcasting)' },
        upcastFrom: { type: 'integer', minimum: 1, description: 'present when the stored data was an older version, upcast on read' },
        chainVersion: { type: 'integer', enum: [1, 2], description: 'integrity chain version the hash was computed under (2 covers actor, role, correlationId, causationId)' },
        prevHash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
        hash: { type: 'string', pattern: '^[0-9a-f]{64}$' },
      },
    },
  },
} as const;

/** One upcasting rule: how a stored version reads as the next one. */
export interface UpcastingRule {
  type: string;
  fromVersion: number;
  toVersion: number;
  /** Properties the newer version has and the older lacks (filled in by the upcaster). */
  addedProperties: string[];
  /** Properties of the older version the newer one no longer has. */
  removedProperties: string[];
}

/** The body of `GET /v1/events/schemas`. */
export interface EventSchemasDocument {
  envelope: typeof ENVELOPE_JSON_SCHEMA;
  /** Every event type and version: `{type, stream, schemaVersion, current, schema}`. */
  events: ReturnType<typeof eventJsonSchemas>;
  upcasting: UpcastingRule[];
  readers: string;
}

function propertyNames(schema: unknown): string[] {
  const properties = (schema as { properties?: Record<string, unknown> }).properties;
  return properties ? Object.keys(properties) : [];
}

/**
 * Built from the domain's contract registry — the same definitions the write path validates
 * against — so the published schemas cannot drift from what is stored.
 */
export function eventSchemasDocument(): EventSchemasDocument {
  const upcasting: UpcastingRule[] = [];
  for (const contract of Object.values(eventContracts)) {
    for (const from of Object.keys(contract.upcasters ?? {}).map(Number).sort((a, b) => a - b)) {
      const before = propertyNames(contract.versions[from]);
      const after = propertyNames(contract.versions[from + 1]);
      upcasting.push({
        type: contract.type,
        fromVersion: from,
        toVersion: from + 1,
        addedProperties: after.filter((p) => !before.includes(p)),
        removedProperties: before.filter((p) => !after.includes(p)),
      });
    }
  }
  return {
    envelope: ENVELOPE_JSON_SCHEMA,
    events: eventJsonSchemas(),
    upcasting,
    readers:
      'Events are upcast on read: history, feed and stream always carry the current version of each type ' +
      '(metadata.schemaVersion); metadata.upcastFrom names the version that was stored.',
  };
}
