/**
 * What a message may quote of an input: a bounded excerpt, never a whole
 * line of a file that did not parse. A hostile file (an include of
 * `/proc/self/environ`, a lockfile holding a pasted token) must not be able
 * to copy itself into a report: at most `max` characters, control
 * characters shown as `\xNN`, and an ellipsis when cut. Secrets inside the
 * excerpt are still redacted by the front end before anything is printed.
 */
export const EXCERPT_LIMIT = 40;

export function excerpt(text: string, max: number = EXCERPT_LIMIT): string {
  const cut = text.length > max;
  // Slice first: the rest of a long input is never scanned.
  let shown = text.slice(0, max);
  // Never end on half a surrogate pair.
  if (cut && /[\uD800-\uDBFF]$/.test(shown)) shown = shown.slice(0, -1);
  let out = '';
  for (const character of shown) {
    const code = character.charCodeAt(0);
    out += code < 0x20 || code === 0x7f ? `\\x${code.toString(16).padStart(2, '0')}` : character;
  }
  return cut ? `${out}…` : out;
}
