/**
 * OSV timestamps are RFC 3339 strings whose fraction has any number of digits
 * (`2024-01-02T03:04:05Z`, `…05.123456789Z`) and, in the wild, sometimes an
 * offset. Comparing them as strings is wrong across those forms and comparing
 * Date values drops everything below a millisecond, so both sides are turned
 * into one fixed-width UTC key first.
 */
const RFC3339 = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.(\d+))?([Zz]|[+-]\d{2}:?\d{2})?$/;

/** A sortable key: `YYYY-MM-DDTHH:MM:SS.nnnnnnnnnZ` in UTC, or null when the text is no date. */
export function timestampKey(text: string): string | null {
  const match = RFC3339.exec(text.trim());
  if (!match) {
    const millis = Date.parse(text);
    return Number.isNaN(millis) ? null : `${new Date(millis).toISOString().slice(0, 19)}.${'0'.repeat(9)}Z`;
  }
  const [, date, time, fraction = '', zone = 'Z'] = match;
  const nanos = fraction.slice(0, 9).padEnd(9, '0');
  if (zone === 'Z' || zone === 'z') return `${date}T${time}.${nanos}Z`;
  const millis = Date.parse(`${date}T${time}${zone.length === 5 ? `${zone.slice(0, 3)}:${zone.slice(3)}` : zone}`);
  if (Number.isNaN(millis)) return null;
  return `${new Date(millis).toISOString().slice(0, 19)}.${nanos}Z`;
}

/** Orders two OSV timestamps; text that is no date sorts before every date. */
export function compareTimestamps(left: string, right: string): number {
  const a = timestampKey(left) ?? '';
  const b = timestampKey(right) ?? '';
  return a < b ? -1 : a > b ? 1 : 0;
}
