import { cpSync, existsSync, mkdtempSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { withConformanceChecks } from '../../../test/extractor-conformance.js';
import { buildInventory } from '../../inventory/inventory.js';
import { DEFAULT_SKIPPED_DIRECTORIES } from '../../inventory/walk.js';
import { extractor as extractorUnderTest } from './index.js';

/** Every input these tests extract is also run through the shared conformance checks. */
const extractor = withConformanceChecks(extractorUnderTest);

/** This repository's own installed dependencies: the test environment always has them (npm ci). */
const NODE_MODULES = fileURLToPath(new URL('../../../node_modules/', import.meta.url));

describe('node-modules detect', () => {
  it.each([
    ['node_modules/semver/package.json', true],
    ['app/node_modules/@types/node/package.json', true],
    ['node_modules/a/node_modules/b/package.json', true],
    ['node_modules/.pnpm/yaml@2.5.0/node_modules/yaml/package.json', true],
    ['C:\\app\\node_modules\\semver\\package.json', true],
    // The project's own manifest, and manifests inside a package (sub-path exports, test fixtures' roots).
    ['package.json', false],
    ['app/package.json', false],
    ['node_modules/package.json', false],
    ['node_modules/@scope/package.json', false],
    ['node_modules/@babel/runtime/helpers/esm/package.json', false],
    ['node_modules/lodash/fp/package.json', false],
    ['node_modules/.bin/package.json', false],
    ['node_modules/semver/package-lock.json', false],
    ['node_modules/@/x/package.json', false],
  ])('%s → %s', (path, expected) => {
    expect(extractor.detect(path)).toBe(expected);
  });
});

interface InstalledEntry {
  version?: string;
  name?: string;
  link?: boolean;
}

/** npm's own record of the installed tree (node_modules/.package-lock.json): what every installed manifest must give. */
function installedTree(): [string, InstalledEntry][] {
  const lock = JSON.parse(readFileSync(join(NODE_MODULES, '.package-lock.json'), 'utf8')) as { packages: Record<string, InstalledEntry> };
  return Object.entries(lock.packages).filter(([key, entry]) => key.startsWith('node_modules/') && entry.link !== true);
}

/** Every package.json under node_modules, as `node_modules/...` paths. */
function manifestsOnDisk(): string[] {
  return readdirSync(NODE_MODULES, { recursive: true, encoding: 'utf8' })
    .map((name) => name.split(sep).join('/'))
    .filter((name) => name === 'package.json' || name.endsWith('/package.json'))
    .map((name) => `node_modules/${name}`);
}

describe('node-modules on this repository\'s installed packages (real package.json files)', () => {
  const tree = installedTree();

  it('npm\'s record lists hundreds of packages (the check below is not vacuous)', () => {
    expect(tree.length).toBeGreaterThan(100);
  });

  it('each installed package\'s manifest gives the name and version npm recorded, at the line of "name"', () => {
    const problems: string[] = [];
    for (const [key, entry] of tree) {
      const path = `${key}/package.json`;
      const text = readFileSync(join(NODE_MODULES, '..', path), 'utf8');
      const result = extractor.extract({ path, text });
      const folder = key.slice(key.lastIndexOf('node_modules/') + 'node_modules/'.length);
      const name = entry.name ?? folder;
      // The line that names the package itself (a nested "name" of another value may come first).
      const nameLine = text.split('\n').findIndex((line) => line.replace(/\s/g, '').startsWith(`"name":${JSON.stringify(name)}`)) + 1;
      const expected = [{ name, version: entry.version, line: nameLine, alias: name === folder ? undefined : folder }];
      const got = result.packages.map((found) => ({ name: found.name, version: found.version, line: found.location.line, alias: found.qualifiers?.alias }));
      if (JSON.stringify(got) !== JSON.stringify(expected) || result.errors.length > 0) problems.push(`${path}: ${JSON.stringify(got)} ${result.errors.map(String).join('; ')}`);
    }
    expect(problems).toEqual([]);
  });

  it('detection claims exactly the installed packages\' manifests among every package.json under node_modules', () => {
    const claimed = manifestsOnDisk().filter((path) => extractor.detect(path)).sort();
    expect(claimed).toEqual(tree.map(([key]) => `${key}/package.json`).sort());
  });
});

describe('node-modules in a directory scan', () => {
  const root = mkdtempSync(join(tmpdir(), 'chainwatch-node-modules-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function copyInstalled(name: string, to: string): void {
    mkdirSync(join(root, to), { recursive: true });
    cpSync(join(NODE_MODULES, name, 'package.json'), join(root, to, 'package.json'));
  }

  it('node_modules is skipped by default; included (--include-dir node_modules) its packages are found, nested and scoped ones too, the project\'s own package.json never', async () => {
    writeFileSync(join(root, 'package.json'), JSON.stringify({ name: 'my-app', version: '1.0.0', dependencies: { 'ansi-regex': '*' } }));
    copyInstalled('ansi-regex', 'node_modules/ansi-regex');
    copyInstalled('@colors/colors', 'node_modules/@colors/colors');
    copyInstalled('balanced-match', 'node_modules/ansi-regex/node_modules/balanced-match');
    const expected = (name: string) => JSON.parse(readFileSync(join(NODE_MODULES, name, 'package.json'), 'utf8')) as { name: string; version: string };
    expect(existsSync(join(root, 'node_modules/@colors/colors/package.json'))).toBe(true);

    const byDefault = await buildInventory([root], { displayBase: root });
    expect(byDefault.packages).toEqual([]);

    const included = await buildInventory([root], { displayBase: root, skipDirectories: DEFAULT_SKIPPED_DIRECTORIES.filter((name) => name !== 'node_modules') });
    expect(included.errors).toEqual([]);
    expect(included.packages.map((found) => [found.name, found.version, found.locations.map((location) => location.path)])).toEqual([
      [expected('@colors/colors').name, expected('@colors/colors').version, ['node_modules/@colors/colors/package.json']],
      [expected('ansi-regex').name, expected('ansi-regex').version, ['node_modules/ansi-regex/package.json']],
      [expected('balanced-match').name, expected('balanced-match').version, ['node_modules/ansi-regex/node_modules/balanced-match/package.json']],
    ]);
  });
});

describe('node-modules inline cases', () => {
  const PATH = 'node_modules/string-width-cjs/package.json';

  it('an alias install names the real package, the folder in qualifiers.alias (as package-lock does)', () => {
    expect(extractor.extract({ path: PATH, text: '{\n  "name": "string-width",\n  "version": "4.2.3"\n}\n' })).toEqual({
      packages: [{ ecosystem: 'npm', name: 'string-width', version: '4.2.3', location: { path: PATH, line: 2 }, source: 'registry', qualifiers: { alias: 'string-width-cjs' } }],
      notScannable: [],
      errors: [],
    });
  });

  it('npm 6\'s _resolved: a git URL gives a git package with its commit, file: a path package; private packages are local', () => {
    const path = 'node_modules/a/package.json';
    const sources = [
      '{"name": "a", "version": "1.0.0", "_resolved": "git+ssh://git@git.example/o/a.git#0123456789abcdef0123456789abcdef01234567"}',
      '{"name": "a", "version": "1.0.0", "_resolved": "file:../a"}',
      '{"name": "a", "version": "1.0.0", "_resolved": "https://mirror.example/a/-/a-1.0.0.tgz"}',
      '{"name": "a", "version": "1.0.0", "private": true}',
    ].map((text) => extractor.extract({ path, text }).packages.map((found) => [found.source, found.commit]));
    expect(sources).toEqual([[['git', '0123456789abcdef0123456789abcdef01234567']], [['path', undefined]], [['registry', undefined]], [['path', undefined]]]);
  });

  it('no version: a package with version null, also not scannable; no name, not an object, bad JSON, a bad name: one error each', () => {
    const path = 'node_modules/a/package.json';
    expect(extractor.extract({ path, text: '{"name": "a"}' }).notScannable).toEqual([{ name: 'a', reason: 'package.json has no "version"', location: { path, line: 1 } }]);
    for (const text of ['{"version": "1.0.0"}', '[1]', '{"name": ', '{"name": "a b", "version": "1"}']) {
      const result = extractor.extract({ path, text });
      expect(result.packages).toEqual([]);
      expect(result.errors.map((error) => error.code)).toEqual(['parse-error']);
    }
  });
});
