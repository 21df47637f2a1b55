/**
 * CSV for the tables' export (RFC 4180: comma, CRLF, quotes doubled) that is
 * safe to open in a spreadsheet: a text cell starting with `=`, `+`, `-`, `@`
 * (or a tab or carriage return) would be read as a formula, so it gets a
 * leading `'` (OWASP's CSV injection advice). Numbers stay numbers: `-3` is a
 * number, not a formula.
 */
export type CellValue = string | number | boolean | null;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CellValue): string {
  if (value === null) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(header: readonly string[], rows: readonly (readonly CellValue[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
