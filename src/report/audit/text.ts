/**
 * Text helpers shared by the audit report's formats: cleaning text that comes
 * from outside (advisory summaries, repository and package names, notes) and
 * formatting dates, durations and percentages the same way in every format.
 */

// C0/C1 controls, lone surrogates, the two non-characters XML forbids, and the
// bidirectional overrides and isolates: a package name must not reorder the
// line it is printed on, and a control character must not reach a terminal,
// a meeting doc or an HTML parser.
const UNPRINTABLE = /[\p{Cc}\p{Cs}\uFFFE\uFFFF\u202A-\u202E\u2066-\u2069]/gu;

/** One line of printable text: line breaks and tabs become spaces, anything unprintable U+FFFD. */
export function cleanText(text: string): string {
  return text.replace(/\r\n|[\r\n\t]/g, ' ').replace(UNPRINTABLE, '\uFFFD');
}

/**
 * At most `limit` characters (code points, so an emoji is never cut in half),
 * with `…` when cut: a 5,000-character advisory summary must not fill a
 * meeting doc. The JSON keeps the whole text.
 */
export function shorten(text: string, limit: number): string {
  const characters = [...text];
  return characters.length <= limit ? text : `${characters.slice(0, limit - 1).join('')}…`;
}

/** `2026-05-11 08:00 UTC`, or the text as given when it is not a date. */
export function formatTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const text = date.toISOString();
  return `${text.slice(0, 10)} ${text.slice(11, 16)} UTC`;
}

/** `2026-05-11`, or the text as given when it is not a date. */
export function formatDay(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toISOString().slice(0, 10);
}

/** `340 ms`, `12.3 s`, `2 min 05 s`. */
export function formatDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.round(milliseconds)} ms`;
  if (milliseconds < 60_000) return `${(milliseconds / 1000).toFixed(1)} s`;
  const seconds = Math.round(milliseconds / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

/** `73.3%`; `not evaluated` when no repository could be evaluated. */
export function formatPercent(percent: number | null): string {
  return percent === null ? 'not evaluated' : `${percent.toFixed(1)}%`;
}

/** `1 package`, `3 packages`. */
export function count(amount: number, one: string, many: string): string {
  return `${amount} ${amount === 1 ? one : many}`;
}

/** The lines of a block of text (a patch): kept apart, everything unprintable U+FFFD. */
export function cleanBlock(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/\t/g, '  ').replace(UNPRINTABLE, '\uFFFD'))
    .join('\n');
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * The one escape for HTML and SVG, text and attribute values alike: the five
 * characters that can end a text or an attribute, and (cleanBlock) nothing
 * an HTML or XML parser would reject. Line breaks are kept (a `<pre>` needs them).
 */
export function escapeHtml(text: string): string {
  return cleanBlock(text).replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

/** The address when it is an https URL (normalised by the URL parser), else null: nothing else becomes a link. */
export function httpsUrl(url: string | null): string | null {
  if (url === null) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' ? parsed.href : null;
  } catch {
    return null;
  }
}

/** Integers as they are, other numbers with at most three decimals. */
export function formatNumber(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(3).replace(/\.?0+$/, '');
}
