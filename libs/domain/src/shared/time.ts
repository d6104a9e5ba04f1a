/**
 * Business time. Instants are ISO-8601 strings with a zone; the deciders normalise them to UTC
 * (`Date.prototype.toISOString`, millisecond precision). Calendar dates (`dueDate`, `payBy`,
 * `effectiveDate`) are `YYYY-MM-DD` and mean that day in UTC, starting at 00:00Z.
 */

export const DAY_MS = 86_400_000;

/** ISO-8601 instant with a zone designator, e.g. 2026-01-31T10:00:00Z or 2026-01-31T10:00:00.000+02:00. */
export const INSTANT_PATTERN =
  '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,9})?)?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)$';
/** Calendar date. */
export const DATE_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])$';
/** Calendar month (billing period). */
export const PERIOD_PATTERN = '^\\d{4}-(0[1-9]|1[0-2])$';

const INSTANT_RE = new RegExp(INSTANT_PATTERN);
const DATE_RE = new RegExp(DATE_PATTERN);

/** A real instant: its date part exists (Date.parse would roll 2026-02-30 over into March). */
export function isInstant(s: string): boolean {
  return INSTANT_RE.test(s) && !Number.isNaN(Date.parse(s)) && isCalendarDate(s.slice(0, 10));
}

/** A real calendar date (rejects 2026-02-30). */
export function isCalendarDate(s: string): boolean {
  if (!DATE_RE.test(s)) return false;
  const ms = Date.parse(`${s}T00:00:00.000Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === s;
}

export function instantMs(instant: string): number {
  return Date.parse(instant);
}

/** Normalise an instant to UTC `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export function normalizeInstant(instant: string): string {
  return new Date(Date.parse(instant)).toISOString();
}

/** 00:00Z of a calendar date, in ms. */
export function dateStartMs(date: string): number {
  return Date.parse(`${date}T00:00:00.000Z`);
}

/** The UTC calendar date of an instant. */
export function utcDate(instant: string): string {
  return new Date(Date.parse(instant)).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return new Date(dateStartMs(date) + days * DAY_MS).toISOString().slice(0, 10);
}

/**
 * Whole days an invoice is past due at instant `at` (domain.md §6):
 * `floor((at − dueDate 00:00Z) / 1 day)`. 0 on the due date itself, 1 from 00:00Z the day after,
 * negative before the due date.
 */
export function daysPastDue(at: string, dueDate: string): number {
  return Math.floor((instantMs(at) - dateStartMs(dueDate)) / DAY_MS);
}

export function isBefore(a: string, b: string): boolean {
  return instantMs(a) < instantMs(b);
}
