/**
 * The `yaml` library recurses once per nesting level. Around a thousand levels it
 * overflows the stack, and in Node 20 a stack overflow inside its regular expressions
 * has been seen to crash the whole process on the next parse (V8 regexp compiler out of
 * memory). So nesting is estimated before parsing, and deep input is refused.
 *
 * The estimate errs on the high side: block indentation levels, plus compact `- - -`
 * sequence indicators, plus every unclosed `[` / `{` in the text so far (quotes and
 * comments are not skipped, so a plain scalar with an apostrophe cannot hide brackets).
 */
export const MAX_YAML_DEPTH = 64;

/** The 1-based line where the estimated nesting first exceeds the limit, or undefined. */
export function deepYamlNestingLine(text: string, limit = MAX_YAML_DEPTH): number | undefined {
  const indents: number[] = [];
  let flowDepth = 0;
  const lines = text.split(/\r\n|\r|\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    let indent = 0;
    while (line[indent] === ' ') indent++;
    const content = line.slice(indent);
    if (content !== '' && !content.startsWith('#')) {
      while (indents.length > 0 && indents.at(-1)! >= indent) indents.pop();
      indents.push(indent);
    }
    const compact = /^(?:-[ \t]+)*/.exec(content)![0].replace(/[ \t]/g, '').length;
    let deepestFlow = flowDepth;
    for (const character of line) {
      if (character === '[' || character === '{') deepestFlow = Math.max(deepestFlow, ++flowDepth);
      else if ((character === ']' || character === '}') && flowDepth > 0) flowDepth--;
    }
    if (indents.length + compact + deepestFlow > limit) return index + 1;
  }
  return undefined;
}
