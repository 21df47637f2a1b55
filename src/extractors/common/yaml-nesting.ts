import { yamlNestingExceeds } from '../../core/nesting.js';

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

/** The 1-based line where the text first nests deeper than `limit`, or undefined (core/nesting.ts's one-pass estimate). */
export function lineTooDeep(text: string, limit = MAX_YAML_NESTING): number | undefined {
  return yamlNestingExceeds(text, limit) ?? undefined;
}
