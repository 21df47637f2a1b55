/**
 * A leading byte-order mark (U+FEFF) is not part of any format chainwatch reads, and some
 * parsers choke on it or take it for part of the first key (a BOM-prefixed poetry.lock lost
 * the line of its first entry). Dropping it changes no line number. The inventory's reader
 * drops it too; extractors do it again because they are also called with text from elsewhere.
 */
export function withoutByteOrderMark(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
