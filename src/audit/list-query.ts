/**
 * One page of a long list, filtered by words and sorted by a column, for the
 * dashboard's lists that are too long to send whole (the posture of 30,000
 * repositories is fifty megabytes of JSON; the concerns of a 5,000-package
 * graph five). The rules are the browser table's (ui/src/lib/table.ts), so
 * a list behaves the same whether the browser or the server pages it:
 *   - the filter keeps rows whose text holds every word of the query, in
 *     any column, any case;
 *   - the sort is by one column (`key`, or `-key` for descending), stable,
 *     numbers as numbers, text with numbers in it by their value (`v2` <
 *     `v10`), null last in both directions; an unknown column keeps the
 *     list's own order.
 * A list is prepared once (its search text built) and queried many times.
 */

export type ListValue = string | number | boolean | null;

export interface ListColumn<Row> {
  key: string;
  /** What the column filters by, and sorts by unless `sortValue` is given. */
  value: (row: Row) => ListValue;
  sortValue?: (row: Row) => ListValue;
}

export interface PreparedList<Row> {
  rows: readonly Row[];
  columns: readonly ListColumn<Row>[];
  /** Each row's text, lower case: the values of every column. */
  text: readonly string[];
}

export interface ListQuery<Row> {
  /** Words to find; empty keeps every row. */
  q?: string | undefined;
  /** `key` or `-key`. */
  sort?: string | undefined;
  offset: number;
  /** Rows in the page; Infinity for all of them (an export). */
  limit: number;
  /** Keeps only the rows it accepts (the list's own filters: an org, an outcome). */
  keep?: (row: Row) => boolean;
}

export interface ListPage<Row> {
  /** Rows that match the query and the filters. */
  total: number;
  offset: number;
  rows: Row[];
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

function compareValues(a: Exclude<ListValue, null>, b: Exclude<ListValue, null>): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return collator.compare(String(a), String(b));
}

export function prepareList<Row>(rows: readonly Row[], columns: readonly ListColumn<Row>[]): PreparedList<Row> {
  const text = rows.map((row) => {
    let joined = '';
    for (const column of columns) {
      const value = column.value(row);
      if (value !== null) joined += `${String(value).toLowerCase()}\u0000`;
    }
    return joined;
  });
  return { rows, columns, text };
}

/** The page of `list` the query asks for, and how many rows matched. */
export function queryList<Row>(list: PreparedList<Row>, query: ListQuery<Row>): ListPage<Row> {
  const terms = (query.q ?? '')
    .toLowerCase()
    .split(/\s+/)
    .filter((term) => term.length > 0);
  let positions: number[] = [];
  for (let index = 0; index < list.rows.length; index++) {
    if (query.keep !== undefined && !query.keep(list.rows[index]!)) continue;
    if (terms.length > 0 && !terms.every((term) => list.text[index]!.includes(term))) continue;
    positions.push(index);
  }
  const descending = query.sort?.startsWith('-') === true;
  const key = descending ? query.sort!.slice(1) : query.sort;
  const column = key ? list.columns.find((candidate) => candidate.key === key) : undefined;
  if (column !== undefined) {
    const read = column.sortValue ?? column.value;
    const keyed = positions.map((index) => ({ index, value: read(list.rows[index]!) }));
    keyed.sort((a, b) => {
      if (a.value === null || b.value === null) return a.value === b.value ? a.index - b.index : a.value === null ? 1 : -1;
      const order = compareValues(a.value, b.value);
      if (order !== 0) return descending ? -order : order;
      return a.index - b.index;
    });
    positions = keyed.map((entry) => entry.index);
  }
  const offset = Math.max(0, Math.min(Math.trunc(query.offset) || 0, positions.length));
  const end = query.limit === Infinity ? positions.length : offset + Math.max(0, Math.trunc(query.limit));
  return { total: positions.length, offset, rows: positions.slice(offset, end).map((index) => list.rows[index]!) };
}
