/** UTC calendar-month arithmetic on `YYYY-MM` strings (domain.md §3: analytics bucket by month of `occurredAt`). */

export const DAY_MS = 86_400_000;

/** The UTC month of an ISO instant that is already normalised to `…Z` (what the store returns). */
export function monthOf(instant: string): string {
  return instant.length >= 7 && instant.endsWith('Z') ? instant.slice(0, 7) : new Date(Date.parse(instant)).toISOString().slice(0, 7);
}

/** `month` moved by `n` months (n may be negative). */
export function addMonths(month: string, n: number): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7)) - 1 + n;
  const year = y + Math.floor(m / 12);
  const mm = ((m % 12) + 12) % 12;
  return `${String(year).padStart(4, '0')}-${String(mm + 1).padStart(2, '0')}`;
}

/** Epoch ms of the month's first instant (00:00Z of its first day). */
export function monthStartMs(month: string): number {
  return Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)) - 1, 1);
}

/** Every month from `from` to `to`, both included (empty when from > to). */
export function monthRange(from: string, to: string): string[] {
  const out: string[] = [];
  for (let m = from; m <= to; m = addMonths(m, 1)) out.push(m);
  return out;
}

/** Whole months between two months (`to` − `from`). */
export function monthsBetween(from: string, to: string): number {
  return (Number(to.slice(0, 4)) - Number(from.slice(0, 4))) * 12 + Number(to.slice(5, 7)) - Number(from.slice(5, 7));
}
