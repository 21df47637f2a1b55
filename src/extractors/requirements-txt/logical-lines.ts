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

/**
 * Every step below is one pass over the text, without backtracking regular
 * expressions: a hostile file of 200k `\` continuations or a line of 200k
 * blanks must cost time in proportion to its size (a `(^|\s+)#` regular
 * expression takes quadratic time on a long run of blanks).
 */
export function logicalLines(text: string): LogicalLine[] {
  const physical = text.split(/\r\n|\r|\n/);
  const lines: LogicalLine[] = [];
  let parts: string[] = [];
  let start = 0;
  const emit = (line: number, joinedText: string) => {
    const withoutComment = stripComment(joinedText).trim();
    if (withoutComment !== '') lines.push({ line, text: withoutComment });
  };
  for (let index = 0; index < physical.length; index++) {
    const raw = physical[index]!;
    const isComment = isCommentLine(raw);
    if (!raw.endsWith('\\') || isComment) {
      // A comment line ends a continuation; its own trailing `\` does not continue it.
      const piece = isComment ? ` ${raw}` : raw;
      if (parts.length > 0) {
        parts.push(piece);
        emit(start, parts.join(''));
        parts = [];
      } else {
        emit(index + 1, piece);
      }
      continue;
    }
    if (parts.length === 0) start = index + 1;
    parts.push(withoutTrailingBackslashes(raw));
  }
  // A trailing `\` on the last line continues into nothing: keep what was joined.
  if (parts.length > 0) emit(start, parts.join(''));
  return lines;
}

const WHITESPACE = /\s/;

/** A physical line that is only a comment (possibly indented). */
function isCommentLine(raw: string): boolean {
  for (let index = 0; index < raw.length; index++) {
    const character = raw[index]!;
    if (character === '#') return true;
    if (!WHITESPACE.test(character)) return false;
  }
  return false;
}

function withoutTrailingBackslashes(raw: string): string {
  let end = raw.length;
  while (end > 0 && raw.charCodeAt(end - 1) === 0x5c) end -= 1;
  return raw.slice(0, end);
}

/** `#` at the start of a line or after whitespace starts a comment; `foo#bar` and `sha256:x;#` do not. */
function stripComment(text: string): string {
  let hash = text.indexOf('#');
  while (hash !== -1) {
    if (hash === 0 || WHITESPACE.test(text[hash - 1]!)) return text.slice(0, hash);
    hash = text.indexOf('#', hash + 1);
  }
  return text;
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
