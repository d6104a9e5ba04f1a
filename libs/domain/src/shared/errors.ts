/**
 * Errors the deciders throw. Nothing else escapes `decide`: a refused command throws a
 * {@link DomainError} (HTTP 409, or 404 for the two `unknown-*` codes) and malformed input throws a
 * {@link CommandValidationError} (HTTP 400).
 */

/** The rules of domain.md §4–§5, each refused with exactly this code. */
export const SPEC_RULE_CODES = [
  'unqualified-subscriber',
  'no-billing-while-suspended',
  'unknown-invoice',
  'invoice-already-settled',
  'overpayment',
  'payment-not-missed',
  'arrangement-too-long',
  'suspension-needs-missed-payment',
  'reinstatement-needs-zero-balance',
  'termination-needs-approval',
  'notice-too-short',
  'subscriber-terminated',
  'time-goes-backwards',
  'remedy-steps-incomplete',
  'recommendation-required',
  'reasons-required',
  'approval-needs-executive',
  'retention-plan-needs-analysis',
  'retention-plan-one-sided',
  'case-closed',
  'case-already-open',
] as const;

/**
 * Codes for refusals the spec leaves implicit (state transitions that make no sense). Documented in
 * docs/operators.md and docs/architecture.md; all map to 409 except the `unknown-*` codes, which mean 404.
 */
export const ADDITIONAL_RULE_CODES = [
  'unknown-subscriber',
  'unknown-case',
  'subscriber-already-enrolled',
  'duplicate-invoice',
  'payment-already-missed',
  'already-suspended',
  'not-suspended',
  'cancellation-already-requested',
  'no-pending-cancellation',
  'notice-in-force',
  'termination-not-due',
  'not-terminated',
  'currency-mismatch',
  'termination-not-recommended',
  'termination-already-approved',
  'retention-plan-settled',
  'retention-plan-not-proposed',
  'outcome-not-reached',
] as const;

export type SpecRuleCode = (typeof SPEC_RULE_CODES)[number];
export type AdditionalRuleCode = (typeof ADDITIONAL_RULE_CODES)[number];
export type DomainErrorCode = SpecRuleCode | AdditionalRuleCode;

const NOT_FOUND: ReadonlySet<DomainErrorCode> = new Set<DomainErrorCode>(['unknown-subscriber', 'unknown-case']);

/** A command refused by a domain rule. Nothing was decided; nothing must be written. */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  /** HTTP status the API should answer with: 404 for unknown aggregates, 409 for every rule. */
  readonly status: 404 | 409;

  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.status = NOT_FOUND.has(code) ? 404 : 409;
  }
}

export interface FieldError {
  /** Dotted path of the offending field within the command data (`plan.monthlyFee`), '' for the whole. */
  field: string;
  message: string;
}

/** A command whose data does not match its contract (types, formats, integers, calendar dates): HTTP 400. */
export class CommandValidationError extends Error {
  override readonly name = 'CommandValidationError';
  readonly status = 400 as const;
  readonly code = 'invalid-command' as const;

  constructor(
    readonly commandType: string,
    readonly errors: readonly FieldError[],
  ) {
    super(`invalid ${commandType}: ${errors.map((e) => `${e.field || '(data)'} ${e.message}`).join('; ')}`);
  }
}

/** Throws a {@link DomainError}; typed `never` so it can end a branch. */
export function refuse(code: DomainErrorCode, message: string, details?: Record<string, unknown>): never {
  throw new DomainError(code, message, details);
}

/**
 * The one "already done" guard: a command a process manager or the scheduler issued
 * (`automatedBy`) whose work is already done, or no longer applies, decides nothing — that is
 * what makes a redelivered policy command idempotent — while the same command from a person is
 * refused with the rule's code. Use as `return doneOrRefuse(auto, code, message, details)`.
 */
export function doneOrRefuse(auto: boolean, code: DomainErrorCode, message: string, details?: Record<string, unknown>): [] {
  if (auto) return [];
  refuse(code, message, details);
}
