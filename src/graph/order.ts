/**
 * Strings compare by code point, never by locale (`localeCompare` depends on
 * the machine's ICU data), so two runs over the same input order the same.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
