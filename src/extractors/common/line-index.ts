/**
 * Offsets to 1-based line numbers. The parsers the extractors use (jsonc-parser,
 * the TOML layout scanner) report character offsets; reports need lines.
 * The line starts live in a typed array, 4 bytes a line: on a 200 MB lockfile a
 * growing array of numbers cost several times that.
 */
export function lineIndex(text: string): (offset: number) => number {
  let lines = 1;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) lines++;
  // Offsets fit in 32 bits: V8 strings are at most 2^29 characters long.
  const starts = new Uint32Array(lines);
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) starts[line++] = index + 1;
  return (offset) => {
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  };
}

/**
 * The line of each offset for a reader that meets offsets in order (a streaming parser's
 * tokens): no index is kept, the newlines between one offset and the next are counted once.
 * An offset before the previous one is counted again from the start (correct, only slower).
 */
export function lineCounter(text: string): (offset: number) => number {
  let counted = 0;
  let line = 1;
  return (offset) => {
    if (offset < counted) {
      counted = 0;
      line = 1;
    }
    for (let index = text.indexOf('\n', counted); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line++;
    counted = offset;
    return line;
  };
}
