/**
 * One suite for every registered extractor (STYLE rule 1): whatever the format,
 * an extractor is path-only in detect(), total in extract() (bad input is an
 * error value, never a throw or a hang), deterministic, and puts a location in
 * the given path, at a line of the text, on every package and error. The
 * per-input checks live in test/extractor-conformance.ts; they run here on
 * arbitrary input and on every shared lockfile, and in each extractor's own
 * tests on every input those tests extract.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix, sep } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { conformancePath, conformanceProblems, DETECTED_PATHS, expectConformance } from '../../test/extractor-conformance.js';
import { describeWithSharedData, sharedDataPath } from '../../test/shared-data.js';
import { extractors as registry, loadExtractors } from './index.js';
import type { Extractor, RelatedFile } from './types.js';

const extractors = await loadExtractors();

/** Arbitrary `text` extracted as `path` gives a well-formed result located in `path` (there is no other file). */
function expectWellFormedOn(extractor: Extractor, path: string, text: string): void {
  const result = extractor.extract({ path, text, readRelated: () => null });
  expect(conformanceProblems(extractor, result, new Map([[path, text]]))).toEqual([]);
}

describe.each(extractors.map((extractor) => [extractor.id, extractor] as const))('extractor %s', (id, extractor) => {
  it('is what its registry entry loads, with the entry\'s own id, ecosystems and detection', () => {
    const entry = registry.find((candidate) => candidate.id === id)!;
    expect(entry.ecosystems).toEqual(extractor.ecosystems);
    expect(entry.detect).toBe(extractor.detect);
    expect(registry.indexOf(entry)).toBe(extractors.indexOf(extractor));
  });

  it('has a kebab-case id that is unique in the registry', () => {
    expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
    expect(extractors.filter((other) => other.id === id)).toHaveLength(1);
  });

  it('detects the path the conformance checks run its inputs under', () => {
    expect(DETECTED_PATHS[id]).toBeDefined();
    expect(extractor.detect(DETECTED_PATHS[id]!)).toBe(true);
    expect(extractor.detect(`project/${DETECTED_PATHS[id]!}`)).toBe(true);
  });

  it('its own tests run every input they extract through the conformance checks', () => {
    // Each extractor test file extracts through withConformanceChecks(extractor), so its
    // inline and file fixtures are all checked here without being listed a second time.
    const testFile = new URL(`./${id}/${id}.test.ts`, import.meta.url);
    expect(existsSync(testFile)).toBe(true);
    const uses = /= withConformanceChecks\(/.test(readFileSync(testFile, 'utf8'));
    expect(uses, `${id}/${id}.test.ts extracts through withConformanceChecks(extractor)`).toBe(true);
  });

  it('detect() never throws on odd paths', () => {
    fc.assert(
      fc.property(fc.string(), (path) => {
        expect(typeof extractor.detect(path)).toBe('boolean');
      }),
      { numRuns: 200 },
    );
  });

  it('extract() is total: arbitrary text gives a well-formed result located in the given path, never a throw', () => {
    const path = conformancePath(extractor, 'fuzz/input');
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => expectWellFormedOn(extractor, path, text)),
      { numRuns: 300 },
    );
  });

  it('extract() is total on structured junk (JSON, YAML and TOML shaped)', () => {
    const path = conformancePath(extractor, 'fuzz/structured');
    const structured = fc.oneof(
      fc.json().map((json) => json),
      fc.dictionary(fc.string({ maxLength: 12 }), fc.jsonValue()).map((value) => JSON.stringify(value, null, 2)),
      fc.array(fc.tuple(fc.string({ maxLength: 10 }), fc.string({ maxLength: 10 })), { maxLength: 20 }).map((pairs) =>
        pairs.map(([key, value]) => `${key}:\n  version: "${value}"\n[[package]]\nname = "${key}"\nversion = "${value}"`).join('\n'),
      ),
    );
    fc.assert(
      fc.property(structured, (text) => expectWellFormedOn(extractor, path, text)),
      { numRuns: 300 },
    );
  });
});

/**
 * Each folder of ../shared/data/lockfiles and the extractor whose format it
 * holds (folder names follow osv-scalibr's extractors). conda-environment,
 * CycloneDX and SPDX have no folder there: their fixtures are their tests'.
 */
const SHARED_LOCKFILE_FOLDERS: Readonly<Record<string, string>> = {
  'javascript/packagelockjson': 'package-lock',
  'javascript/pnpmlock': 'pnpm-lock',
  'javascript/yarnlock': 'yarn-lock',
  'python/condameta': 'conda-meta',
  'python/pdmlock': 'pdm-lock',
  'python/pipfilelock': 'pipfile-lock',
  'python/poetrylock': 'poetry-lock',
  'python/pylock': 'pylock',
  'python/requirements': 'requirements-txt',
  'python/uvlock': 'uv-lock',
  'os/dpkg': 'dpkg-status',
};

function extractorById(id: string): Extractor | undefined {
  return extractors.find((extractor) => extractor.id === id);
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' })
    .filter((name) => statSync(join(directory, name)).isFile())
    .map((name) => name.split(sep).join('/'))
    .sort();
}

describeWithSharedData('every shared lockfile conforms', () => {
  const lockfiles = sharedDataPath('lockfiles');

  it('every lockfile folder is read by a registered extractor', () => {
    const folders = readdirSync(lockfiles).flatMap((language) => readdirSync(join(lockfiles, language)).map((format) => `${language}/${format}`));
    expect(folders.sort()).toEqual(Object.keys(SHARED_LOCKFILE_FOLDERS).sort());
    for (const id of Object.values(SHARED_LOCKFILE_FOLDERS)) expect(extractorById(id)).toBeDefined();
  });

  describe.each(Object.entries(SHARED_LOCKFILE_FOLDERS))('%s (%s)', (folder, id) => {
    const extractor = extractorById(id)!;
    const directory = join(lockfiles, folder);
    it.each(filesUnder(directory))('%s', (name) => {
      const file = join(directory, name);
      // Includes (requirements.txt `-r`) and the npm-shrinkwrap.json beside a lockfile are
      // read from the fixture's own folder, named relative to the path the extractor was given.
      const readRelated = (relativePath: string): RelatedFile | null => {
        const related = join(dirname(file), relativePath);
        if (!existsSync(related) || !statSync(related).isFile()) return null;
        const path = posix.join(posix.dirname(conformancePath(extractor, `lockfiles/${folder}/${name}`)), relativePath);
        return { path, text: readFileSync(related, 'utf8') };
      };
      expectConformance(extractor, { path: `lockfiles/${folder}/${name}`, text: readFileSync(file, 'utf8'), readRelated });
    });
  });
});
