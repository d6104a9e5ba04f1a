import type { CaseKind } from '@libs/domain';
import type { CommandResult } from './types.js';

/**
 * The application's own state beside the log, as ports: each has a SQL adapter (`sql-ports.ts`,
 * the service's tables on PostgreSQL/PGlite) and an in-memory one (`memory-ports.ts`, for the
 * fast unit tests and the simulator's in-process target). The command handler, the policies and
 * the scheduler pass only ever see these interfaces.
 */

/** Durable `Idempotency-Key`s: one answer per (actor, key). */
export interface IdempotencyStore {
  /**
   * Reserves the key for a request with this fingerprint. Resolves `null` when the caller should
   * execute (the key is now reserved for it), the stored answer when a request with this key
   * completed; throws `IdempotencyKeyReusedError` for another request under the key and
   * `IdempotencyKeyInUseError` while the first one is still running.
   */
  reserve(actor: string, key: string, fingerprint: string): Promise<CommandResult | null>;
  /** Stores the answer of the reserved request. */
  complete(actor: string, key: string, result: CommandResult): Promise<void>;
  /** Drops a reservation whose request was refused (it wrote nothing): a corrected retry may use the key. */
  release(actor: string, key: string): Promise<void>;
  /** Deletes keys older than `ttlHours`; returns how many. */
  prune(ttlHours: number): Promise<number>;
}

export interface OpenCase {
  caseId: string;
  kind: CaseKind;
}

/** Cases per subscriber: `case-already-open` and a subscriber's `openCases`. */
export interface CaseIndex {
  /**
   * Claims the open slot (subscriber, kind) for a case about to be opened: true when claimed now,
   * false when this very case is already indexed (a replay); throws `DomainError('case-already-open')`
   * when another open case of the kind holds it.
   */
  claim(opening: { caseId: string; subscriberId: string; kind: CaseKind; openedAt: string }): Promise<boolean>;
  /** Undoes a claim whose append failed. */
  unclaim(caseId: string): Promise<void>;
  /** Keeps the index in step with a case event (idempotent: replays change nothing). */
  apply(event: { type: string; data: unknown }): Promise<void>;
  /** Open cases of a subscriber, now or at an instant, in opening order. */
  openCases(subscriberId: string, at?: string): Promise<OpenCase[]>;
}

/** When each subscriber next needs a scheduler pass, so a pass reads only the due ones. */
export interface ScheduleIndex {
  set(subscriberId: string, attentionAt: string | null): Promise<void>;
  /** Up to `limit` subscribers due at `instant` whose id is after `after`, in id order. */
  due(instant: string, after: string, limit: number): Promise<string[]>;
}

export interface ApplicationPorts {
  idempotency: IdempotencyStore;
  cases: CaseIndex;
  schedule: ScheduleIndex;
  /** Creates what the adapters need (tables); idempotent. */
  init(): Promise<void>;
}
