/**
 * @libs/projections — the read models of domain.md §6: projections folding the event log into
 * `rm_*` tables (docs/analysts.md), the engine that runs, monitors and rebuilds them, and the
 * query functions answering the analytics and list routes of api.md.
 */
export * from './projection.js';
export * from './engine.js';
export { LAG_COUNT_CAP, type EngineLogger, type ProjectionEngineOptions, type ProjectionState, type ProjectionStatus, type RebuildProgress } from './engine-types.js';
export * from './leadership.js';
export * from './reports.js';
export * from './csv.js';
export * from './definitions.js';
export * from './currency.js';
export * from './read-models/index.js';
export { projectionAsOf, SEGMENTS, type MonthRange, type SegmentFilter } from './query-kit.js';
export * from './paging.js';
export * from './months.js';
export { READ_MODEL_MIGRATIONS_TABLE, readModelMigrations } from './schema.js';
export {
  PROJECTIONS,
  PROJECTION_NAMES,
  projectionByName,
  casesProjection,
  churnProjection,
  cohortsProjection,
  defaultRateProjection,
  revenuePerClientProjection,
  salesPerRepProjection,
  clientProfitabilityProjection,
  subscribersProjection,
  workQueuesProjection,
} from './projections/index.js';
