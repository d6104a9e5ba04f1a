/**
 * @libs/application — the service's write and read path without HTTP: one generic command
 * handler over an aggregate registry (lock → cached state → decide → append with the expected
 * version → bounded retry), ports for the idempotency keys, the case index and the schedule
 * index (SQL and in-memory adapters), the policies' follow-ups and their checkpointed
 * subscription, the scheduler pass, and a small facade. The Nest service, the simulator and tests use it.
 */
export * from './types.js';
export * from './errors.js';
export { LifecycleApplication, SYSTEM } from './lifecycle-application.js';
export { CommandHandler, type Decision, type RunContext, type Written } from './command-handler.js';
export { aggregateOf, aggregates, caseAggregate, subscriberAggregate, type AggregateEnv, type AggregateType } from './aggregates.js';
export { PolicyReactor } from './policy-reactor.js';
export type { ApplicationPorts, CaseIndex, IdempotencyStore, OpenCase, ScheduleIndex } from './ports.js';
export { SqlCaseIndex, SqlIdempotencyStore, SqlScheduleIndex, sqlPorts } from './sql-ports.js';
export { MemoryCaseIndex, MemoryIdempotencyStore, MemoryScheduleIndex, memoryPorts } from './memory-ports.js';
export { PolicyRunner, POLICY_SUBSCRIPTION, type PolicyRunnerLogger } from './policy-runner.js';
export { ClockScheduler, type SchedulerLogger } from './scheduler-clock.js';
export { DEFAULT_IDEMPOTENCY_TTL_HOURS, isReplayedResult } from './idempotency.js';
export { APPLICATION_MIGRATIONS_TABLE, applicationMigrations } from './schema.js';
