import { useMemo, useState, type ReactNode } from 'react';
import { compareValues, type SortOrder } from '../lib/table.js';

export interface Column<Row> {
  key: string;
  label: string;
  render: (row: Row) => ReactNode;
  /** A column with a sort value has a sort button in its header. */
  sortValue?: (row: Row) => string | number | null;
  numeric?: boolean;
}

/**
 * A plain, copyable HTML table (the charts' text alternative, and every list). Sorting is local to
 * the rows given; `onSort` lets a server-sorted list take over instead.
 */
export function DataTable<Row>({
  caption,
  columns,
  rows,
  rowKey,
  id,
  sort: controlledSort,
  onSort,
  empty,
}: {
  caption: string;
  columns: Column<Row>[];
  rows: readonly Row[];
  rowKey: (row: Row) => string;
  id?: string;
  sort?: { key: string; order: SortOrder } | null;
  onSort?: (sort: { key: string; order: SortOrder }) => void;
  empty?: string;
}) {
  const [localSort, setLocalSort] = useState<{ key: string; order: SortOrder } | null>(null);
  const sort = controlledSort !== undefined ? controlledSort : localSort;
  const sorted = useMemo(() => {
    if (!sort || onSort) return rows;
    const column = columns.find((c) => c.key === sort.key);
    if (!column?.sortValue) return rows;
    const value = column.sortValue;
    return [...rows].sort((a, b) => compareValues(value(a), value(b), sort.order));
  }, [rows, sort, columns, onSort]);
  const toggle = (key: string) => {
    const next = { key, order: sort?.key === key && sort.order === 'asc' ? ('desc' as const) : ('asc' as const) };
    if (onSort) onSort(next);
    else setLocalSort(next);
  };
  return (
    <div className="table-wrap">
      <table id={id}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th
                key={c.key}
                scope="col"
                className={c.numeric ? 'num' : undefined}
                aria-sort={sort?.key === c.key ? (sort.order === 'asc' ? 'ascending' : 'descending') : undefined}
              >
                {c.sortValue ? (
                  <button type="button" className="sort" onClick={() => toggle(c.key)}>
                    {c.label}
                    <span aria-hidden="true">{sort?.key === c.key ? (sort.order === 'asc' ? ' ▲' : ' ▼') : ' ↕'}</span>
                  </button>
                ) : (
                  c.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.length === 0 ? (
            <tr>
              <td colSpan={columns.length}>{empty ?? '—'}</td>
            </tr>
          ) : (
            sorted.map((row) => (
              <tr key={rowKey(row)}>
                {columns.map((c) => (
                  <td key={c.key} className={c.numeric ? 'num' : undefined}>
                    {c.render(row)}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}
