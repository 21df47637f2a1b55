/**
 * What every extractor test needs: the shared fixtures, expected-package
 * builders, a result summary to compare, the "damaged real file" arbitrary and
 * the well-formedness checks the fuzz tests assert. Test-only: the product never
 * reads ../shared/data (suites that do are declared with describeWithSharedData).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { ErrorCode } from '../src/core/errors.js';
import type { Ecosystem } from '../src/core/package.js';
import type { ExtractedPackage, ExtractResult, Extractor } from '../src/extractors/types.js';
import { sharedData } from './shared-data.js';

/** A file under shared/data, as text. */
export function readSharedFile(relativePath: string): string {
  return readFileSync(resolve(sharedData, relativePath), 'utf8');
}

export interface FixtureFolder {
  /** The absolute path of a file in the folder. */
  path(name: string): string;
  read(name: string): string;
}

/** One fixture folder under shared/data, e.g. `fixtureFolder('lockfiles/python/uvlock')`. */
export function fixtureFolder(folder: string): FixtureFolder {
  const directory = resolve(sharedData, folder);
  return {
    path: (name) => resolve(directory, name),
    read: (name) => readFileSync(resolve(directory, name), 'utf8'),
  };
}

/** Extracts a fixture with its own file name as the path, as most fixture tables expect. */
export function extractFixture(extractor: Extractor, fixtures: FixtureFolder, name: string): ExtractResult {
  return extractor.extract({ path: name, text: fixtures.read(name) });
}

export interface ExtractorFixtures extends FixtureFolder {
  /** Extracts a fixture of the folder with its own file name as the path. */
  extract(name: string): ExtractResult;
}

/** One extractor's fixture folder under shared/data. */
export function extractorFixtures(extractor: Extractor, folder: string): ExtractorFixtures {
  const fixtures = fixtureFolder(folder);
  return { ...fixtures, extract: (name) => extractFixture(extractor, fixtures, name) };
}

/** A fixture table row passes when the file gives exactly these packages, nothing else. */
export function expectOnlyPackages(result: ExtractResult, expected: ExtractedPackage[]): void {
  expect(result.errors).toEqual([]);
  expect(result.notScannable).toEqual([]);
  expect(result.packages).toEqual(expected);
}

/** A file that is not the format at all: no packages and one parse error at `line`. */
export function expectOneParseError(result: ExtractResult, path: string, line: number): void {
  expect(result.packages).toEqual([]);
  expect(result.errors.map((error) => [error.code, error.location])).toEqual([['parse-error', { path, line }]]);
}

/** An expected registry package: the shape most extractors return for a pinned entry. */
export function registryPackage(
  ecosystem: Ecosystem,
  name: string,
  version: string | null,
  path: string,
  line: number,
  extra: Partial<ExtractedPackage> = {},
): ExtractedPackage {
  return { ecosystem, name, version, location: { path, line }, source: 'registry', ...extra };
}

/** An expected PyPI registry package. */
export function pypiPackage(name: string, version: string, path: string, line: number, extra: Partial<ExtractedPackage> = {}): ExtractedPackage {
  return registryPackage('PyPI', name, version, path, line, extra);
}

/** [name, version, line, extras]: one expected package, written from reading the fixture. */
export type PackageRow = [string, string | null, number, Partial<ExtractedPackage>?];

/** Expected registry packages of one file from compact rows. */
export function packagesFromRows(ecosystem: Ecosystem, path: string, rows: PackageRow[]): ExtractedPackage[] {
  return rows.map(([name, version, line, extra]) => registryPackage(ecosystem, name, version, path, line, extra));
}

/** Expected npm registry packages of one file from compact rows. */
export function npmPackages(path: string, rows: PackageRow[]): ExtractedPackage[] {
  return packagesFromRows('npm', path, rows);
}

/** Extras of an expected package installed from git at `commit`. */
export function fromGit(commit: string, extra: Partial<ExtractedPackage> = {}): Partial<ExtractedPackage> {
  return { source: 'git', commit, ...extra };
}

/** Extras of expected dev-only and optional packages. */
export const DEV_ONLY = { dev: true } as const;
export const OPTIONAL = { optional: true } as const;

export interface ResultSummary {
  packages: ExtractResult['packages'];
  notScannable: ExtractResult['notScannable'];
  /** Errors reduced to what tests compare: code and line (and path when asked for). */
  errors: Array<{ code: ErrorCode; line: number | undefined; path?: string | undefined }>;
}

/** Extracts `text` as `path` and summarises the errors, so that a whole result is one `toEqual`. */
export function runExtractor(extractor: Extractor, path: string, text: string, options: { errorPaths?: boolean } = {}): ResultSummary {
  const result = extractor.extract({ path, text });
  return {
    packages: result.packages,
    notScannable: result.notScannable,
    errors: result.errors.map((error) =>
      options.errorPaths
        ? { code: error.code, line: error.location?.line, path: error.location?.path }
        : { code: error.code, line: error.location?.line },
    ),
  };
}

export interface DamagedCopy {
  /** The text cut short at a random point. */
  truncated: string;
  /** Random noise inserted into the text (or the cut text), or written over part of it. */
  spliced: string;
}

/**
 * Real files damaged the ways real files get damaged: cut short (an interrupted
 * write or download) and with stray bytes in the middle (a bad merge, a wrong
 * encoding). Parsers must never throw on either.
 */
export function damagedCopies(texts: readonly string[], noise: fc.Arbitrary<string> = fc.string({ unit: 'binary', maxLength: 40 })): fc.Arbitrary<DamagedCopy> {
  return fc
    .tuple(fc.constantFrom(...texts), fc.nat(), fc.nat(), noise, fc.boolean(), fc.boolean())
    .map(([text, cutAt, spliceAt, junk, intoTruncated, overwrite]) => {
      const truncated = text.slice(0, cutAt % (text.length + 1));
      const base = intoTruncated ? truncated : text;
      const at = spliceAt % (base.length + 1);
      return { truncated, spliced: base.slice(0, at) + junk + base.slice(at + (overwrite ? junk.length : 0)) };
    });
}

/** Runs `check` on both damaged copies of `numRuns` random damages of `texts` (noise: binary strings unless given). */
export function checkDamagedCopies(
  texts: readonly string[],
  check: (text: string) => void,
  options: { numRuns: number; noise?: fc.Arbitrary<string> },
): void {
  fc.assert(
    fc.property(damagedCopies(texts, options.noise), ({ truncated, spliced }) => {
      check(truncated);
      check(spliced);
    }),
    { numRuns: options.numRuns },
  );
}

export interface WellFormed {
  /** Every package and not-scannable entry is located in this file. */
  path?: string;
  /** Every error has one of these codes. */
  errorCodes?: readonly ErrorCode[];
  /** Every package has a line (formats where every entry has one). */
  linesKnown?: boolean;
  /** Every package and not-scannable line lies within `text`, split into lines at `lineBreak`. */
  linesWithin?: { text: string; lineBreak: string | RegExp };
}

/**
 * What a result of any input, however broken, must look like: packages with
 * names and lines from 1 on, and whatever the caller adds.
 */
export function expectWellFormed(result: ExtractResult, expectations: WellFormed = {}): void {
  const located = [...result.packages, ...result.notScannable];
  for (const found of result.packages) {
    expect(typeof found.name).toBe('string');
    expect(found.name.length).toBeGreaterThan(0);
    if (expectations.linesKnown) expect(found.location.line).toBeGreaterThanOrEqual(1);
  }
  for (const item of located) {
    if (item.location.line !== undefined) expect(item.location.line).toBeGreaterThanOrEqual(1);
    if (expectations.path !== undefined) expect(item.location.path).toBe(expectations.path);
  }
  if (expectations.linesWithin) {
    const lineCount = expectations.linesWithin.text.split(expectations.linesWithin.lineBreak).length;
    for (const item of located) {
      expect(item.location.line).toBeGreaterThanOrEqual(1);
      expect(item.location.line).toBeLessThanOrEqual(lineCount);
    }
  }
  const errorCodes = expectations.errorCodes;
  if (errorCodes) for (const error of result.errors) expect(errorCodes).toContain(error.code);
}
