import type { CaseView, DomainCommand, DunningPolicy, SubscriberView } from '@libs/domain';

/** A domain command whose business time `at` may still be missing (then: the clock's now). */
export type CommandInput = DomainCommand extends infer C
  ? C extends { type: infer T; data: infer D }
    ? { type: T; data: Omit<D, 'at'> & { at?: string }; automatedBy?: string }
    : never
  : never;

/** Who issues a command: recorded in every event's metadata. */
export interface Actor {
  /** Key id (never the key itself); `system` for policies and the scheduler. */
  id: string;
  /** The role the caller acted in (e.g. `operator`, `executive`, `admin`). */
  role: string;
  /** All roles of the caller (the case decider checks `executive`/`admin` for approvals). */
  roles?: readonly string[];
}

export interface ExecuteOptions {
  actor: Actor;
  /** Request id; becomes every written event's `correlationId`. Generated when absent. */
  correlationId?: string;
  /** `If-Match`: the stream version the caller saw. Absent = apply to the latest version, retrying conflicts. */
  expectedVersion?: number;
  /**
   * `Idempotency-Key`: a repeat with the same key and an equal command returns the first answer and
   * writes nothing; the same key with another command throws `IdempotencyKeyReusedError` (HTTP 422).
   */
  idempotencyKey?: string;
}

/** What a command answers (api.md): `{id, version, position, events}`. */
export interface CommandResult {
  /** The aggregate's id (subscriberId or caseId). */
  id: string;
  /** The aggregate stream's version after the command. */
  version: number;
  /** Global position (decimal string) of the last event written, follow-ups included. */
  position: string;
  /** Types of every event written, in order, follow-ups of policies included. */
  events: string[];
}

export interface AsOfOptions {
  /** ISO instant: fold only events with occurredAt ≤ asOf. */
  asOf?: string;
  /** Fold only events with version ≤ version. */
  version?: number;
}

export type SubscriberDetails = SubscriberView & { version: number; openCases: Array<{ caseId: string; kind: string }> };
export type CaseDetails = CaseView & { version: number };

export interface TickResult {
  now: string;
  subscribersExamined: number;
  commands: number;
  events: string[];
}

export interface ApplicationOptions {
  policy: DunningPolicy;
  /** The clock for commands without `at` (injected so tests control it). */
  clock?: () => Date;
  /** Write-conflict retries when no If-Match is given. Default 10. */
  maxRetries?: number;
  /** Folded states kept in memory (LRU). Default 10,000. */
  stateCacheSize?: number;
  /** Idempotency-Keys older than this are pruned by the scheduler pass. Default 48. */
  idempotencyTtlHours?: number;
  /** Hooks for metrics. */
  observer?: ApplicationObserver;
}

/** Optional hooks the service uses for Prometheus metrics. */
export interface ApplicationObserver {
  /** After a successful append of `count` events of `commandType`. */
  appended?(commandType: string, count: number): void;
  /** After an optimistic-concurrency conflict (retried or not). */
  conflict?(commandType: string, retried: boolean): void;
  /** A repeated Idempotency-Key answered with the first answer, writing nothing. */
  idempotentReplay?(commandType: string): void;
  /** After each scheduler pass (`tick`), whether it completed, how long it took and what it wrote. */
  schedulerPass?(outcome: { ok: boolean; seconds: number; events: number }): void;
}

/**
 * The write and read path of the service, without HTTP: the Nest command/query handlers, the
 * simulator's in-process target and tests all go through it.
 */
export interface LifecycleService {
  /**
   * Runs a command through the one write path. Leave `data.at` undefined when the client gave
   * none: the application fills it from its clock (after fingerprinting the request for
   * idempotency, so a retried request without `at` is recognised).
   */
  execute(command: CommandInput, options: ExecuteOptions): Promise<CommandResult>;
  getSubscriber(subscriberId: string, options?: AsOfOptions): Promise<SubscriberDetails>;
  getCase(caseId: string, options?: AsOfOptions): Promise<CaseDetails>;
  /** One scheduler pass as of `now` (idempotent per instant). */
  tick(now: string, actor?: Actor): Promise<TickResult>;
}
