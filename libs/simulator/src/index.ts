/**
 * @libs/simulator — a deterministic model of a recurring-service company that drives the
 * client-lifecycle service with real commands (over HTTP or in-process). See docs/architecture.md, "The company simulator".
 */
export { Rng } from './prng.js';
export { DEFAULT_OPTIONS, resolveOptions, type SalesRep, type SimDunningPolicy, type SimPlan, type SimulationOptions } from './options.js';
export {
  classifyError,
  TargetError,
  type ErrorClass,
  type SimActor,
  type SimCommandResult,
  type SimulationTarget,
  type SubscriberSnapshot,
} from './target.js';
export { HttpTarget, routeOf, type HttpTargetOptions } from './http-target.js';
export { InProcessTarget, type LifecycleServiceLike } from './in-process-target.js';
export { InMemoryDomainTarget, type LoggedEvent, type RecordedCommand } from './domain-target.js';
export { EXECUTIVE, OPERATOR, runSimulation, type SimulationHooks, type SimulationProgress } from './simulation.js';
export { emptySummary, formatSummary, type SimulationSummary } from './summary.js';
