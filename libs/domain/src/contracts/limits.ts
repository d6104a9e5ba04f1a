/**
 * Every bound of the contracts, once (issue 13 §3). The TypeBox schemas of the commands and
 * events (contracts/kit.ts) and the HTTP layer's validators and OpenAPI fragments are built from
 * these numbers and lists; a unit test in the service checks that no DTO drifts from them.
 *
 * Where the HTTP layer and the domain used to disagree, the bound the service has always enforced
 * at its only public entrance won: every stored event already satisfies it, and the domain now
 * refuses the same input whoever sends it (HTTP, scheduler, policies, simulator).
 * - text: 2,000 characters (the domain said 10,000, but nothing longer ever got through HTTP);
 * - money: below 10^12 minor units (the domain said 2^53 − 1; a per-item amount at 10^12 is an
 *   input error, and a sum of many stays exact as an integer well below 2^53, see `moneyTotal`);
 * - currency: the ISO-4217 code list (domain.md §2 says "an ISO-4217 currency"; a pattern accepts
 *   `XYZ`, which is not one).
 */
import { PERIOD_PATTERN } from '../shared/time.js';

/** Aggregate ids become stream names (`subscriber-<id>`), so they follow the store's stream-name alphabet. */
const AGGREGATE_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,119}$';
/** Not blank, one line (names, codes, ids). */
export const LINE_PATTERN = '^[^\\r\\n]*\\S[^\\r\\n]*$';
/** One line, may be empty. */
export const ANY_LINE_PATTERN = '^[^\\r\\n]*$';
/** Not blank. */
export const NOT_BLANK_PATTERN = '\\S';

export const CONTRACT_LIMITS = {
  /** Subscriber and case ids (path parameters, stream names). */
  aggregateId: { maxLength: 120, pattern: AGGREGATE_ID_PATTERN },
  /** Identifiers inside an aggregate (invoice, sales rep, plan code) and other one-line text (names, categories). */
  line: { maxLength: 200 },
  /** Free text (reasons, descriptions, notes). */
  text: { maxLength: 2_000 },
  /** An ISO-8601 instant with its zone never needs more. */
  instant: { maxLength: 40 },
  /** One amount in minor units: 0 ≤ amount < 10^12. */
  money: { maximum: 999_999_999_999 },
  /** A sum of amounts (balances, totals) written by the domain itself, exact as an integer. */
  moneyTotal: { maximum: Number.MAX_SAFE_INTEGER },
  /** A contract's notice period, in days (ten years). */
  noticeDays: { maximum: 3_650 },
  /** Time spent on one cost-to-serve entry, in minutes. */
  minutes: { maximum: 100_000 },
  /** Items of a list in one command (invoice ids, reasons, causes, actions). */
  list: { maxItems: 50 },
  /** Billing period / analytics month. */
  month: { pattern: PERIOD_PATTERN },
} as const;

/** ISO-4217 active currency codes. */
export const CURRENCIES = [
  'AED', 'AFN', 'ALL', 'AMD', 'ANG', 'AOA', 'ARS', 'AUD', 'AWG', 'AZN', 'BAM', 'BBD', 'BDT', 'BGN', 'BHD', 'BIF', 'BMD', 'BND', 'BOB',
  'BRL', 'BSD', 'BTN', 'BWP', 'BYN', 'BZD', 'CAD', 'CDF', 'CHF', 'CLP', 'CNY', 'COP', 'CRC', 'CUP', 'CVE', 'CZK', 'DJF', 'DKK', 'DOP',
  'DZD', 'EGP', 'ERN', 'ETB', 'EUR', 'FJD', 'FKP', 'GBP', 'GEL', 'GHS', 'GIP', 'GMD', 'GNF', 'GTQ', 'GYD', 'HKD', 'HNL', 'HTG', 'HUF',
  'IDR', 'ILS', 'INR', 'IQD', 'IRR', 'ISK', 'JMD', 'JOD', 'JPY', 'KES', 'KGS', 'KHR', 'KMF', 'KPW', 'KRW', 'KWD', 'KYD', 'KZT', 'LAK',
  'LBP', 'LKR', 'LRD', 'LSL', 'LYD', 'MAD', 'MDL', 'MGA', 'MKD', 'MMK', 'MNT', 'MOP', 'MRU', 'MUR', 'MVR', 'MWK', 'MXN', 'MYR', 'MZN',
  'NAD', 'NGN', 'NIO', 'NOK', 'NPR', 'NZD', 'OMR', 'PAB', 'PEN', 'PGK', 'PHP', 'PKR', 'PLN', 'PYG', 'QAR', 'RON', 'RSD', 'RUB', 'RWF',
  'SAR', 'SBD', 'SCR', 'SDG', 'SEK', 'SGD', 'SHP', 'SLE', 'SOS', 'SRD', 'SSP', 'STN', 'SVC', 'SYP', 'SZL', 'THB', 'TJS', 'TMT', 'TND',
  'TOP', 'TRY', 'TTD', 'TWD', 'TZS', 'UAH', 'UGX', 'USD', 'UYU', 'UZS', 'VES', 'VND', 'VUV', 'WST', 'XAF', 'XCD', 'XOF', 'XPF', 'YER',
  'ZAR', 'ZMW', 'ZWL',
] as const;
