/**
 * pip's own preprocessing of a requirements file (pip/_internal/req/req_file.py),
 * redone here because no library offers it: join `\` continuations, drop
 * comments, and split each logical line into the requirement and its options.
 */

export interface LogicalLine {
  /** 1-based line where the logical line starts (pip reports the same). */
  line: number;
  /** The joined text with the comment removed and surrounding blanks trimmed; never empty. */
  text: string;
}

/** `#` at the start of a line or after whitespace starts a comment; `foo#bar` and `sha256:x;#` do not. */
const COMMENT = /(^|\s+)#.*$/;
/** A physical line that is only a comment (possibly indented). */
const COMMENT_LINE = /^\s*#/;

export function logicalLines(text: string): LogicalLine[] {
  const physical = text.split(/\r\n|\r|\n/);
  const joined: LogicalLine[] = [];
  let parts: string[] = [];
  let start = 0;
  physical.forEach((raw, index) => {
    const isComment = COMMENT_LINE.test(raw);
    if (!raw.endsWith('\\') || isComment) {
      // A comment line ends a continuation; its own trailing `\` does not continue it.
      const piece = isComment ? ` ${raw}` : raw;
      if (parts.length > 0) {
        joined.push({ line: start, text: parts.join('') + piece });
        parts = [];
      } else {
        joined.push({ line: index + 1, text: piece });
      }
      return;
    }
    if (parts.length === 0) start = index + 1;
    parts.push(raw.replace(/\\+$/, ''));
  });
  // A trailing `\` on the last line continues into nothing: keep what was joined.
  if (parts.length > 0) joined.push({ line: start, text: parts.join('') });

  return joined.flatMap(({ line, text: joinedText }) => {
    const withoutComment = joinedText.replace(COMMENT, '').trim();
    return withoutComment === '' ? [] : [{ line, text: withoutComment }];
  });
}

/**
 * Splits a logical line as pip does: the requirement is every space-separated
 * token before the first one starting with `-`; the rest are options.
 */
export function splitRequirementAndOptions(text: string): { requirement: string; options: string[] } {
  const tokens = text.split(/\s+/).filter((token) => token !== '');
  const firstOption = tokens.findIndex((token) => token.startsWith('-'));
  const cut = firstOption === -1 ? tokens.length : firstOption;
  return { requirement: tokens.slice(0, cut).join(' '), options: tokens.slice(cut) };
}
