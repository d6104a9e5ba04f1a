/**
 * Display formatting, pure and locale-aware. Money travels as integer minor units from the API to
 * here and becomes a decimal only in the string a person reads (never a float in between).
 */
export type Locale = 'en' | 'es';

const INTL_LOCALE: Record<Locale, string> = { en: 'en-GB', es: 'es-ES' };

/** Digits after the decimal point for a currency (JPY 0, EUR 2, KWD 3…), from Intl itself. */
export function currencyDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

/**
 * Minor units as a decimal string without floating-point rounding: 30000 EUR → "300.00".
 * Exact for every safe integer.
 */
export function minorToDecimal(minor: number, currency: string): string {
  const digits = currencyDigits(currency);
  const negative = minor < 0;
  const text = String(Math.abs(Math.trunc(minor))).padStart(digits + 1, '0');
  const whole = digits === 0 ? text : text.slice(0, -digits);
  const fraction = digits === 0 ? '' : `.${text.slice(-digits)}`;
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** "300,00 €" / "€300.00": Intl formats the decimal string, so no precision is lost on the way. */
export function formatMoney(minor: number | null | undefined, currency: string, locale: Locale): string {
  if (minor === null || minor === undefined || !Number.isFinite(minor)) return '—';
  const decimal = minorToDecimal(minor, currency);
  try {
    // Intl accepts a numeric string and keeps all its digits (ES2023 "Intl.NumberFormat v3").
    return new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'currency', currency }).format(decimal as unknown as number);
  } catch {
    return currency ? `${decimal} ${currency}` : decimal;
  }
}

/** Several currencies in one total must not be summed: "300,00 € · 120,00 US$". */
export function formatMoneyByCurrency(byCurrency: Record<string, number>, locale: Locale): string {
  const entries = Object.entries(byCurrency);
  if (entries.length === 0) return '—';
  return entries.map(([currency, minor]) => formatMoney(minor, currency, locale)).join(' · ');
}

/** A ratio (0.125) as a percentage ("12.5 %"/"12,5 %"); null → "—". */
export function formatPercent(ratio: number | null | undefined, locale: Locale, digits = 1): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '—';
  return new Intl.NumberFormat(INTL_LOCALE[locale], { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(ratio);
}

export function formatNumber(value: number | null | undefined, locale: Locale): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(INTL_LOCALE[locale]).format(value);
}

/** An instant in the reader's locale, in UTC so every reader of one history sees the same clock. */
export function formatInstant(iso: string | null | undefined, locale: Locale): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(date) + ' UTC';
}

/** A calendar day (YYYY-MM-DD) in the reader's locale. */
export function formatDay(day: string | null | undefined, locale: Locale): string {
  if (!day) return '—';
  const date = new Date(`${day.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
}

/** "2026-11" → "Nov 2026" / "nov 2026". */
export function formatMonth(month: string, locale: Locale): string {
  const date = new Date(`${month}-01T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return month;
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(date);
}

/** The month (YYYY-MM, UTC) `offset` months from `month`. */
export function addMonths(month: string, offset: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const index = y * 12 + (m - 1) + offset;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The last complete month before `now` (UTC): the month the dashboard's headline numbers are for. */
export function lastCompleteMonth(now: Date): string {
  return addMonths(`${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`, -1);
}
