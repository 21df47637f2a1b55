import type { CellValue } from './csv.js';

/**
 * The data table's logic, apart from its rendering: filter by text, sort by
 * one column, cut into pages. Pure, so the browser table and the tests run
 * the same code.
 */
export interface ColumnValue<Row> {
  key: string;
  label: string;
  /** What the column filters and exports by, and sorts by unless `sortValue` is given. null sorts last in both directions. */
  value: (row: Row) => CellValue;
  /** What the column sorts by when it is not the value (a severity's rank, not its name). */
  sortValue?: (row: Row) => CellValue;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** Compares two cell values: numbers as numbers, text with numbers in it by their value (`v2` < `v10`); null is not compared here. */
export function compareCells(a: Exclude<CellValue, null>, b: Exclude<CellValue, null>): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return collator.compare(String(a), String(b));
}

/**
 * Rows sorted by one column; stable (equal rows keep their order), nulls last
 * whichever the direction. An unknown column leaves the order as it was.
 */
export function sortRows<Row>(rows: readonly Row[], columns: readonly ColumnValue<Row>[], sort: { key: string; descending: boolean } | null): Row[] {
  const column = sort === null ? undefined : columns.find((candidate) => candidate.key === sort.key);
  if (column === undefined || sort === null) return [...rows];
  const read = column.sortValue ?? column.value;
  const keyed = rows.map((row, index) => ({ row, index, value: read(row) }));
  keyed.sort((a, b) => {
    if (a.value === null || b.value === null) return a.value === b.value ? a.index - b.index : a.value === null ? 1 : -1;
    const order = compareCells(a.value, b.value);
    if (order !== 0) return sort.descending ? -order : order;
    return a.index - b.index;
  });
  return keyed.map((entry) => entry.row);
}

/** The text each row is searched in: every column's value, lower case. Built once per list, not per keystroke. */
export function searchIndex<Row>(rows: readonly Row[], columns: readonly ColumnValue<Row>[]): string[] {
  return rows.map((row) => {
    let text = '';
    for (const column of columns) {
      const value = column.value(row);
      if (value !== null) text += `${String(value).toLowerCase()}\u0000`;
    }
    return text;
  });
}

/** The rows whose text holds every word of the query (in any column, any case); all rows for an empty query. */
export function filterRows<Row>(rows: readonly Row[], index: readonly string[], query: string): Row[] {
  const terms = query
    .toLowerCase()
    .split(/\s+/)
    .filter((term) => term.length > 0);
  if (terms.length === 0) return [...rows];
  return rows.filter((_, position) => terms.every((term) => index[position]!.includes(term)));
}

export interface Page<Row> {
  rows: Row[];
  /** 1-based, clamped to the pages there are. */
  page: number;
  pages: number;
  /** 0-based index of the first row shown in the whole list. */
  start: number;
}

export function pageOf<Row>(rows: readonly Row[], page: number, size: number): Page<Row> {
  const pages = Math.max(1, Math.ceil(rows.length / size));
  const current = Math.min(Math.max(1, Math.trunc(page) || 1), pages);
  const start = (current - 1) * size;
  return { rows: rows.slice(start, start + size), page: current, pages, start };
}

/** The filtered rows as exported: one object per row, keyed by column key, in column order. */
export function exportObjects<Row>(rows: readonly Row[], columns: readonly ColumnValue<Row>[]): Record<string, CellValue>[] {
  return rows.map((row) => Object.fromEntries(columns.map((column) => [column.key, column.value(row)])));
}
