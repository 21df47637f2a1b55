/**
 * YAML parsers recurse once per nesting level: the `yaml` library overflows the
 * stack around a thousand levels, and a stack overflow inside its regular
 * expressions has been seen to take the whole Node 20 process down on a later
 * parse; yarn v1's grammar (peggy) overflows a few thousand levels down. Real
 * files nest a handful of levels (pnpm-lock.yaml about six, environment.yml
 * three, yarn.lock two), so input nesting deeper than this is refused before a
 * parser sees it. Shared by the pnpm-lock, conda-environment and yarn-lock extractors.
 */
export const MAX_YAML_NESTING = 64;

/**
 * The 1-based line where the nesting estimate first passes `limit`, or undefined.
 * The estimate errs high: block indentation levels plus `- ` sequence indicators
 * plus every `[`/`{` not yet closed (brackets inside quotes count too, which only
 * ever makes a file look deeper than it is).
 */
export function lineTooDeep(text: string, limit = MAX_YAML_NESTING): number | undefined {
  const indents: number[] = [];
  let flow = 0;
  let line = 0;
  for (let start = 0; start <= text.length; ) {
    line++;
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    let indent = start;
    while (text.charCodeAt(indent) === 0x20) indent++;
    const first = text.charCodeAt(indent);
    if (indent < end && first !== 0x23 && first !== 0x0d) {
      while (indents.length > 0 && indents[indents.length - 1]! >= indent - start) indents.pop();
      indents.push(indent - start);
    }
    // Compact sequences (`- - - x`) nest without indenting.
    let sequenceIndicators = 0;
    for (let at = indent; text.charCodeAt(at) === 0x2d && isBlank(text.charCodeAt(at + 1)); ) {
      sequenceIndicators++;
      at += 2;
      while (isBlank(text.charCodeAt(at))) at++;
    }
    let deepestFlow = flow;
    for (let at = indent; at < end; at++) {
      const character = text.charCodeAt(at);
      if (character === 0x5b || character === 0x7b) deepestFlow = Math.max(deepestFlow, ++flow);
      else if ((character === 0x5d || character === 0x7d) && flow > 0) flow--;
    }
    if (indents.length + sequenceIndicators + deepestFlow > limit) return line;
    start = end + 1;
  }
  return undefined;
}

function isBlank(character: number): boolean {
  return character === 0x20 || character === 0x09;
}
