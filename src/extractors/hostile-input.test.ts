/**
 * Hostile input, one table for every format (STYLE rule 1): nesting 100,000 deep, arrays of
 * 150,000 items, files of junk keys, a leading byte-order mark. Each input is generated here at
 * run time. Whatever the file, extract() returns: a stack overflow or a spread of a huge array
 * into a call once aborted a whole scan; junk that parsed once gave "0 packages" and exit 0.
 * requirements-txt has its own hostile cases (its includes) beside it.
 */
import { describe, expect, it } from 'vitest';
import { MAX_ERRORS_PER_FILE } from './common/result.js';
import { loadExtractors } from './index.js';
import type { ExtractResult } from './types.js';

const DEEP = 100_000;
const WIDE = 150_000;
const JUNK = 20_000;

interface Format {
  /** Extractor id. */
  id: string;
  path: string;
  /** A valid file whose one package is `a`, at `line`. */
  sample: string;
  line: number;
  /** A file nested DEEP levels (or as deep as the format can be). */
  deep: string;
  /** The sample with an array of WIDE items inside its package entry. */
  wide: string;
  /** Whether `a` is still read from `wide` (false where the parser gives up on a key that long). */
  wideKeepsPackage: boolean;
  /** JUNK keys, lines or entries that are not the format's. */
  junk: string;
}

const open = (count: number) => '['.repeat(count);
const nested = (count: number) => `${'['.repeat(count)}${']'.repeat(count)}`;
const items = (count: number, item: string) => Array.from({ length: count }, () => item).join(', ');
const lines = (count: number, line: (index: number) => string) => Array.from({ length: count }, (_, index) => line(index)).join('\n');

function tomlFormat(id: string, path: string, header: string, key: string): Format {
  const headerLines = header === '' ? 0 : header.split('\n').length - 1;
  const entry = `[[${key}]]\nname = "a"\nversion = "1.0"\n`;
  return {
    id,
    path,
    sample: `${header}${entry}`,
    line: headerLines + 1,
    deep: `${header}${entry}x = ${nested(DEEP)}\n`,
    wide: `${header}${entry}x = [${items(WIDE, '"x"')}]\n`,
    wideKeepsPackage: true,
    junk: lines(JUNK, (index) => `junk${index} = ${index}`),
  };
}

function jsonFormat(id: string, path: string, sample: string, line: number, wrap: (entryExtra: string) => string): Format {
  return {
    id,
    path,
    sample,
    line,
    deep: wrap(`, "x": ${nested(DEEP)}`),
    wide: wrap(`, "x": [${items(WIDE, '1')}]`),
    wideKeepsPackage: true,
    junk: `{${lines(JUNK, (index) => `"junk${index}": ${index}`).replace(/\n/g, ',\n')}}`,
  };
}

const cyclonedx = (extra = '') => `{\n  "bomFormat": "CycloneDX",\n  "components": [\n    {"name": "a", "purl": "pkg:npm/a@1.0.0"${extra}}\n  ]\n}\n`;
const spdx = (extra = '') =>
  `{\n  "spdxVersion": "SPDX-2.3",\n  "packages": [\n    {"name": "a", "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:npm/a@1.0.0"}]${extra}}\n  ]\n}\n`;
const packageLock = (extra = '') => `{\n  "lockfileVersion": 3,\n  "packages": {\n    "": {},\n    "node_modules/a": {"version": "1.0.0"${extra}}\n  }\n}\n`;
const pipfileLock = (extra = '') => `{\n  "_meta": {},\n  "default": {\n    "a": {"version": "==1.0"${extra}}\n  }\n}\n`;
const condaMeta = (extra = '') => `{\n  "name": "a",\n  "version": "1.0"${extra}\n}\n`;
const installedPackageJson = (extra = '') => `{\n  "name": "a",\n  "version": "1.0.0"${extra}\n}\n`;
const berryHeader = '__metadata:\n  version: 8\n\n';
const berryEntry = '"a@npm:^1.0.0":\n  version: 1.0.0\n  resolution: "a@npm:1.0.0"\n';

const formats: Format[] = [
  tomlFormat('poetry-lock', 'poetry.lock', '', 'package'),
  tomlFormat('uv-lock', 'uv.lock', 'version = 1\nrequires-python = ">=3.9"\n\n', 'package'),
  tomlFormat('pdm-lock', 'pdm.lock', '[metadata]\ngroups = ["default"]\n\n', 'package'),
  tomlFormat('pylock', 'pylock.toml', 'lock-version = "1.0"\n\n', 'packages'),
  jsonFormat('pipfile-lock', 'Pipfile.lock', pipfileLock(), 4, pipfileLock),
  jsonFormat('package-lock', 'package-lock.json', packageLock(), 5, packageLock),
  jsonFormat('cyclonedx', 'bom.json', cyclonedx(), 4, cyclonedx),
  jsonFormat('spdx', 'sbom.spdx.json', spdx(), 4, spdx),
  jsonFormat('conda-meta', 'env/conda-meta/a-1.0-0.json', condaMeta(), 1, condaMeta),
  jsonFormat('node-modules', 'node_modules/a/package.json', installedPackageJson(), 2, installedPackageJson),
  {
    id: 'pnpm-lock',
    path: 'pnpm-lock.yaml',
    sample: "lockfileVersion: '9.0'\n\npackages:\n\n  a@1.0.0:\n    resolution: {integrity: sha512-x}\n",
    line: 5,
    deep: `lockfileVersion: '9.0'\n\npackages:\n\n  a@1.0.0:\n    x: ${open(DEEP)}\n`,
    wide: `lockfileVersion: '9.0'\n\npackages:\n\n  a@1.0.0:\n    resolution: {integrity: sha512-x}\n    cpu: [${items(WIDE, 'x')}]\n`,
    wideKeepsPackage: true,
    junk: lines(JUNK, (index) => `junk${index}: ${index}`),
  },
  {
    id: 'yarn-lock',
    path: 'yarn.lock',
    sample: '# yarn lockfile v1\n\n\na@^1.0.0:\n  version "1.0.0"\n',
    line: 4,
    deep: `# yarn lockfile v1\n\n\na@^1.0.0:\n  version "1.0.0"\n  x ${open(DEEP)}\n`,
    // parseSyml's v1 grammar gives up on a key this long (a RangeError inside the library): one error, no crash.
    wide: `# yarn lockfile v1\n\n\n${Array.from({ length: WIDE }, (_, index) => `a@^${index}`).join(', ')}:\n  version "1.0.0"\n`,
    wideKeepsPackage: false,
    junk: `# yarn lockfile v1\n\n${lines(JUNK, (index) => `junk${index} "x"`)}\n`,
  },
  {
    id: 'yarn-lock',
    path: 'berry/yarn.lock',
    sample: `${berryHeader}${berryEntry}`,
    line: 4,
    deep: `${berryHeader}${berryEntry}  x: ${open(DEEP)}\n`,
    // Berry keys list their descriptors in one string: 150,000 of them were spread into push().
    wide: `${berryHeader}"${Array.from({ length: WIDE }, (_, index) => `a@npm:^${index}`).join(', ')}":\n  version: 1.0.0\n  resolution: "a@npm:1.0.0"\n`,
    wideKeepsPackage: true,
    junk: `${berryHeader}${lines(JUNK, (index) => `junk${index}: x`)}\n`,
  },
  {
    id: 'conda-environment',
    path: 'environment.yml',
    sample: 'name: x\nchannels:\n  - conda-forge\ndependencies:\n  - a=1.0=h1\n',
    line: 5,
    deep: `name: x\ndependencies:\n  - a=1.0=h1\n  - ${open(DEEP)}\n`,
    wide: `name: x\nchannels:\n  - conda-forge\ndependencies:\n  - a=1.0=h1\nvariables: [${items(WIDE, 'x')}]\n`,
    wideKeepsPackage: true,
    junk: lines(JUNK, (index) => `junk${index}: ${index}`),
  },
  {
    id: 'dpkg-status',
    path: 'var/lib/dpkg/status',
    sample: 'Package: a\nStatus: install ok installed\nVersion: 1.0\n',
    line: 1,
    // deb822 does not nest: the deepest it gets is a field continued over many lines.
    deep: `Package: a\nStatus: install ok installed\nVersion: 1.0\nDescription: x\n${lines(DEEP, () => ' x')}\n`,
    wide: `Package: a\nStatus: install ok installed\nVersion: 1.0\nDepends: ${items(WIDE, 'x')}\n`,
    wideKeepsPackage: true,
    junk: lines(JUNK, (index) => `junk ${index}`),
  },
  {
    id: 'python-dist-info',
    path: 'site-packages/a-1.0.dist-info/METADATA',
    sample: 'Metadata-Version: 2.1\nName: a\nVersion: 1.0\n',
    line: 2,
    // Core metadata headers do not nest either: the deepest is a field continued over many lines.
    deep: `Metadata-Version: 2.1\nName: a\nVersion: 1.0\nDescription: x\n${lines(DEEP, () => '        |x')}\n`,
    wide: `Metadata-Version: 2.1\nName: a\nVersion: 1.0\nRequires-Dist: ${items(WIDE, 'x')}\n`,
    wideKeepsPackage: true,
    junk: lines(JUNK, (index) => `junk ${index}`),
  },
];

/** Formats that have no nesting: their "deep" input is a long continued field, which is no error. */
const WITHOUT_NESTING: ReadonlySet<string> = new Set(['dpkg-status', 'python-dist-info']);

const extractors = await loadExtractors();

function extract(format: Format, text: string): ExtractResult {
  const extractor = extractors.find((candidate) => candidate.id === format.id);
  if (!extractor) throw new Error(`no extractor ${format.id}`);
  expect(extractor.detect(format.path)).toBe(true);
  return extractor.extract({ path: format.path, text, readRelated: () => null });
}

/** Every error names the file and a line; at most MAX_ERRORS_PER_FILE are listed, plus one that says so. */
function expectLocatedErrors(result: ExtractResult, format: Format): void {
  expect(result.errors.length).toBeLessThanOrEqual(MAX_ERRORS_PER_FILE + 1);
  for (const error of result.errors) {
    expect(error.location?.path).toBe(format.path);
    expect(error.location?.line).toBeGreaterThanOrEqual(1);
  }
}

const names = (result: ExtractResult) => result.packages.map((found) => [found.name, found.location.line]);

describe.each(formats.map((format) => [format.path, format] as const))('%s', (_path, format) => {
  it('the sample gives package a at its line', () => {
    const result = extract(format, format.sample);
    expect(result.errors).toEqual([]);
    expect(names(result)).toEqual([['a', format.line]]);
  });

  it('a leading byte-order mark changes nothing, lines included', () => {
    const plain = extract(format, format.sample);
    const marked = extract(format, `\uFEFF${format.sample}`);
    expect(marked.packages).toEqual(plain.packages);
    expect(marked.notScannable).toEqual(plain.notScannable);
    expect(marked.errors).toEqual([]);
  });

  it(`nesting ${DEEP.toLocaleString('en')} deep is an error with a line, not a stack overflow`, () => {
    const result = extract(format, format.deep);
    expectLocatedErrors(result, format);
    if (!WITHOUT_NESTING.has(format.id)) expect(result.errors.map((error) => error.code)).toContain('parse-error');
  });

  it(`an array of ${WIDE.toLocaleString('en')} items is read without spreading it into a call`, () => {
    const result = extract(format, format.wide);
    expectLocatedErrors(result, format);
    if (format.wideKeepsPackage) expect(names(result).map(([name]) => name)).toContain('a');
    else expect(result.errors.map((error) => error.code)).toEqual(['parse-error']);
  });

  it(`${JUNK.toLocaleString('en')} keys that are not the format's say so instead of "no packages"`, () => {
    const result = extract(format, format.junk);
    expect(result.packages).toEqual([]);
    expect(result.errors.length).toBeGreaterThan(0);
    expectLocatedErrors(result, format);
    for (const error of result.errors) expect(['parse-error', 'unsupported-format']).toContain(error.code);
  });
});
