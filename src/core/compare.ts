/**
 * The project's one text order: by UTF-16 code unit (JavaScript's `<`), never
 * by locale. `localeCompare` depends on the machine's ICU data and language, so
 * two runs over the same input could order differently; reports, graphs and
 * stored lists must come out byte-identical wherever they run.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
