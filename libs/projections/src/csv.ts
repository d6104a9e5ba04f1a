import { stringify } from 'csv-stringify/sync';

/**
 * CSV for `Accept: text/csv` (RFC 4180, through csv-stringify rather than a hand-written writer):
 * nested objects become dotted columns (`churned.total`, `aging.1-30`), arrays are joined with `;`,
 * null is an empty cell. The header is the union of the rows' keys in order of first appearance;
 * money columns say their unit in the header (`mrrAtStart (minor units)`).
 *
 * Safe to open in a spreadsheet: a text cell that begins with `=`, `+`, `-`, `@`, tab or CR would be
 * read as a formula (a client named `=HYPERLINK(…)`), so it gets a leading `'` (OWASP's CSV
 * injection advice). Numbers are written as numbers and keep their sign.
 */
export function toCsv(rows: readonly Record<string, unknown>[]): string {
  const flat = rows.map((r) => flatten(r));
  const header: string[] = [];
  const seen = new Set<string>();
  for (const r of flat) for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), header.push(k));
  // Rows as arrays: csv-stringify would read a dotted column key as a path into nested objects.
  const records = [header.map(csvHeader), ...flat.map((r) => header.map((k) => r[k]))];
  return stringify(records, {
    record_delimiter: 'windows',
    // A lone CR or LF inside a cell still ends a line for some readers: quote those cells too.
    quoted_match: /[\r\n]/,
    cast: {
      string: neutraliseFormula,
      boolean: (v) => String(v),
      date: (v) => v.toISOString(),
    },
  });
}

/** Text that a spreadsheet would evaluate gets a leading `'`. */
export function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/**
 * Columns holding money (integer minor units of the answer's currency): amounts, MRR and fees and
 * their per-client averages, but not the rates, ratios and retentions derived from them.
 */
export function isMoneyColumn(column: string): boolean {
  // Default-rate aging buckets are what was still owed: money.
  if (column.startsWith('aging.')) return true;
  const leaf = column.slice(column.lastIndexOf('.') + 1);
  if (/(Rate|Ratio|Retention)$/.test(leaf)) return false;
  if (/^(amount|mrr|newMrr|billed|collected|costToServe|margin|arpu|balance|monthlyFee|netExpansion|expectedCollections)/.test(leaf)) return true;
  return /PerClient$/.test(leaf);
}

function csvHeader(column: string): string {
  return isMoneyColumn(column) ? `${column} (minor units)` : column;
}

function flatten(value: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date)) flatten(v as Record<string, unknown>, key, out);
    else out[key] = Array.isArray(v) ? v.join(';') : v;
  }
  return out;
}

/**
 * The rows an analytics response is made of, for its CSV form. The answer's `segment` and
 * `currency` (when it states one) are repeated on every row, so a row read alone says what its
 * money is in.
 */
export function csvRows(body: Record<string, unknown>): Record<string, unknown>[] {
  const context: Record<string, unknown> = {};
  if (typeof body.segment === 'string') context.segment = body.segment;
  if (typeof body.currency === 'string') context.currency = body.currency;
  if (typeof body.definitionsVersion === 'number') context.definitionsVersion = body.definitionsVersion;
  const withContext = (rows: Record<string, unknown>[]) => rows.map((r) => ({ ...context, ...r }));
  if (Array.isArray(body.clients)) return withContext(body.clients as Record<string, unknown>[]);
  if (Array.isArray(body.subscribers)) return body.subscribers as Record<string, unknown>[];
  if (Array.isArray(body.cases)) return body.cases as Record<string, unknown>[];
  if (Array.isArray(body.metrics)) return body.metrics as Record<string, unknown>[];
  // cohorts: one line per cohort and offset (the triangle in long form).
  if (Array.isArray(body.cohorts)) {
    return withContext(
      (body.cohorts as Array<Record<string, unknown>>).flatMap(({ months, ...cohort }) => (months as Record<string, unknown>[]).map((m) => ({ ...cohort, ...m }))),
    );
  }
  const months = (body.months ?? []) as Array<Record<string, unknown>>;
  // sales-reps: one line per month and rep.
  if (months.some((m) => Array.isArray(m.reps))) return withContext(months.flatMap((m) => (m.reps as Record<string, unknown>[]).map((r) => ({ month: m.month, ...r }))));
  return withContext(months);
}
