/**
 * Where the simulator sends its commands: the service over HTTP, the application in-process, or
 * the in-memory domain target of the tests. Refusals come back as thrown errors carrying the rule's
 * `code`; the simulator expects some of them (people make mistakes, clients change their minds).
 */
import { ADDITIONAL_RULE_CODES, SPEC_RULE_CODES, type DomainCommand } from '@libs/domain';

export interface SimActor {
  id: string;
  role: string;
  roles?: string[];
}

export interface SimCommandResult {
  id: string;
  version: number;
  position: string;
  /** Types of every event written, follow-ups of the service's policies included. */
  events: string[];
}

/** What the simulator needs to know of a subscriber to re-align its model with the service. */
export interface SubscriberSnapshot {
  status: 'active' | 'suspended' | 'notice' | 'terminated';
  plan: { code: string; monthlyFee: number; currency: string };
  invoices: Array<{ invoiceId: string; status: 'open' | 'paid' | 'missed' | 'written_off'; owed: number; dueDate: string; arrangedUntil: string | null }>;
  notice: { effectiveDate: string; initiatedBy: string } | null;
  suspension: { reason: string; writtenOff: boolean; since?: string } | null;
  pendingCancellation: unknown | null;
  openCases?: Array<{ caseId: string; kind: string }>;
}

export interface SimulationTarget {
  execute(
    command: DomainCommand,
    options: { actor: SimActor; idempotencyKey?: string },
  ): Promise<SimCommandResult>;
  /** One scheduler pass as of `now`. Its answer may carry `events: string[]` (counted in the summary). */
  tick(now: string): Promise<unknown>;
  /** Open cases of a subscriber (to find the retention case the service opened). */
  openCases(subscriberId: string): Promise<Array<{ caseId: string; kind: string }>>;
  /** The subscriber as the service sees it; when present the model re-reads after ticks and refusals. */
  getSubscriber?(subscriberId: string): Promise<SubscriberSnapshot>;
}

/** An error answered by a target (HTTP problem+json, or an application error), with its code. */
export class TargetError extends Error {
  override readonly name = 'TargetError';
  constructor(
    message: string,
    readonly code: string | undefined,
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

const RULE_CODES: ReadonlySet<string> = new Set<string>([...SPEC_RULE_CODES, ...ADDITIONAL_RULE_CODES]);

/** `refusal` (a domain rule said no: expected) or `failure` (a bug, a 5xx, the network). */
export type ErrorClass = { kind: 'refusal'; code: string } | { kind: 'failure'; code: string; message: string };

/** Sorts an error thrown by a target into a domain refusal or a failure. */
export function classifyError(error: unknown): ErrorClass {
  const e = error as { code?: unknown; status?: unknown; message?: unknown } | null;
  const code = e && typeof e.code === 'string' ? e.code : undefined;
  const status = e && typeof e.status === 'number' ? e.status : undefined;
  if (code !== undefined && RULE_CODES.has(code) && (status === undefined || status === 404 || status === 409)) {
    return { kind: 'refusal', code };
  }
  const message = e && typeof e.message === 'string' ? e.message : String(error);
  return { kind: 'failure', code: code ?? (status !== undefined ? `http-${status}` : 'error'), message };
}
