/**
 * CSV for `Accept: text/csv` (RFC 4180): nested objects become dotted columns (`churned.total`,
 * `aging.1-30`), arrays are joined with `;`, null is an empty cell. The header is the union of
 * the rows' keys in order of first appearance.
 */
export function toCsv(rows: readonly Record<string, unknown>[]): string {
  const flat = rows.map((r) => flatten(r));
  const header: string[] = [];
  const seen = new Set<string>();
  for (const r of flat) for (const k of Object.keys(r)) if (!seen.has(k)) (seen.add(k), header.push(k));
  const lines = [header.map(cell).join(',')];
  for (const r of flat) lines.push(header.map((k) => cell(r[k])).join(','));
  return lines.join('\r\n') + '\r\n';
}

function flatten(value: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [k, v] of Object.entries(value)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v as Record<string, unknown>, key, out);
    else out[key] = Array.isArray(v) ? v.join(';') : v;
  }
  return out;
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return '';
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The rows an analytics response is made of, for its CSV form. */
export function csvRows(body: Record<string, unknown>): Record<string, unknown>[] {
  if (Array.isArray(body.clients)) return body.clients as Record<string, unknown>[];
  if (Array.isArray(body.subscribers)) return body.subscribers as Record<string, unknown>[];
  if (Array.isArray(body.cases)) return body.cases as Record<string, unknown>[];
  const months = (body.months ?? []) as Array<Record<string, unknown>>;
  // sales-reps: one line per month and rep.
  if (months.some((m) => Array.isArray(m.reps))) return months.flatMap((m) => (m.reps as Record<string, unknown>[]).map((r) => ({ month: m.month, ...r })));
  const segment = body.segment;
  return months.map((m) => (segment === undefined ? m : { segment, ...m }));
}
