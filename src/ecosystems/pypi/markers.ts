import type { Result } from '../../core/errors.js';
import { normalizeName } from '../../core/package.js';
import type { TargetEnvironment } from './environment.js';
import { parsePep440Version, type Pep440Version } from './pep440-version.js';
import { parseWholeText, type Pep508Scanner, type SourceLocation } from './pep508-scanner.js';
import { parsePep440Specifier, type Pep440Specifier } from './specifier.js';

/** The variables a marker may name (dotted spellings such as `os.name` are read as these). */
export type MarkerVariable =
  | keyof TargetEnvironment
  | 'extra'
  /** PEP 751 lock-file markers: sets, only usable as `"name" in extras`. */
  | 'extras'
  | 'dependency_groups';

export type MarkerOperator = '<' | '<=' | '==' | '!=' | '>=' | '>' | '~=' | '===' | 'in' | 'not in';

export type MarkerOperand = { readonly type: 'variable'; readonly name: MarkerVariable } | { readonly type: 'string'; readonly value: string };

export interface MarkerComparison {
  readonly type: 'compare';
  readonly left: MarkerOperand;
  readonly operator: MarkerOperator;
  readonly right: MarkerOperand;
}

/** `and` binds tighter than `or`; parentheses nest. */
export interface MarkerGroup {
  readonly type: 'and' | 'or';
  readonly items: readonly Marker[];
}

/** A parsed environment marker: the AST is built once and evaluated many times. */
export type Marker = MarkerComparison | MarkerGroup;

const VARIABLE_ALIASES: Record<string, MarkerVariable> = {
  'os.name': 'os_name',
  'sys.platform': 'sys_platform',
  'platform.version': 'platform_version',
  'platform.machine': 'platform_machine',
  'platform.python_implementation': 'platform_python_implementation',
  python_implementation: 'platform_python_implementation',
};

const SET_VARIABLES: ReadonlySet<MarkerVariable> = new Set(['extras', 'dependency_groups']);

function normalizeExtra(name: string): string {
  return normalizeName('PyPI', name);
}

function parseOperand(scanner: Pep508Scanner): MarkerOperand {
  const variable = scanner.take('variable');
  if (variable) return { type: 'variable', name: VARIABLE_ALIASES[variable.text] ?? (variable.text as MarkerVariable) };
  const quoted = scanner.take('quotedString');
  // Python would also read backslash escapes here; markers never use them, so the text is kept as written.
  if (quoted) return { type: 'string', value: quoted.text.slice(1, -1) };
  return scanner.fail('Expected a marker variable or quoted string');
}

function parseOperator(scanner: Pep508Scanner): MarkerOperator {
  if (scanner.take('in')) return 'in';
  if (scanner.take('not')) {
    scanner.expect('whitespace', "whitespace after 'not'");
    scanner.expect('in', "'in' after 'not'");
    return 'not in';
  }
  const operator = scanner.take('operator');
  if (operator) return operator.text as MarkerOperator;
  return scanner.fail('Expected marker operator, one of <=, <, !=, ==, >=, >, ~=, ===, in, not in');
}

/** Extra names are compared normalised (PEP 685), so the literal is normalised once here. */
function normalizeExtraLiterals(comparison: MarkerComparison): MarkerComparison {
  const { left, right } = comparison;
  const isExtraName = (operand: MarkerOperand): boolean =>
    operand.type === 'variable' && (operand.name === 'extra' || SET_VARIABLES.has(operand.name));
  if (left.type === 'string' && isExtraName(right)) return { ...comparison, left: { type: 'string', value: normalizeExtra(left.value) } };
  if (right.type === 'string' && left.type === 'variable' && left.name === 'extra') {
    return { ...comparison, right: { type: 'string', value: normalizeExtra(right.value) } };
  }
  return comparison;
}

// Deeper nesting than any real marker; the limit keeps hostile input from exhausting the stack.
const MAX_PARENTHESES_DEPTH = 100;

function parseAtom(scanner: Pep508Scanner, depth: number): Marker {
  scanner.skipWhitespace();
  let marker: Marker;
  const open = scanner.take('leftParenthesis');
  if (open) {
    if (depth >= MAX_PARENTHESES_DEPTH) scanner.fail(`Marker nested deeper than ${MAX_PARENTHESES_DEPTH} parentheses`, open.position);
    scanner.skipWhitespace();
    marker = parseMarkerExpression(scanner, depth + 1);
    scanner.skipWhitespace();
    if (!scanner.take('rightParenthesis')) scanner.fail('Expected matching RIGHT_PARENTHESIS for LEFT_PARENTHESIS, after marker expression');
  } else {
    const left = parseOperand(scanner);
    scanner.skipWhitespace();
    const operator = parseOperator(scanner);
    scanner.skipWhitespace();
    const right = parseOperand(scanner);
    marker = normalizeExtraLiterals({ type: 'compare', left, operator, right });
  }
  scanner.skipWhitespace();
  return marker;
}

function group(type: 'and' | 'or', items: Marker[]): Marker {
  return items.length === 1 ? items[0]! : { type, items };
}

/** A marker expression up to the first token that cannot continue it (for requirement.ts). */
export function parseMarkerExpression(scanner: Pep508Scanner, depth = 0): Marker {
  const alternatives: Marker[] = [];
  let conjunction: Marker[] = [parseAtom(scanner, depth)];
  for (let joiner = scanner.take('booleanOperator'); joiner; joiner = scanner.take('booleanOperator')) {
    if (joiner.text === 'or') {
      alternatives.push(group('and', conjunction));
      conjunction = [];
    }
    conjunction.push(parseAtom(scanner, depth));
  }
  alternatives.push(group('and', conjunction));
  return group('or', alternatives);
}

/**
 * Parses a whole marker such as `python_version >= "3.8" and (sys_platform == "linux" or extra == "test")`.
 * @internal A test seam: the grammar is tested on markers alone; requirements parse theirs with parseMarkerExpression.
 */
export function parseMarker(text: string, where: SourceLocation = {}): Result<Marker> {
  return parseWholeText(text, where, (scanner) => {
    const marker = parseMarkerExpression(scanner);
    scanner.expect('end', 'end of marker expression');
    return marker;
  });
}

// Parse once: the specifier a comparison builds from its literal (`>=3.8` out of
// `python_version >= "3.8"`), and each environment's values read as versions.
const literalSpecifiers = new WeakMap<MarkerComparison, Pep440Specifier | null>();
const environmentVersions = new WeakMap<TargetEnvironment, Map<string, Pep440Version | null>>();

function specifierOf(operator: MarkerOperator, value: string): Pep440Specifier | null {
  const parsed = parsePep440Specifier(`${operator}${value}`);
  return parsed.ok ? parsed.value : null;
}

function literalSpecifier(comparison: MarkerComparison, value: string): Pep440Specifier | null {
  let specifier = literalSpecifiers.get(comparison);
  if (specifier === undefined) {
    specifier = specifierOf(comparison.operator, value);
    literalSpecifiers.set(comparison, specifier);
  }
  return specifier;
}

function asVersion(text: string, environment: TargetEnvironment): Pep440Version | null {
  let cache = environmentVersions.get(environment);
  if (!cache) environmentVersions.set(environment, (cache = new Map()));
  let version = cache.get(text);
  if (version === undefined) {
    const parsed = parsePep440Version(text);
    version = parsed.ok ? parsed.value : null;
    cache.set(text, version);
  }
  return version;
}

interface Evaluation {
  readonly environment: TargetEnvironment;
  /** Normalised requested extras, the value of `extras`. */
  readonly extras: ReadonlySet<string>;
  /** The value of `extra` in this pass: '' or one normalised requested extra. */
  readonly extra: string;
}

function resolve(operand: MarkerOperand, evaluation: Evaluation): string | ReadonlySet<string> {
  if (operand.type === 'string') return operand.value;
  switch (operand.name) {
    case 'extra':
      return evaluation.extra;
    case 'extras':
      return evaluation.extras;
    case 'dependency_groups':
      return new Set<string>();
    case 'python_full_version': {
      // Python built from an untagged checkout reports `3.13.0+`, which is not PEP 440.
      const value = evaluation.environment.python_full_version;
      return value.endsWith('+') ? `${value}local` : value;
    }
    default:
      return evaluation.environment[operand.name];
  }
}

function compareStrings(operator: MarkerOperator, left: string, right: string): boolean {
  switch (operator) {
    case '==':
      return left === right;
    case '!=':
      return left !== right;
    case '<':
      return left < right;
    case '<=':
      return left <= right;
    case '>':
      return left > right;
    case '>=':
      return left >= right;
    default:
      // `~=` between values that are not versions is undefined in PEP 508.
      return false;
  }
}

function evaluateComparison(comparison: MarkerComparison, evaluation: Evaluation): boolean {
  const { operator } = comparison;
  const left = resolve(comparison.left, evaluation);
  const right = resolve(comparison.right, evaluation);
  // A set (extras, dependency_groups) can only be the right side of `in` / `not in`.
  if (typeof left !== 'string') return false;
  if (operator === 'in' || operator === 'not in') {
    const found = typeof right === 'string' ? right.includes(left) : right.has(normalizeExtra(left));
    return operator === 'in' ? found : !found;
  }
  if (typeof right !== 'string') return false;
  if (operator === '===') return /^[^\s;)]*$/.test(right) && left.toLowerCase() === right.toLowerCase();

  // PEP 508: version rules when both sides are versions (the right side as a
  // specifier such as `==3.8.*`), otherwise Python's string comparison.
  const specifier =
    comparison.right.type === 'string' ? literalSpecifier(comparison, right) : specifierOf(operator, right);
  const candidate = specifier && asVersion(left, evaluation.environment);
  // A marker asks about the interpreter itself, so pre-releases count (`3.13.0rc1 >= 3.8`).
  if (specifier && candidate) return specifier.matches(candidate);
  return compareStrings(operator, left, right);
}

function evaluateNode(marker: Marker, evaluation: Evaluation): boolean {
  switch (marker.type) {
    case 'compare':
      return evaluateComparison(marker, evaluation);
    case 'and':
      return marker.items.every((item) => evaluateNode(item, evaluation));
    case 'or':
      return marker.items.some((item) => evaluateNode(item, evaluation));
  }
}

function mentionsExtra(marker: Marker): boolean {
  if (marker.type !== 'compare') return marker.items.some(mentionsExtra);
  const isExtra = (operand: MarkerOperand): boolean => operand.type === 'variable' && operand.name === 'extra';
  return isExtra(marker.left) || isExtra(marker.right);
}

/**
 * Does the marker hold in this environment? As pip does for a package's
 * dependencies, `extra` is tried as '' and as each requested extra (names
 * compared normalised), and the marker holds if any of these passes does.
 * Comparisons PEP 508 leaves undefined (`~=` on non-versions, a set on the
 * left) are false.
 */
export function evaluateMarker(marker: Marker, environment: TargetEnvironment, extras: readonly string[] = []): boolean {
  const requested = new Set(extras.map(normalizeExtra));
  const passes = mentionsExtra(marker) ? ['', ...requested] : [''];
  return passes.some((extra) => evaluateNode(marker, { environment, extras: requested, extra }));
}
