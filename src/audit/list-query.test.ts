import { describe, expect, it } from 'vitest';
import { prepareList, queryList, type ListColumn } from './list-query.js';

interface Row {
  name: string;
  size: number | null;
  flag: boolean;
}

const rows: Row[] = [
  { name: 'v10', size: 3, flag: true },
  { name: 'v2', size: null, flag: false },
  { name: 'Alpha beta', size: 3, flag: false },
  { name: 'gamma', size: 1, flag: true },
];
const columns: ListColumn<Row>[] = [
  { key: 'name', value: (row) => row.name },
  { key: 'size', value: (row) => (row.size === null ? null : `${row.size} MB`), sortValue: (row) => row.size },
  { key: 'flag', value: (row) => row.flag },
];
const list = prepareList(rows, columns);
const names = (page: { rows: Row[] }) => page.rows.map((row) => row.name);

describe('a long list, a page at a time', () => {
  it('keeps rows holding every word in any column, any case', () => {
    expect(names(queryList(list, { q: 'ALPHA', offset: 0, limit: Infinity }))).toEqual(['Alpha beta']);
    expect(names(queryList(list, { q: '3 mb', offset: 0, limit: Infinity }))).toEqual(['v10', 'Alpha beta']);
    expect(names(queryList(list, { q: 'beta alpha', offset: 0, limit: Infinity }))).toEqual(['Alpha beta']);
    expect(queryList(list, { q: 'true v2', offset: 0, limit: Infinity }).total).toBe(0);
  });

  it('sorts stably by one column, numbers by value, text with numbers by their value, null last both ways', () => {
    expect(names(queryList(list, { sort: 'name', offset: 0, limit: Infinity }))).toEqual(['Alpha beta', 'gamma', 'v2', 'v10']);
    expect(names(queryList(list, { sort: 'size', offset: 0, limit: Infinity }))).toEqual(['gamma', 'v10', 'Alpha beta', 'v2']);
    expect(names(queryList(list, { sort: '-size', offset: 0, limit: Infinity }))).toEqual(['v10', 'Alpha beta', 'gamma', 'v2']);
    expect(names(queryList(list, { sort: 'unknown', offset: 0, limit: Infinity }))).toEqual(rows.map((row) => row.name));
  });

  it('cuts the page after filtering and sorting, counts every match, and applies the list’s own filter', () => {
    const page = queryList(list, { sort: 'name', offset: 1, limit: 2, keep: (row) => row.name !== 'gamma' });
    expect(page).toMatchObject({ total: 3, offset: 1 });
    expect(names(page)).toEqual(['v2', 'v10']);
    expect(queryList(list, { offset: 99, limit: 10 })).toMatchObject({ total: 4, offset: 4, rows: [] });
  });
});
