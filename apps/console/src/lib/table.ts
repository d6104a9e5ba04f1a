/** Sorting and filtering for tables, pure. */
export type SortOrder = 'asc' | 'desc';

/** Numbers before text, nulls last whatever the order (an unknown never tops a ranking). */
export function compareValues(a: string | number | null, b: string | number | null, order: SortOrder): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const base = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
  return order === 'asc' ? base : -base;
}

/** Case- and accent-insensitive match of a search text against any of the fields. */
export function matchesSearch(search: string, ...fields: Array<string | null | undefined>): boolean {
  const needle = normalise(search.trim());
  if (needle === '') return true;
  return fields.some((f) => f !== null && f !== undefined && normalise(f).includes(needle));
}

function normalise(text: string): string {
  return text.normalize('NFD').replace(/\p{Diacritic}/gu, '').toLowerCase();
}
