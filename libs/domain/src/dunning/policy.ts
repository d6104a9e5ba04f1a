/**
 * The dunning policy of domain.md §4. Configured once for the service (environment variables
 * `DUNNING_GRACE_DAYS`, `DUNNING_SUSPEND_AFTER_DAYS`, `DUNNING_WRITE_OFF_ON_SUSPENSION`) and handed to
 * the deciders and the scheduler in their context.
 */
export interface DunningPolicy {
  /**
   * An invoice is recorded missed when it is unpaid and MORE than `graceDays` whole days past due
   * (`daysPastDue > graceDays`, days past due = floor((t − dueDate 00:00Z) / 1 day)). With 0, an
   * invoice due 2026-01-10 is missed from 2026-01-11T00:00Z, never on its due date.
   */
  readonly graceDays: number;
  /**
   * A missed invoice still unpaid when it is at least this many days past due
   * (`daysPastDue >= suspendAfterDays`), not covered by an arrangement in force, suspends the
   * service for non-payment. With 15, an invoice due 2026-01-10 suspends from 2026-01-25T00:00Z.
   */
  readonly suspendAfterDays: number;
  /** At a non-payment suspension, write the missed invoices off (`DebtWrittenOff`). */
  readonly writeOffOnSuspension: boolean;
}

export const defaultDunningPolicy: DunningPolicy = Object.freeze({
  graceDays: 0,
  suspendAfterDays: 15,
  writeOffOnSuspension: true,
});

/**
 * A policy from partial settings (e.g. parsed environment), defaults for the rest. Throws a
 * TypeError for negative or non-integer day counts.
 */
export function makeDunningPolicy(settings: Partial<DunningPolicy> = {}): DunningPolicy {
  const policy = { ...defaultDunningPolicy, ...settings };
  for (const key of ['graceDays', 'suspendAfterDays'] as const) {
    const v = policy[key];
    if (!Number.isSafeInteger(v) || v < 0) throw new TypeError(`dunning policy: ${key} must be a non-negative integer`);
  }
  if (typeof policy.writeOffOnSuspension !== 'boolean') {
    throw new TypeError('dunning policy: writeOffOnSuspension must be a boolean');
  }
  return Object.freeze(policy);
}

/**
 * Reads the policy from environment-style strings (`DUNNING_GRACE_DAYS` and friends); absent
 * values take the defaults. Throws a TypeError on malformed values.
 */
export function dunningPolicyFromEnv(env: Readonly<Record<string, string | undefined>>): DunningPolicy {
  const int = (name: string): number | undefined => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    if (!/^\d+$/.test(raw.trim())) throw new TypeError(`${name} must be a non-negative integer, got "${raw}"`);
    return Number(raw.trim());
  };
  const bool = (name: string): boolean | undefined => {
    const raw = env[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    const v = raw.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(v)) return true;
    if (['false', '0', 'no'].includes(v)) return false;
    throw new TypeError(`${name} must be true or false, got "${raw}"`);
  };
  const settings: Partial<{ -readonly [K in keyof DunningPolicy]: DunningPolicy[K] }> = {};
  const grace = int('DUNNING_GRACE_DAYS');
  const suspend = int('DUNNING_SUSPEND_AFTER_DAYS');
  const writeOff = bool('DUNNING_WRITE_OFF_ON_SUSPENSION');
  if (grace !== undefined) settings.graceDays = grace;
  if (suspend !== undefined) settings.suspendAfterDays = suspend;
  if (writeOff !== undefined) settings.writeOffOnSuspension = writeOff;
  return makeDunningPolicy(settings);
}
