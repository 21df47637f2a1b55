import { createRequire } from 'node:module';
import type * as YarnParsers from '@yarnpkg/parsers';
import { excerpt } from '../../core/excerpt.js';
import type { Location } from '../../core/package.js';
import { withoutByteOrderMark } from '../common/byte-order-mark.js';
import { originOf, type RemoteOrigin } from '../common/npm-source.js';
import { addError, addInvalidEntry, addPackage } from '../common/result.js';
import { lineTooDeep, MAX_YAML_NESTING } from '../common/yaml-nesting.js';
import type { ExtractedPackage, ExtractInput, ExtractResult } from '../types.js';
import { descriptorName, key, parseDescriptor, type Descriptor } from './descriptor.js';
import { YARN_BERRY_ENTRY_FIELDS, YarnBerryEntry, YarnClassicEntry } from './schema.js';
import { parseBerryFastPath, readBerryFastPath, type BerryFastPath } from './berry-fast-path.js';
import { indexKeyLines, splitDescriptors } from './key-lines.js';

let symlParser: typeof YarnParsers.parseSyml | undefined;

/**
 * @yarnpkg/parsers' parseSyml, required on first use: the package loads its
 * shell, resolution and syml grammars and js-yaml (about 300 kB of code), and
 * the Berry files Yarn writes never need it (berry-fast-path.ts reads them).
 */
function parseSyml(source: string): unknown {
  symlParser ??= (createRequire(import.meta.url)('@yarnpkg/parsers') as typeof YarnParsers).parseSyml;
  return symlParser(source);
}

type Format = 'classic' | 'berry';

/** The header `parseSyml` looks for to pick its yarn v1 grammar over YAML. */
const CLASSIC_HEADER = /^(#.*(\r?\n))*?#\s+yarn\s+lockfile\s+v1\r?\n/i;
const CLASSIC_HEADER_LINE = '# yarn lockfile v1\n';
const BERRY_METADATA = /^__metadata:/m;

/**
 * Reads a yarn.lock, classic (v1) or Berry (v2+, YAML with `__metadata`),
 * with `parseSyml` from @yarnpkg/parsers, which handles both. One lock entry
 * (however many descriptors its key merges) is one package. Never throws on
 * bad input: a file that does not parse is read again entry by entry, so every
 * well-formed entry is still returned beside the errors.
 */
export function extractYarnLock(input: ExtractInput): ExtractResult {
  const result: ExtractResult = { packages: [], notScannable: [], errors: [] };
  // A byte-order mark would hide the classic header and Berry's `__metadata` from the patterns below.
  const text = withoutOverlongLines(withoutByteOrderMark(input.text), input.path, result);
  const format: Format = BERRY_METADATA.test(text) ? 'berry' : 'classic';
  const fast = format === 'berry' ? readBerryFastPath(text, YARN_BERRY_ENTRY_FIELDS) : null;
  let entries: Entry[];
  if (fast && answersAlone(fast, text)) {
    entries = groupEntries(fast.value, (descriptor) => fast.lineOf.get(descriptor));
  } else {
    entries = readWithParsers(text, format, input.path, result);
  }
  for (const entry of entries) {
    const location: Location = entry.line === undefined ? { path: input.path } : { path: input.path, line: entry.line };
    if (format === 'berry') readBerryEntry(entry, location, result);
    else readClassicEntry(entry, location, result);
  }
  result.packages.sort(byLine);
  result.notScannable.sort(byLine);
  return result;
}

/**
 * Whether the fast path's reading of a whole Berry file stands alone: the
 * nesting check (which parseLockText runs before any parser) cannot refuse
 * text the fast path read, unless it nests 64 levels deep, a quoted key holds
 * `\"` (the check finds the end of a quoted key at the first `"`), or a lone
 * carriage return splits a line for the check and not for the fast path. Then
 * the text takes the long way, and the answer is the same as before.
 */
function answersAlone(fast: BerryFastPath, text: string): boolean {
  return fast.deepest < MAX_YAML_NESTING - 1 && !text.includes('\\"') && !LONE_CARRIAGE_RETURN.test(text);
}

const LONE_CARRIAGE_RETURN = /\r(?!\n)/;

/** The whole text through parseLockText (the nesting check, the fast path, parseSyml), else entry by entry. */
function readWithParsers(text: string, format: Format, path: string, result: ExtractResult): Entry[] {
  const keyLines = indexKeyLines(text);
  const whole = parseLockText(text, format);
  let entries: Entry[];
  if (whole.ok) {
    entries = groupEntries(whole.value, (descriptor) => keyLines.lineOf.get(descriptor));
  } else {
    const recovered = readEntryByEntry(text, format, keyLines.starts);
    entries = recovered.entries;
    // A file too big for parseSyml in one go (a RangeError inside it, seen at 200,000 entries) that
    // reads entry by entry without an error is not broken: nothing to report then.
    let errors = recovered.errors;
    if (errors.length === 0 && whole.error.tooBig !== true) errors = [whole.error];
    // A parser that runs out of input mid-entry reports the line after the last one: that is the last line.
    for (const error of errors) addError(result.errors, 'parse-error', error.message, { path, line: Math.min(error.line, keyLines.lineCount) });
  }
  return entries;
}

/**
 * parseSyml's grammar takes time in the square of the length of one run of
 * blanks or of one unbroken token (100,000 blanks inside a line: 13 s). Real
 * lines are short, except key lines merging many descriptors (`a@^1, a@^2,
 * …`), which parse quickly. So a line longer than MAX_LINE_LENGTH is read
 * only when none of its blank runs is longer than MAX_BLANK_RUN and none of
 * its tokens (between blanks and commas) longer than MAX_LINE_LENGTH;
 * otherwise it is reported and blanked before parsing, keeping every other
 * line's number.
 */
const MAX_LINE_LENGTH = 16 * 1024;
const MAX_BLANK_RUN = 256;

function parsesQuickly(text: string, start: number, end: number): boolean {
  let blanks = 0;
  let token = 0;
  for (let index = start; index < end; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x20 || code === 0x09 || code === 0x0d) {
      blanks += 1;
      token = 0;
      if (blanks > MAX_BLANK_RUN) return false;
    } else {
      blanks = 0;
      token = code === 0x2c ? 0 : token + 1;
      if (token > MAX_LINE_LENGTH) return false;
    }
  }
  return true;
}

function withoutOverlongLines(text: string, path: string, result: ExtractResult): string {
  if (text.length <= MAX_LINE_LENGTH) return text;
  let out: string | null = null;
  let start = 0;
  let line = 1;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    if (end - start > MAX_LINE_LENGTH && !parsesQuickly(text, start, end)) {
      out ??= text.slice(0, start);
      addError(result.errors, 'parse-error', `line is ${end - start} characters long, with a run of blanks or a token too long to parse: not read`, { path, line });
    } else if (out !== null) {
      out += text.slice(start, end);
    }
    if (newline === -1) break;
    if (out !== null) out += '\n';
    start = newline + 1;
    line += 1;
  }
  return out ?? text;
}

/** One lock entry: the descriptors its key lists, its fields, and the line of its key. */
interface Entry {
  descriptors: string[];
  value: unknown;
  line: number | undefined;
}

/**
 * parseSyml splits a classic key `a@1, a@^1` into one property per descriptor,
 * all sharing one object; Berry keeps `"a@npm:1, a@npm:^1"` as one key. Both
 * become one entry here.
 */
function groupEntries(parsed: Record<string, unknown>, lineOf: (descriptor: string) => number | undefined): Entry[] {
  const byValue = new Map<unknown, Entry>();
  const entries: Entry[] = [];
  for (const [parsedKey, value] of Object.entries(parsed)) {
    if (parsedKey === '__metadata') continue;
    const descriptors = splitDescriptors(parsedKey);
    const shared = value !== null && typeof value === 'object' ? byValue.get(value) : undefined;
    if (shared) {
      // One at a time: a spread of a key with 200,000 descriptors would overflow the call stack.
      for (const descriptor of descriptors) shared.descriptors.push(descriptor);
      continue;
    }
    const entry: Entry = { descriptors, value, line: lineOf(descriptors[0] ?? parsedKey) };
    if (value !== null && typeof value === 'object') byValue.set(value, entry);
    entries.push(entry);
  }
  return entries;
}

function readClassicEntry(entry: Entry, location: Location, result: ExtractResult): void {
  if (entry.descriptors.length === 0) {
    addError(result.errors, 'parse-error', 'entry key names no package', location);
    return;
  }
  const parsed = YarnClassicEntry.safeParse(entry.value);
  if (!parsed.success) {
    addInvalidEntry(result.errors, `entry "${excerpt(key(entry.descriptors))}"`, location, parsed.error.issues);
    return;
  }
  const descriptors = entry.descriptors.map(parseDescriptor);
  const rangeOrigins = descriptors.map((descriptor) => descriptor.origin);
  const resolved = parsed.data.resolved === undefined ? undefined : originOf(parsed.data.resolved);
  // file:/link: installs are the project's own folders or vendored copies, not registry packages.
  if (resolved?.kind === 'local' || rangeOrigins.some((origin) => origin.kind === 'local')) return;
  const name = realName(descriptors);
  const extracted: ExtractedPackage = { ecosystem: 'npm', name, version: parsed.data.version ?? null, location, source: 'registry' };
  const gitOrigin = [resolved, ...rangeOrigins].find((origin) => origin?.kind === 'git');
  if (gitOrigin) {
    extracted.source = 'git';
    const commit = resolved?.commit ?? rangeOrigins.find((origin) => origin.commit)?.commit;
    if (commit) extracted.commit = commit;
  } else if (rangeOrigins.some((origin) => origin.kind === 'tarball')) {
    extracted.source = 'url';
  }
  addAlias(extracted, descriptors.map((descriptor) => descriptor.name));
  push(result, extracted);
}

function readBerryEntry(entry: Entry, location: Location, result: ExtractResult): void {
  const parsed = YarnBerryEntry.safeParse(entry.value);
  if (!parsed.success) {
    addInvalidEntry(result.errors, `entry "${excerpt(key(entry.descriptors))}"`, location, parsed.error.issues);
    return;
  }
  const installed = resolveLocator(parsed.data.resolution);
  if (installed === null) {
    addError(result.errors, 'parse-error', `cannot read resolution "${excerpt(parsed.data.resolution)}"`, location);
    return;
  }
  // workspace:, link:, portal: and file: are the project itself or folders on disk.
  if (installed.origin.kind === 'local') return;
  const version = parsed.data.version ?? installed.registryVersion ?? null;
  const extracted: ExtractedPackage = { ecosystem: 'npm', name: installed.name, version, location, source: 'registry' };
  if (installed.origin.kind === 'git') {
    extracted.source = 'git';
    if (installed.origin.commit) extracted.commit = installed.origin.commit;
  } else if (installed.origin.kind === 'tarball') {
    extracted.source = 'url';
  } else if (installed.registryVersion === undefined) {
    extracted.source = 'unknown';
  }
  if (installed.patch !== undefined) extracted.qualifiers = { patch: installed.patch };
  // Only the names count here: what parseDescriptor also works out (each range's origin) a Berry entry does not use.
  addAlias(extracted, entry.descriptors.map(descriptorName));
  push(result, extracted);
}

interface InstalledLocator {
  name: string;
  origin: RemoteOrigin;
  /** Set for `npm:` references: the version the registry served. */
  registryVersion?: string;
  /** For `patch:` references: which patch was applied (`~builtin<compat/resolve>`, a .patch path). */
  patch?: string;
}

/**
 * A Berry resolution is a locator `name@reference`. `patch:` wraps the locator
 * of the package it patches, URL-encoded: `resolve@patch:resolve@npm%3A1.22.8#~builtin<compat/resolve>::version=...`
 * is resolve 1.22.8 with a patch applied, so the advisories of resolve 1.22.8 apply.
 */
function resolveLocator(resolution: string, depth = 0): InstalledLocator | null {
  const at = resolution.indexOf('@', 1);
  if (at === -1 || depth > 3) return null;
  const name = resolution.slice(0, at);
  const reference = resolution.slice(at + 1);
  if (reference.startsWith('npm:')) {
    return { name, origin: { kind: 'unknown' }, registryVersion: reference.slice('npm:'.length) };
  }
  if (reference.startsWith('patch:')) {
    const body = reference.slice('patch:'.length);
    const hash = body.indexOf('#');
    const inner = safeDecode(hash === -1 ? body : body.slice(0, hash));
    if (inner === null) return null;
    const patched = resolveLocator(inner, depth + 1);
    if (patched === null) return null;
    const patch = hash === -1 ? '' : body.slice(hash + 1).split('::')[0]!;
    return { ...patched, patch: safeDecode(patch) ?? patch };
  }
  return { name, origin: originOf(reference) };
}

/** An alias entry (`string-width-cjs@npm:string-width@^4.2.0`) is the real package, installed under another name. */
function realName(descriptors: Descriptor[]): string {
  const first = descriptors[0]!;
  return first.aliasOf ?? first.name;
}

/** Records the alias when every descriptor of the entry asks for the package under one other name. */
function addAlias(extracted: ExtractedPackage, descriptorNames: readonly string[]): void {
  const names = new Set(descriptorNames);
  const [only] = names;
  if (names.size !== 1 || only === undefined || only === extracted.name) return;
  extracted.qualifiers = { ...extracted.qualifiers, alias: only };
}

function push(result: ExtractResult, extracted: ExtractedPackage): void {
  addPackage(result, extracted, 'no version in the lock entry');
}

interface LineError {
  line: number;
  message: string;
  /** The parser ran out of stack: the text was too big or too deep for it, not necessarily wrong. */
  tooBig?: boolean;
}

type ParseOutcome = { ok: true; value: Record<string, unknown> } | { ok: false; error: LineError };

/** Classic files without their header comment would go to the YAML parser: give them the header back. */
function parseLockText(text: string, format: Format): ParseOutcome {
  const shift = format === 'classic' && !CLASSIC_HEADER.test(text) ? 1 : 0;
  const source = shift === 1 ? CLASSIC_HEADER_LINE + text : text;
  // The v1 grammar recurses per level (a few thousand overflow the stack): too deep is not parsed.
  // Entry by entry, only the deep entry is lost.
  const deepLine = lineTooDeep(source);
  if (deepLine !== undefined) return { ok: false, error: { line: Math.max(deepLine - shift, 1), message: `yarn.lock nests deeper than ${MAX_YAML_NESTING} levels` } };
  if (format !== 'classic') {
    const fast = parseBerryFastPath(source);
    if (fast) return { ok: true, value: fast };
  }
  try {
    const value: unknown = parseSyml(source);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return { ok: false, error: { line: 1, message: 'yarn.lock must be a mapping of entries' } };
    }
    return { ok: true, value: value as Record<string, unknown> };
  } catch (error) {
    return { ok: false, error: lineErrorOf(error, shift) };
  }
}

/** Reads each top-level entry on its own, so one broken entry does not hide the others. */
function readEntryByEntry(text: string, format: Format, starts: number[]): { entries: Entry[]; errors: LineError[] } {
  const lines = text.split('\n');
  const entries: Entry[] = [];
  const errors: LineError[] = [];
  starts.forEach((startLine, index) => {
    const endLine = starts[index + 1] ?? lines.length + 1;
    const block = lines.slice(startLine - 1, endLine - 1).join('\n') + '\n';
    const outcome = parseLockText(format === 'classic' ? CLASSIC_HEADER_LINE + block : block, format);
    if (!outcome.ok) {
      const blockLine = format === 'classic' ? outcome.error.line - 1 : outcome.error.line;
      errors.push({ line: startLine + Math.max(blockLine, 1) - 1, message: outcome.error.message });
      return;
    }
    for (const entry of groupEntries(outcome.value, () => startLine)) entries.push(entry);
  });
  return { entries, errors };
}

/** The line of a parser exception: the v1 grammar (peggy) and js-yaml place them differently. */
function lineErrorOf(error: unknown, shift: number): LineError {
  const failure = error as { message?: unknown; reason?: unknown; location?: { start?: { line?: unknown } }; mark?: { line?: unknown } };
  let line = 1;
  if (typeof failure.location?.start?.line === 'number') line = failure.location.start.line - shift;
  else if (typeof failure.mark?.line === 'number') line = failure.mark.line + 1 - shift;
  const reason =
    error instanceof RangeError
      ? // The v1 grammar recurses per descriptor of a key: 200,000 of them overflow the stack.
        'too long or too deeply nested for the parser'
      : typeof failure.reason === 'string'
        ? failure.reason
        : typeof failure.message === 'string'
          ? failure.message.split('\n')[0]
          : undefined;
  // The parsers' messages quote the input they met: bounded, like every quote of input.
  const message = `yarn.lock does not parse: ${excerpt(reason ?? String(error), 200)}`;
  return error instanceof RangeError ? { line: Math.max(line, 1), message, tooBig: true } : { line: Math.max(line, 1), message };
}

function safeDecode(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}

function byLine(a: { location: Location }, b: { location: Location }): number {
  return (a.location.line ?? Number.MAX_SAFE_INTEGER) - (b.location.line ?? Number.MAX_SAFE_INTEGER);
}
