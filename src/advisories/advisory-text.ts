import { findNodeAtLocation, parse as parseJsonTolerantly, parseTree, type ParseError } from 'jsonc-parser';
import { LineCounter, parse as parseYaml, parseDocument } from 'yaml';
import { yamlNestingExceeds } from '../core/nesting.js';
import { ChainwatchError, fail, type ErrorLocation, type Result } from '../core/errors.js';
import { MAX_YAML_TEXT_NESTING, withoutBom, YAML_OPTIONS, type AdvisoryFormat } from './advisory-format.js';
import { issuePathOf, parseOsvRecord } from './osv-schema.js';
import { parseYamlSubset } from './yaml-subset.js';
import type { OsvRecord } from './types.js';

/**
 * One advisory file's text → an OsvRecord or an error naming the file, with
 * the line of the problem where one can be found. This is the reference
 * path: every record that fails anywhere (a worker thread included) is read
 * again here, so errors are always these.
 */

/** A YAML parse failure as a worker thread passes it back (the fields describeYamlFailure reads). */
type YamlFailure = { name?: unknown; message?: unknown; linePos?: readonly { line: number }[] };

/**
 * What a failed parse reports: for the library's YAMLParseError the first
 * line of its message (the rest is a pretty excerpt) and the line it names;
 * for anything else the whole message and no line. Duck-typed: a worker's
 * error arrives as its fields.
 */
function describeYamlFailure(error: unknown): { message: string; line: number | undefined } {
  const fields: YamlFailure = typeof error === 'object' && error !== null ? error : {};
  const message = typeof fields.message === 'string' ? fields.message : String(error);
  if (fields.name !== 'YAMLParseError') return { message, line: undefined };
  return { message: (message.split('\n')[0] ?? message).replace(/:$/, ''), line: fields.linePos?.[0]?.line };
}

function lineAt(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let index = text.indexOf('\n'); index !== -1 && index < end; index = text.indexOf('\n', index + 1)) line++;
  return line;
}

/** The line of the deepest existing node on `issuePath` (the failing field, or its parent when the field is missing). */
function jsonLineOf(text: string, issuePath: readonly PropertyKey[]): number | undefined {
  const tree = parseTree(text);
  if (!tree) return undefined;
  const segments = issuePath.filter((segment): segment is string | number => typeof segment !== 'symbol');
  for (let length = segments.length; length >= 0; length--) {
    const node = findNodeAtLocation(tree, segments.slice(0, length));
    if (node) return lineAt(text, node.parent?.type === 'property' ? node.parent.offset : node.offset);
  }
  return undefined;
}

function yamlLineOf(text: string, issuePath: readonly PropertyKey[]): number | undefined {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { ...YAML_OPTIONS, lineCounter });
  const segments = issuePath.filter((segment): segment is string | number => typeof segment !== 'symbol');
  for (let length = segments.length; length >= 0; length--) {
    const node = length === 0 ? document.contents : document.getIn(segments.slice(0, length), true);
    const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
    if (range) return lineCounter.linePos(range[0]).line;
  }
  return undefined;
}

function locationOf(filePath: string, line: number | undefined): ErrorLocation {
  return line === undefined ? { path: filePath } : { path: filePath, line };
}

function syntaxError(message: string, location: ErrorLocation, cause?: unknown): { ok: false; error: ChainwatchError } {
  return fail(new ChainwatchError('parse-error', message, { location, cause }));
}

/**
 * V8's JSON.parse messages name a position only for some errors, so the
 * line of a syntax error comes from a second, error-collecting parse (paid
 * only by broken files).
 */
function jsonErrorLine(text: string): number | undefined {
  const errors: ParseError[] = [];
  parseJsonTolerantly(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  return first === undefined ? undefined : lineAt(text, first.offset);
}

/** First stage: text → JSON value. Syntax errors carry the parser's line. */
function parseSyntax(text: string, format: AdvisoryFormat, filePath: string): Result<unknown> {
  if (format === 'json') {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch (error) {
      const message = (error as Error).message;
      const line = jsonErrorLine(text);
      return syntaxError(`invalid JSON: ${message.replace(/\s+/g, ' ')}`, locationOf(filePath, line), error);
    }
  }
  const tooDeep = yamlNestingExceeds(text, MAX_YAML_TEXT_NESTING);
  if (tooDeep !== null) return syntaxError(`invalid YAML: nested deeper than ${MAX_YAML_TEXT_NESTING} levels`, locationOf(filePath, tooDeep));
  // The plain block YAML advisories are written in is read without the library (yaml-subset.ts); anything else, errors included, by it.
  const quick = parseYamlSubset(text);
  if (quick !== undefined) return { ok: true, value: quick };
  try {
    return { ok: true, value: parseYaml(text, YAML_OPTIONS) };
  } catch (error) {
    const { message, line } = describeYamlFailure(error);
    return syntaxError(`invalid YAML: ${message}`, locationOf(filePath, line), error);
  }
}

/**
 * Second stage: JSON value → OsvRecord. Only failures pay for finding the
 * line: a second, position-keeping parse of `text`.
 */
function validateParsed(value: unknown, text: () => string | null, format: AdvisoryFormat, filePath: string): Result<OsvRecord> {
  const result = parseOsvRecord(value, { path: filePath });
  if (result.ok) return result;
  const issuePath = issuePathOf(result.error);
  const source = issuePath === null ? null : text();
  if (issuePath === null || source === null) return result;
  const line = format === 'json' ? jsonLineOf(source, issuePath) : yamlLineOf(source, issuePath);
  if (line === undefined) return result;
  return fail(
    new ChainwatchError(result.error.code, result.error.message, { location: { path: filePath, line }, cause: result.error.cause }),
  );
}

/**
 * Parses and validates one advisory file's text. `filePath` is only used to
 * name the file in errors (for zip entries: `all.zip!/ID.json`).
 */
export function parseAdvisoryText(text: string, format: AdvisoryFormat, filePath: string): Result<OsvRecord> {
  const source = withoutBom(text);
  return guardStack(filePath, () => {
    const syntax = parseSyntax(source, format, filePath);
    if (!syntax.ok) return syntax;
    return validateParsed(syntax.value, () => source, format, filePath);
  });
}

/**
 * The last line of defence for "one bad file never stops the rest": records
 * nested too deeply are refused by parseOsvRecord, but a parser that recurses
 * on some other shape of input must still cost only that file.
 */
function guardStack(filePath: string, work: () => Result<OsvRecord>): Result<OsvRecord> {
  try {
    return work();
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return fail(new ChainwatchError('invalid-advisory', `cannot be read: ${error.message}`, { location: { path: filePath }, cause: error }));
  }
}


const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * One inflated member of an export zip (or why it could not be inflated) →
 * its record, or the error naming `<archive>!/<entry>`: strict UTF-8, then
 * parseAdvisoryText.
 */
export function advisoryFromZipMember(data: Result<Uint8Array>, format: AdvisoryFormat, entryLabel: string): Result<OsvRecord> {
  if (!data.ok) return data;
  let text: string;
  try {
    text = strictUtf8.decode(data.value);
  } catch (error) {
    return fail(new ChainwatchError('parse-error', 'entry is not UTF-8 text', { location: { path: entryLabel }, cause: error }));
  }
  return parseAdvisoryText(text, format, entryLabel);
}
