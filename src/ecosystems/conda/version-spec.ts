import { ChainwatchError, fail, ok, type Result } from '../../core/errors.js';
import type { Version, VersionRange } from '../types.js';
import { asCondaVersion, parseCondaVersion, type CondaVersion } from './version-order.js';

/**
 * conda's VersionSpec: the version part of a MatchSpec, as conda's
 * `conda/models/version.py` reads it.
 *
 *   `>=1.2,<2`   `,` is AND and binds tighter than `|` (OR); parentheses group
 *   `1.2|1.3`    either version exactly
 *   `==1.2`      exactly 1.2 (and so 1.2.0: trailing zeros do not count)
 *   `1.2`        the same as `==1.2` (a bare version is exact in conda)
 *   `1.2.*`, `1.2*`, `=1.2`   every version starting with the components 1.2
 *   `!=1.2`, `!=1.2.*`        not that version / not that prefix
 *   `~=1.2.3`    >=1.2.3 and starting with 1.2
 *   `1.*.3`      a glob over the version text; `^...$` a regular expression
 *   `*`          anything
 *
 * conda ranges do not exclude pre-releases: `<2` contains `2.0a1`.
 */
export class CondaRange implements VersionRange {
  readonly text: string;
  private readonly matcher: (version: CondaVersion) => boolean;

  constructor(text: string, matcher: (version: CondaVersion) => boolean) {
    this.text = text;
    this.matcher = matcher;
  }

  contains(version: Version): boolean {
    return this.matcher(asCondaVersion(version));
  }
}

type Matcher = (version: CondaVersion) => boolean;
type Tree = string | { op: '|' | ','; items: Tree[] };

function invalid(text: string, reason: string): { ok: false; error: ChainwatchError } {
  return fail(new ChainwatchError('invalid-range', `"${text}" is not a valid conda version spec: ${reason}`));
}

const TOKENS = /\s*\^[^$]*[$]|\s*[()|,]|[^()|,]+/g;
const NEEDS_TREE = /[()|,^$]/;

/** Shunting-yard over `,` (AND, binds tighter) and `|` (OR), as conda's treeify. */
function treeify(text: string): Result<Tree> {
  const tokens = `(${text})`.match(TOKENS) ?? [];
  const output: Tree[] = [];
  const stack: string[] = [];

  function applyOperators(stopAt: string): string | null {
    while (stack.length > 0 && !stopAt.includes(stack[stack.length - 1]!)) {
      if (output.length < 2) return 'cannot join single expression';
      const op = stack.pop() as '|' | ',';
      const right = output.pop()!;
      const left = output.pop()!;
      const flatten = (tree: Tree): Tree[] => (typeof tree !== 'string' && tree.op === op ? tree.items : [tree]);
      output.push({ op, items: [...flatten(left), ...flatten(right)] });
    }
    return null;
  }

  for (const token of tokens) {
    const item = token.trim();
    let problem: string | null = null;
    if (item === '|') {
      problem = applyOperators('(');
      stack.push('|');
    } else if (item === ',') {
      problem = applyOperators('|(');
      stack.push(',');
    } else if (item === '(') {
      stack.push('(');
    } else if (item === ')') {
      problem = applyOperators('(');
      if (problem === null && stack[stack.length - 1] !== '(') problem = "expression must start with '('";
      stack.pop();
    } else {
      output.push(item);
    }
    if (problem !== null) return invalid(text, problem);
  }
  if (stack.length > 0) return invalid(text, 'unbalanced parentheses');
  if (output.length === 0) return invalid(text, 'unable to determine version from spec');
  // conda keeps the first of two juxtaposed groups, `(1.2)(1.3)`, and drops the other; refuse instead.
  if (output.length > 1) return invalid(text, 'expressions must be joined with "," or "|"');
  return ok(output[0]!);
}

const RELATION = /^(=|==|!=|<=|>=|<|>|~=)(?![=<>!~])(\S+)$/;

function versionFor(text: string, versionText: string): Result<CondaVersion> {
  const parsed = parseCondaVersion(versionText);
  return parsed.ok ? parsed : invalid(text, parsed.error.message);
}

function textMatcher(pattern: string, text: string): Result<Matcher> {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern);
  } catch (cause) {
    return fail(new ChainwatchError('invalid-range', `"${text}" is not a valid conda version spec: bad pattern`, { cause }));
  }
  // conda matches globs and regexes against the version text, not its parsed form.
  return ok((version) => regex.test(version.text.trim()));
}

function relationMatcher(text: string, operatorText: string, versionText: string): Result<Matcher> {
  let operator = operatorText;
  let target = versionText;
  if (target.endsWith('.*')) {
    if (operator === '~=') return invalid(text, "'~=' cannot be used with '.*'");
    if (operator === '!=') operator = '!=startswith';
    // With `=` and `>=` the `.*` is implied; with `<`, `>`, `<=`, `==` conda ignores it.
    target = target.slice(0, -2);
  }
  const parsed = versionFor(text, target);
  if (!parsed.ok) return parsed;
  const bound = parsed.value;
  switch (operator) {
    case '==':
      return ok((version) => version.compare(bound) === 0);
    case '!=':
      return ok((version) => version.compare(bound) !== 0);
    case '<=':
      return ok((version) => version.compare(bound) <= 0);
    case '>=':
      return ok((version) => version.compare(bound) >= 0);
    case '<':
      return ok((version) => version.compare(bound) < 0);
    case '>':
      return ok((version) => version.compare(bound) > 0);
    case '=':
      return ok((version) => version.startsWith(bound));
    case '!=startswith':
      return ok((version) => !version.startsWith(bound));
    case '~=': {
      // >= the bound and starting with it minus its last dot-separated part (conda's compatible release).
      const prefix = versionFor(text, bound.normalized.split('.').slice(0, -1).join('.'));
      if (!prefix.ok) return prefix;
      return ok((version) => version.compare(bound) >= 0 && version.startsWith(prefix.value));
    }
    default:
      return invalid(text, `invalid operator: ${operator}`);
  }
}

function leafMatcher(text: string, leaf: string): Result<Matcher> {
  const spec = leaf.trim();
  if (spec === '') return invalid(text, 'empty version spec');
  if (spec.startsWith('^') || spec.endsWith('$')) {
    if (!spec.startsWith('^') || !spec.endsWith('$')) return invalid(text, "regex specs must start with '^' and end with '$'");
    return textMatcher(spec, text);
  }
  if ('=<>!~'.includes(spec[0]!)) {
    const relation = RELATION.exec(spec);
    if (!relation) return invalid(text, 'invalid operator');
    return relationMatcher(text, relation[1]!, relation[2]!);
  }
  if (spec === '*') return ok(() => true);
  if (spec.replace(/\*+$/, '').includes('*')) {
    const glob = spec.replaceAll('.', '\\.').replaceAll('+', '\\+').replaceAll('*', '.*');
    return textMatcher(`^(?:${glob})$`, text);
  }
  if (spec.endsWith('*')) {
    const withDot = spec.endsWith('.*') ? spec : `${spec.slice(0, -1)}.*`;
    const prefix = versionFor(text, withDot.replace(/\*+$/, '').replace(/\.+$/, ''));
    if (!prefix.ok) return prefix;
    return ok((version) => version.startsWith(prefix.value));
  }
  if (!spec.includes('@')) {
    const exact = versionFor(text, spec);
    if (!exact.ok) return exact;
    return ok((version) => version.compare(exact.value) === 0);
  }
  return ok((version) => version.text.trim() === spec);
}

function treeMatcher(text: string, tree: Tree): Result<Matcher> {
  if (typeof tree === 'string') {
    // A leaf holding `^` or `$` goes through treeify again, as in conda; it comes back unchanged.
    return leafMatcher(text, tree);
  }
  const children: Matcher[] = [];
  for (const item of tree.items) {
    const child = treeMatcher(text, item);
    if (!child.ok) return child;
    children.push(child.value);
  }
  return tree.op === '|'
    ? ok((version) => children.some((child) => child(version)))
    : ok((version) => children.every((child) => child(version)));
}

export function parseCondaRange(text: string): Result<CondaRange> {
  let tree: Tree = text;
  if (NEEDS_TREE.test(text)) {
    const parsed = treeify(text);
    if (!parsed.ok) return parsed;
    tree = parsed.value;
  }
  const matcher = treeMatcher(text, tree);
  if (!matcher.ok) return matcher;
  return ok(new CondaRange(text, matcher.value));
}
