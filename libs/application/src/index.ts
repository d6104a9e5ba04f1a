/**
 * @libs/application — the service's write and read path without HTTP: commands through the one
 * write path (read → fold → decide → append with the expected version), durable idempotency keys,
 * the policies' follow-ups, the scheduler pass, and the checkpointed subscription that guarantees
 * the policies act even after a crash. The Nest service, the simulator and tests use it.
 */
export * from './types.js';
export * from './errors.js';
export { LifecycleApplication, SYSTEM } from './lifecycle-application.js';
export { PolicyRunner, POLICY_SUBSCRIPTION, type PolicyRunnerLogger } from './policy-runner.js';
export { ClockScheduler, type SchedulerLogger } from './scheduler-clock.js';
export { DEFAULT_IDEMPOTENCY_TTL_HOURS, isReplayedResult, pruneIdempotencyKeys } from './idempotency.js';
export { APPLICATION_MIGRATIONS_TABLE, applicationMigrations } from './schema.js';
