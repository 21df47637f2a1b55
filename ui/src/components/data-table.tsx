import type { ComponentChildren } from 'preact';
import { useMemo } from 'preact/hooks';
import { toCsv, type CellValue } from '../lib/csv.js';
import { downloadText } from '../lib/download.js';
import { exportObjects, filterRows, pageOf, searchIndex, sortRows, type ColumnValue, type Page } from '../lib/table.js';
import { navigate } from '../navigation.js';
import { formatSort, parseSort, tableParam, withParams, type Route } from '../router.js';

export interface Column<Row> extends ColumnValue<Row> {
  /** What the cell shows; the value as text when absent. */
  render?: (row: Row) => ComponentChildren;
  /** Right-aligned, and sorted biggest first on the first click. */
  numeric?: boolean;
  sortable?: boolean;
  /** A row header (`<th scope="row">`): the column that names the row. */
  rowHeader?: boolean;
}

export interface DataTableProps<Row> {
  route: Route;
  /** Names this table's URL parameters when a view has several tables (`added` → `added-q`). */
  id?: string;
  caption: string;
  columns: readonly Column<Row>[];
  rows: readonly Row[];
  /** Why there are no rows, when there are none. */
  empty: ComponentChildren;
  /** File name of the exports, without extension. */
  exportName: string;
  pageSize?: number;
  testid?: string;
  /** A class for a row (e.g. an archived repository). */
  rowClass?: (row: Row) => string | undefined;
  /**
   * The server filters, sorts and pages this list (its query is the URL's
   * `q`, `sort` and `page`, which the view sends): `rows` is the page it
   * answered, `total` the rows that match, `unfiltered` the rows there are,
   * and `exportAll` fetches every matching row for an export.
   */
  server?: { total: number; unfiltered: number; exportAll: () => Promise<readonly Row[]> };
  /** The rows shown answer an earlier query while the current one loads (aria-busy). */
  busy?: boolean;
}

/** The page the URL asks for, as a row offset: what a view sends to a list the server pages. */
export function pageOffset(route: Route, id: string | undefined, pageSize: number): number {
  return (Math.max(1, Math.trunc(Number(route.params[tableParam(id, 'page')] ?? '1')) || 1) - 1) * pageSize;
}

/**
 * Every list of the dashboard: filter by text, sort by any column (a button
 * in each header, so the keyboard sorts too; aria-sort says the order),
 * pages of 100 rows, and export of the filtered rows (all pages) as CSV or
 * JSON. The filter, sort and page are in the URL.
 */
export function DataTable<Row>(props: DataTableProps<Row>) {
  const { route, id, columns, rows } = props;
  const qName = tableParam(id, 'q');
  const sortName = tableParam(id, 'sort');
  const pageName = tableParam(id, 'page');
  const query = route.params[qName] ?? '';
  const sort = parseSort(route.params[sortName]);
  const pageSize = props.pageSize ?? 100;

  const { server } = props;
  const index = useMemo(() => (server ? [] : searchIndex(rows, columns)), [rows, columns, server === undefined]);
  const filtered = useMemo(() => (server ? rows : filterRows(rows, index, query)), [rows, index, query, server === undefined]);
  const sorted = useMemo(() => (server ? [...rows] : sortRows(filtered, columns, sort)), [filtered, columns, sort?.key, sort?.descending, server === undefined]);
  const page = server ? serverPage(rows, Number(route.params[pageName] ?? '1'), pageSize, server.total) : pageOf(sorted, Number(route.params[pageName] ?? '1'), pageSize);
  const matching = server ? server.total : filtered.length;
  const all = server ? server.unfiltered : rows.length;

  const setParams = (changes: Record<string, string | null>, replace = false) => navigate(withParams(route, changes), { replace });
  const toggleSort = (column: Column<Row>) => {
    const descending = sort?.key === column.key ? !sort.descending : column.numeric === true;
    setParams({ [sortName]: formatSort({ key: column.key, descending }), [pageName]: null });
  };
  const exportAs = async (format: 'csv' | 'json') => {
    const exported = server ? await server.exportAll() : sorted;
    if (format === 'csv') {
      const cells: CellValue[][] = exported.map((row) => columns.map((column) => column.value(row)));
      downloadText(`${props.exportName}.csv`, `\uFEFF${toCsv(columns.map((column) => column.label), cells)}`, 'text/csv;charset=utf-8');
    } else downloadText(`${props.exportName}.json`, `${JSON.stringify(exportObjects(exported, columns), null, 2)}\n`, 'application/json');
  };

  const captionId = `caption-${id ?? 'main'}`;
  if (all === 0) {
    // Nothing to filter, sort or export: say what the list is and why it is empty.
    return (
      <div class="table-block" data-testid={props.testid}>
        <p class="table-caption">{props.caption}</p>
        <p class="empty">{props.empty}</p>
      </div>
    );
  }
  return (
    <div class="table-block" data-testid={props.testid} aria-busy={props.busy === true ? 'true' : undefined}>
      <div class="table-tools">
        <label class="filter">
          <span>Filter</span>
          <input
            type="search"
            value={query}
            placeholder="words to find in any column"
            onInput={(event) => setParams({ [qName]: event.currentTarget.value, [pageName]: null }, true)}
            aria-describedby={`${captionId}-count`}
          />
        </label>
        <span id={`${captionId}-count`} class="row-count" aria-live="polite">
          {matching === all ? `${all} row${all === 1 ? '' : 's'}` : `${matching} of ${all} rows`}
        </span>
        <span class="exports">
          <button type="button" onClick={() => void exportAs('csv')} disabled={matching === 0}>
            Export CSV
          </button>
          <button type="button" onClick={() => void exportAs('json')} disabled={matching === 0}>
            Export JSON
          </button>
        </span>
      </div>
      <div class="table-scroll" tabIndex={0} role="region" aria-labelledby={captionId}>
        <table>
          <caption id={captionId}>{props.caption}</caption>
          <thead>
            <tr>
              {columns.map((column) => {
                const active = sort?.key === column.key;
                const ariaSort = active ? (sort.descending ? 'descending' : 'ascending') : column.sortable === false ? undefined : 'none';
                return (
                  <th key={column.key} scope="col" aria-sort={ariaSort} class={column.numeric ? 'numeric' : undefined}>
                    {column.sortable === false ? (
                      column.label
                    ) : (
                      <button type="button" class="sort" onClick={() => toggleSort(column)}>
                        {column.label}
                        <span class="sort-mark" aria-hidden="true">
                          {active ? (sort.descending ? ' ▼' : ' ▲') : ' ↕'}
                        </span>
                      </button>
                    )}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {page.rows.map((row, index) => (
              <tr key={page.start + index} class={props.rowClass?.(row)}>
                {columns.map((column) => {
                  const content = column.render ? column.render(row) : displayValue(column.value(row));
                  return column.rowHeader ? (
                    <th key={column.key} scope="row" class={column.numeric ? 'numeric' : undefined}>
                      {content}
                    </th>
                  ) : (
                    <td key={column.key} class={column.numeric ? 'numeric' : undefined}>
                      {content}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {matching === 0 && <p class="empty">{query === '' ? 'No row matches the filters in use.' : <>No row matches “{query}”.</>}</p>}
      {page.pages > 1 && (
        <nav class="pager" aria-label={`Pages of ${props.caption}`}>
          <button type="button" disabled={page.page === 1} onClick={() => setParams({ [pageName]: String(page.page - 1) })}>
            Previous
          </button>
          <span>
            Page {page.page} of {page.pages} (rows {page.start + 1}–{page.start + page.rows.length})
          </span>
          <button type="button" disabled={page.page === page.pages} onClick={() => setParams({ [pageName]: String(page.page + 1) })}>
            Next
          </button>
        </nav>
      )}
    </div>
  );
}

/** The page the server sent, placed in the whole list as pageOf places a page. */
function serverPage<Row>(rows: readonly Row[], page: number, size: number, total: number): Page<Row> {
  const pages = Math.max(1, Math.ceil(total / size));
  const current = Math.min(Math.max(1, Math.trunc(page) || 1), pages);
  return { rows: [...rows], page: current, pages, start: (current - 1) * size };
}

function displayValue(value: CellValue): string {
  if (value === null) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}
