/**
 * Injection tokens of the infrastructure the whole service shares, provided by the global
 * InfrastructureModule: the event-store port, the SQL database of read models, checkpoints and
 * idempotency keys, the application (write path) and the projections engine.
 */
export const EVENT_STORE = Symbol('EVENT_STORE');
export const SQL_DATABASE = Symbol('SQL_DATABASE');
export const LIFECYCLE_SERVICE = Symbol('LIFECYCLE_SERVICE');
export const PROJECTIONS = Symbol('PROJECTIONS');
export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');
/** The push-delivery host (relay engine, webhook subscriptions): `RelayHost` of @libs/relay. */
export const RELAY = Symbol('RELAY');
/** The audit evidence: signed checkpoints and their key (a CheckpointLedger). */
export const AUDIT_LEDGER = Symbol('AUDIT_LEDGER');
/** The access log of audit reads (an AccessLog of @libs/audit). */
export const ACCESS_LOG = Symbol('ACCESS_LOG');
