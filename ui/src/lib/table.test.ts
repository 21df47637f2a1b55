import { describe, expect, it } from 'vitest';
import { compareCells, exportObjects, filterRows, pageOf, searchIndex, sortRows, type ColumnValue } from './table.js';

interface Row {
  name: string;
  score: number | null;
  severity: string;
}

const SEVERITY: Record<string, number> = { critical: 3, high: 2, low: 1 };
const columns: ColumnValue<Row>[] = [
  { key: 'name', label: 'Name', value: (row) => row.name },
  { key: 'score', label: 'Score', value: (row) => row.score },
  { key: 'severity', label: 'Severity', value: (row) => row.severity, sortValue: (row) => SEVERITY[row.severity] ?? 0 },
];
const rows: Row[] = [
  { name: 'pkg10', score: 5, severity: 'low' },
  { name: 'pkg2', score: null, severity: 'critical' },
  { name: 'Alpha', score: 5, severity: 'high' },
  { name: 'beta', score: 9, severity: 'low' },
];
const names = (list: Row[]) => list.map((row) => row.name);

describe('table logic', () => {
  it('sorts text with numbers by value and case-insensitively', () => {
    expect(names(sortRows(rows, columns, { key: 'name', descending: false }))).toEqual(['Alpha', 'beta', 'pkg2', 'pkg10']);
    expect(compareCells('v2', 'v10')).toBeLessThan(0);
  });

  it('puts unknown values last in both directions and keeps ties in their order (stable)', () => {
    expect(names(sortRows(rows, columns, { key: 'score', descending: false }))).toEqual(['pkg10', 'Alpha', 'beta', 'pkg2']);
    expect(names(sortRows(rows, columns, { key: 'score', descending: true }))).toEqual(['beta', 'pkg10', 'Alpha', 'pkg2']);
  });

  it('sorts by the sort value when a column has one (severity by rank, not by name)', () => {
    expect(names(sortRows(rows, columns, { key: 'severity', descending: true }))).toEqual(['pkg2', 'Alpha', 'pkg10', 'beta']);
  });

  it('leaves the order alone for no sort or an unknown column', () => {
    expect(names(sortRows(rows, columns, null))).toEqual(names(rows));
    expect(names(sortRows(rows, columns, { key: 'nope', descending: true }))).toEqual(names(rows));
  });

  it('filters on every word, in any column, any case', () => {
    const index = searchIndex(rows, columns);
    expect(names(filterRows(rows, index, 'LOW'))).toEqual(['pkg10', 'beta']);
    expect(names(filterRows(rows, index, 'low 9'))).toEqual(['beta']);
    expect(names(filterRows(rows, index, '  '))).toEqual(names(rows));
    expect(filterRows(rows, index, 'nothing-like-this')).toEqual([]);
  });

  it('does not match across two columns', () => {
    const index = searchIndex(rows, columns);
    expect(filterRows(rows, index, 'pkg105')).toEqual([]);
  });

  it('cuts pages and clamps the page number', () => {
    const many = Array.from({ length: 250 }, (_, index) => index);
    expect(pageOf(many, 2, 100)).toMatchObject({ page: 2, pages: 3, start: 100 });
    expect(pageOf(many, 9, 100)).toMatchObject({ page: 3, start: 200 });
    expect(pageOf(many, 9, 100).rows).toHaveLength(50);
    expect(pageOf([], 1, 100)).toMatchObject({ page: 1, pages: 1, rows: [] });
    expect(pageOf(many, Number.NaN, 100).page).toBe(1);
  });

  it('exports the rows as objects keyed by column', () => {
    expect(exportObjects(rows.slice(0, 1), columns)).toEqual([{ name: 'pkg10', score: 5, severity: 'low' }]);
  });
});
