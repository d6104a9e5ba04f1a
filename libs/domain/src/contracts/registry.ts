/**
 * The registry of event contracts: for every event type its current `schemaVersion`, the data
 * schema of each version, and the upcasters that turn an old version's data into the next one.
 * Events are written at the current version (put `schemaVersion` in the metadata) and upcast on
 * read with {@link upcastEvent}.
 */
import type { TObject, TSchema } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { FieldError } from '../shared/errors.js';
import { fieldErrors } from './commands.js';
import {
  caseEventSchemas,
  isCaseEventType,
  isSubscriberEventType,
  PaymentReminderSentDataV1,
  subscriberEventSchemas,
  type DomainEvent,
  type DomainEventType,
} from './events.js';

/** Turns the data of version n into the data of version n + 1. */
export type Upcaster = (data: Record<string, unknown>) => Record<string, unknown>;

export interface EventContract {
  type: DomainEventType;
  stream: 'subscriber' | 'case';
  /** The version written today. */
  schemaVersion: number;
  /** The current version's data schema (JSON Schema; TypeBox object). */
  schema: TSchema;
  /** Every version's data schema, 1 … schemaVersion. */
  versions: Readonly<Record<number, TSchema>>;
  /** `upcasters[n]` turns version n into n + 1. */
  upcasters?: Readonly<Record<number, Upcaster>>;
}

/** Older versions and how to read them. Add an entry here whenever a contract changes. */
const history: Partial<Record<DomainEventType, { versions: Record<number, TObject>; upcasters: Record<number, Upcaster> }>> = {
  /**
   * v1 had no `tone`: the service only ever sent friendly reminders. v2 (today) adds `tone`
   * (`friendly`/`firm`/`final`); a v1 event reads as a friendly reminder.
   */
  PaymentReminderSent: {
    versions: { 1: PaymentReminderSentDataV1 },
    upcasters: { 1: (data) => ({ ...data, tone: data['tone'] ?? 'friendly' }) },
  },
};

function buildContract(type: DomainEventType, stream: 'subscriber' | 'case', current: TObject): EventContract {
  const h = history[type];
  const oldVersions = h ? Object.keys(h.versions).map(Number) : [];
  const schemaVersion = oldVersions.length === 0 ? 1 : Math.max(...oldVersions) + 1;
  const versions: Record<number, TSchema> = { ...(h?.versions ?? {}), [schemaVersion]: current };
  const contract: EventContract = { type, stream, schemaVersion, schema: current, versions: Object.freeze(versions) };
  if (h) contract.upcasters = Object.freeze({ ...h.upcasters });
  return Object.freeze(contract);
}

/** Every event type's contract. */
export const eventContracts: Readonly<Record<DomainEventType, EventContract>> = Object.freeze({
  ...(Object.fromEntries(
    Object.entries(subscriberEventSchemas).map(([t, s]) => [t, buildContract(t as DomainEventType, 'subscriber', s)]),
  ) as Record<DomainEventType, EventContract>),
  ...(Object.fromEntries(
    Object.entries(caseEventSchemas).map(([t, s]) => [t, buildContract(t as DomainEventType, 'case', s)]),
  ) as Record<DomainEventType, EventContract>),
});

export function isDomainEventType(type: string): type is DomainEventType {
  return isSubscriberEventType(type) || isCaseEventType(type);
}

/** Current schema version of an event type (what to put in `metadata.schemaVersion`). */
export function currentSchemaVersion(type: DomainEventType): number {
  return eventContracts[type].schemaVersion;
}

/**
 * Every event type and version as plain JSON Schema, for `GET /v1/events/schemas`:
 * `[{type, stream, schemaVersion, current, schema}]`.
 */
export function eventJsonSchemas(): Array<{ type: DomainEventType; stream: 'subscriber' | 'case'; schemaVersion: number; current: boolean; schema: Record<string, unknown> }> {
  const out: Array<{ type: DomainEventType; stream: 'subscriber' | 'case'; schemaVersion: number; current: boolean; schema: Record<string, unknown> }> = [];
  for (const c of Object.values(eventContracts)) {
    for (const [v, schema] of Object.entries(c.versions)) {
      out.push({
        type: c.type,
        stream: c.stream,
        schemaVersion: Number(v),
        current: Number(v) === c.schemaVersion,
        // JSON round trip drops TypeBox's symbol keys.
        schema: { $schema: 'https://json-schema.org/draft/2020-12/schema', ...(JSON.parse(JSON.stringify(schema)) as Record<string, unknown>) },
      });
    }
  }
  return out;
}

const checkers = new Map<string, TypeCheck<TSchema>>();
function checker(type: DomainEventType, version: number): TypeCheck<TSchema> | undefined {
  const key = `${type}@${version}`;
  let c = checkers.get(key);
  if (!c) {
    const schema = eventContracts[type].versions[version];
    if (!schema) return undefined;
    c = TypeCompiler.Compile(schema);
    checkers.set(key, c);
  }
  return c;
}

export type ValidationResult = { valid: true } | { valid: false; errors: FieldError[] };

/**
 * Checks event data against its contract (the current version unless `schemaVersion` says
 * otherwise), including calendar validity of dates and instants.
 */
export function validateEventData(type: string, data: unknown, schemaVersion?: number): ValidationResult {
  if (!isDomainEventType(type)) return { valid: false, errors: [{ field: 'type', message: `unknown event type ${type}` }] };
  const version = schemaVersion ?? eventContracts[type].schemaVersion;
  const c = checker(type, version);
  if (!c) return { valid: false, errors: [{ field: 'schemaVersion', message: `${type} has no version ${version}` }] };
  return c.Check(data) ? { valid: true } : { valid: false, errors: fieldErrors(c.Errors(data)) };
}

/** What a stored event looks like to the upcaster (`schemaVersion` from its metadata). */
export interface VersionedEvent {
  type: string;
  data: unknown;
  /** Absent means 1 (events written before versioning). */
  schemaVersion?: number;
}

/**
 * Brings an event's data to the current version of its contract by applying the upcasters in turn.
 * Throws a TypeError for an unknown type or a version newer than this code knows.
 */
export function upcastEvent(event: VersionedEvent): DomainEvent & { schemaVersion: number } {
  if (!isDomainEventType(event.type)) throw new TypeError(`upcastEvent: unknown event type ${event.type}`);
  const contract = eventContracts[event.type];
  let version = event.schemaVersion ?? 1;
  if (!Number.isInteger(version) || version < 1 || version > contract.schemaVersion) {
    throw new TypeError(`upcastEvent: ${event.type} v${version} is not known (current v${contract.schemaVersion})`);
  }
  let data = event.data as Record<string, unknown>;
  while (version < contract.schemaVersion) {
    const up = contract.upcasters?.[version];
    if (!up) throw new TypeError(`upcastEvent: no upcaster for ${event.type} v${version}`);
    data = up(data);
    version += 1;
  }
  return { type: event.type, data, schemaVersion: version } as DomainEvent & { schemaVersion: number };
}
