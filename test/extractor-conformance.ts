/**
 * The conformance checks every extractor passes on every real input (STYLE
 * rules 1 and 4): the fixtures of its own tests (inline or in files, through
 * `withConformanceChecks`) and every shared lockfile of its format
 * (src/extractors/conformance.test.ts). On each input, run under a path that
 * detect() accepts and that differs from the one the test gave (so an
 * extractor that ignores `path` is caught):
 *   - extract() does not throw and gives the same result twice;
 *   - the result is well formed (ecosystems the extractor declares, names,
 *     versions, ChainwatchErrors, reasons);
 *   - every package, not-scannable entry and error is located in the given
 *     path (or in a file read through `readRelated`), at a line that exists
 *     in that file's text.
 */
import { expect } from 'vitest';
import { ChainwatchError } from '../src/core/errors.js';
import type { Location } from '../src/core/package.js';
import type { ExtractInput, ExtractResult, Extractor, RelatedFile } from '../src/extractors/types.js';

/**
 * For each extractor id, a file path its detect() accepts: the suite runs an
 * input whose own path is not detected (a fixture named after what it shows,
 * e.g. `one-package.v2.json`) under `<that name>/<this path>`.
 */
export const DETECTED_PATHS: Readonly<Record<string, string>> = {
  spdx: 'image.spdx.json',
  cyclonedx: 'image.cdx.json',
  'package-lock': 'package-lock.json',
  'yarn-lock': 'yarn.lock',
  'pnpm-lock': 'pnpm-lock.yaml',
  'poetry-lock': 'poetry.lock',
  'uv-lock': 'uv.lock',
  'pipfile-lock': 'Pipfile.lock',
  'pdm-lock': 'pdm.lock',
  pylock: 'pylock.toml',
  'requirements-txt': 'requirements.txt',
  'conda-environment': 'environment.yml',
  'conda-meta': 'conda-meta/package-1.0-0.json',
  'dpkg-status': 'var/lib/dpkg/status',
  'python-dist-info': 'site-packages/package-1.0.dist-info/METADATA',
  'node-modules': 'node_modules/package/package.json',
};

/**
 * The path the suite gives the extractor for an input the test gave as `path`:
 * under `conformance/`, and ending in a detected name when `path` is not one.
 */
export function conformancePath(extractor: Extractor, path: string): string {
  const relative = path.replace(/^[\\/]+/, '');
  const parts = ['conformance', relative];
  if (!extractor.detect(path)) parts.push(detectedPath(extractor));
  return parts.filter((part) => part !== '').join('/');
}

function detectedPath(extractor: Extractor): string {
  const path = DETECTED_PATHS[extractor.id];
  if (path === undefined) throw new Error(`extractor ${extractor.id} has no entry in DETECTED_PATHS (test/extractor-conformance.ts)`);
  return path;
}

/** Lines of a text, counted as the most generous format does (\n, \r\n and a lone \r all end a line). */
function lineCount(text: string, { countAfterLastBreak }: { countAfterLastBreak: boolean }): number {
  const lines = text.split(/\r\n|\r|\n/).length;
  // "a\n" has one line; an error may still point at the empty line after it (unexpected end of file).
  return !countAfterLastBreak && /[\r\n]$/.test(text) ? lines - 1 : lines;
}

/** A result reduced to what two runs must agree on (an error's stack differs from run to run). */
function comparable(result: ExtractResult): unknown {
  return {
    packages: result.packages,
    notScannable: result.notScannable,
    errors: result.errors.map((error) => ({ code: error.code, message: error.message, location: error.location })),
  };
}

/**
 * The shape and locations of one result: every problem found, as sentences
 * (empty when the result conforms). `files` are the texts the result may point
 * into: the input's own and those `readRelated` gave.
 */
export function conformanceProblems(extractor: Extractor, result: ExtractResult, files: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  if (!Array.isArray(result.packages) || !Array.isArray(result.notScannable) || !Array.isArray(result.errors)) {
    return ['the result lacks one of its packages, notScannable and errors lists'];
  }
  const lineCounts = new Map<string, { withoutAfterLastBreak: number; withAfterLastBreak: number }>();
  for (const [path, text] of files) {
    lineCounts.set(path, { withoutAfterLastBreak: lineCount(text, { countAfterLastBreak: false }), withAfterLastBreak: lineCount(text, { countAfterLastBreak: true }) });
  }
  const checkLocation = (what: string, location: Location | undefined, options: { countAfterLastBreak: boolean; lineRequired: boolean }): void => {
    if (location === undefined) {
      problems.push(`${what} has no location`);
      return;
    }
    const counts = lineCounts.get(location.path);
    if (counts === undefined) {
      problems.push(`${what} is located in ${JSON.stringify(location.path)}, not in the given path ${JSON.stringify([...files.keys()][0])}`);
      return;
    }
    if (location.line === undefined) {
      if (options.lineRequired) problems.push(`${what} has no line`);
      return;
    }
    const lines = options.countAfterLastBreak ? counts.withAfterLastBreak : counts.withoutAfterLastBreak;
    if (!Number.isInteger(location.line) || location.line < 1 || location.line > lines) {
      problems.push(`${what} is at line ${location.line}, but ${location.path} has ${lines} lines`);
    }
  };
  for (const pkg of result.packages) {
    const what = `package ${JSON.stringify(pkg.name)}`;
    if (!extractor.ecosystems.includes(pkg.ecosystem)) problems.push(`${what} has ecosystem ${pkg.ecosystem}, which ${extractor.id} does not declare`);
    if (typeof pkg.name !== 'string' || pkg.name.length === 0) problems.push(`${what} has no name`);
    if (pkg.version !== null && typeof pkg.version !== 'string') problems.push(`${what} has version ${JSON.stringify(pkg.version)}`);
    checkLocation(what, pkg.location, { countAfterLastBreak: false, lineRequired: false });
  }
  for (const entry of result.notScannable) {
    const what = `not-scannable ${JSON.stringify(entry.name)}`;
    if (typeof entry.reason !== 'string' || entry.reason.length === 0) problems.push(`${what} gives no reason`);
    checkLocation(what, entry.location, { countAfterLastBreak: false, lineRequired: false });
  }
  for (const error of result.errors) {
    if (!(error instanceof ChainwatchError)) {
      problems.push(`error ${String(error)} is not a ChainwatchError`);
      continue;
    }
    checkLocation(`error ${error.code} ${JSON.stringify(error.message.slice(0, 80))}`, error.location, { countAfterLastBreak: true, lineRequired: false });
  }
  return problems;
}

/** Runs `extract` on `input`, keeping the texts `readRelated` gave so locations can be checked against them. */
function extractKeepingFiles(extractor: Extractor, input: ExtractInput): { result: ExtractResult; files: Map<string, string> } {
  const files = new Map([[input.path, input.text]]);
  const readRelated = input.readRelated;
  const result = extractor.extract({
    ...input,
    readRelated:
      readRelated &&
      ((relativePath: string): RelatedFile | null => {
        const related = readRelated(relativePath);
        if (related !== null && 'text' in related) files.set(related.path, related.text);
        return related;
      }),
  });
  return { result, files };
}

/**
 * Every conformance problem of `extractor` on `input` (empty when it conforms).
 * The input is run twice under `conformancePath(extractor, input.path)`.
 */
export function conformanceProblemsOn(extractor: Extractor, input: ExtractInput): string[] {
  const path = conformancePath(extractor, input.path);
  const where = `${extractor.id} on ${JSON.stringify(input.path)} (run as ${JSON.stringify(path)})`;
  if (!extractor.detect(path)) return [`${where}: detect() refuses the path`];
  let first: ReturnType<typeof extractKeepingFiles>;
  let second: ReturnType<typeof extractKeepingFiles>;
  try {
    first = extractKeepingFiles(extractor, { ...input, path });
    second = extractKeepingFiles(extractor, { ...input, path });
  } catch (error) {
    return [`${where}: extract() threw ${String(error)}`];
  }
  const problems = conformanceProblems(extractor, first.result, first.files).map((problem) => `${where}: ${problem}`);
  if (JSON.stringify(comparable(first.result)) !== JSON.stringify(comparable(second.result))) {
    problems.push(`${where}: two runs on the same input give different results`);
  }
  return problems;
}

/** Asserts that `extractor` conforms on `input`. */
export function expectConformance(extractor: Extractor, input: ExtractInput): void {
  expect(conformanceProblemsOn(extractor, input)).toEqual([]);
}

/**
 * The extractor as its tests should use it: every input a test extracts is
 * also run through the conformance checks, so every fixture the tests use,
 * inline or in a file, is covered without being listed twice. The test gets
 * the result of its own call, with its own path; the checks' runs get the
 * answers its `readRelated` already gave instead of asking it again, so a test
 * that counts what was read counts only its own call.
 */
export function withConformanceChecks(extractor: Extractor): Extractor {
  return {
    id: extractor.id,
    ecosystems: extractor.ecosystems,
    detect: (path) => extractor.detect(path),
    extract(input) {
      const readRelated = input.readRelated;
      if (readRelated === undefined) {
        const result = extractor.extract(input);
        expectConformance(extractor, input);
        return result;
      }
      const answers = new Map<string, RelatedFile | null>();
      const remembered = (relativePath: string): RelatedFile | null => {
        if (!answers.has(relativePath)) answers.set(relativePath, readRelated(relativePath));
        return answers.get(relativePath)!;
      };
      const result = extractor.extract({ ...input, readRelated: remembered });
      expectConformance(extractor, { ...input, readRelated: remembered });
      return result;
    },
  };
}
