import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { expectWellFormed } from '../../../test/extractor-testing.js';
import { withConformanceChecks } from '../../../test/extractor-conformance.js';
import { buildInventory } from '../../inventory/inventory.js';
import type { RelatedFile } from '../types.js';
import { extractor as extractorUnderTest } from './index.js';

/** Every input these tests extract is also run through the shared conformance checks. */
const extractor = withConformanceChecks(extractorUnderTest);

const TESTDATA = fileURLToPath(new URL('./testdata/', import.meta.url));

/** Extracts a file of testdata/ under its own path there, its siblings read from testdata/ (null when absent). */
function extractTestdata(path: string) {
  const readRelated = (relativePath: string): RelatedFile | null => {
    const related = posix.normalize(posix.join(posix.dirname(path), relativePath));
    try {
      return { path: related, text: readFileSync(join(TESTDATA, related), 'utf8') };
    } catch {
      return null;
    }
  };
  return extractor.extract({ path, text: readFileSync(join(TESTDATA, path), 'utf8'), readRelated });
}

function pypi(name: string, version: string, path: string, line: number, extra: Record<string, unknown> = {}) {
  return { ecosystem: 'PyPI', name, version, location: { path, line }, source: 'registry', ...extra };
}

describe('python-dist-info detect', () => {
  it.each([
    ['usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA', true],
    ['/opt/conda/lib/python3.11/site-packages/pyyaml-6.0.3.dist-info/METADATA', true],
    ['project/.venv/lib/python3.12/site-packages/requests-2.32.3.dist-info/METADATA', true],
    ['C:\\Python312\\Lib\\site-packages\\six-1.16.0.dist-info\\METADATA', true],
    // pip install --target: no site-packages folder, still a dist-info folder only an installer writes.
    ['app/libs/flask-3.0.0.dist-info/METADATA', true],
    ['usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO', true],
    ['usr/lib/python3/dist-packages/cupshelpers-1.0-py3.10.egg-info', true],
    ['usr/lib/python3/dist-packages/pip-23.0.1.dist-info/RECORD', false],
    ['usr/lib/python3/dist-packages/pip-23.0.1.dist-info/INSTALLER', false],
    ['usr/lib/python3/dist-packages/.dist-info/METADATA', false],
    ['METADATA', false],
    // A source tree's own egg-info (setup.py egg_info, pip install -e): the project itself, not an installed distribution.
    ['project/src/mypackage.egg-info/PKG-INFO', false],
    ['project/mypackage.egg-info', false],
    ['usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/requires.txt', false],
  ])('%s → %s', (path, expected) => {
    expect(extractor.detect(path)).toBe(expected);
  });
});

describe('python-dist-info on real installed metadata (testdata/readme.md)', () => {
  it('pip-installed: name and version from METADATA (PyYAML, not the folder\'s pyyaml), installer pip, line of Name', () => {
    const path = 'usr/local/lib/python3.11/site-packages/pyyaml-6.0.3.dist-info/METADATA';
    expect(extractTestdata(path)).toEqual({ packages: [pypi('PyYAML', '6.0.3', path, 2, { qualifiers: { installer: 'pip' } })], notScannable: [], errors: [] });
  });

  it('a folder name escaped by pip (antlr4_python3_runtime) agrees with its METADATA: no metadataFolder qualifier', () => {
    const path = 'usr/local/lib/python3.11/site-packages/antlr4_python3_runtime-4.13.2.dist-info/METADATA';
    expect(extractTestdata(path).packages).toEqual([pypi('antlr4-python3-runtime', '4.13.2', path, 2, { qualifiers: { installer: 'pip' } })]);
  });

  it('Debian\'s own (apt, no INSTALLER, /usr/lib/python3/dist-packages): installer debian, in all three metadata shapes', () => {
    const dist = 'usr/lib/python3/dist-packages/PyYAML-6.0.dist-info/METADATA';
    const egg = 'usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO';
    const bare = 'usr/lib/python3/dist-packages/cupshelpers-1.0-py3.10.egg-info';
    const debian = { qualifiers: { installer: 'debian' } };
    expect(extractTestdata(dist)).toEqual({ packages: [pypi('PyYAML', '6.0', dist, 2, debian)], notScannable: [], errors: [] });
    expect(extractTestdata(egg)).toEqual({ packages: [pypi('PyJWT', '2.6.0', egg, 2, debian)], notScannable: [], errors: [] });
    expect(extractTestdata(bare)).toEqual({ packages: [pypi('cupshelpers', '1.0', bare, 2, debian)], notScannable: [], errors: [] });
  });

  it('conda-installed: installer conda', () => {
    const path = 'opt/conda/lib/python3.11/site-packages/pyyaml-6.0.3.dist-info/METADATA';
    expect(extractTestdata(path).packages).toEqual([pypi('PyYAML', '6.0.3', path, 2, { qualifiers: { installer: 'conda' } })]);
  });

  it('installed from a local wheel (direct_url.json archive_info): still a registry package', () => {
    const path = 'usr/local/lib/python3.12/site-packages/crcmod-1.7.dist-info/METADATA';
    expect(extractTestdata(path).packages).toEqual([pypi('crcmod', '1.7', path, 2, { qualifiers: { installer: 'pip' } })]);
  });
});

describe('python-dist-info inline cases', () => {
  // The header block as pip's wheel installer writes METADATA (core metadata 2.1, as in testdata/).
  const METADATA = 'Metadata-Version: 2.1\nName: Jupyter_Core\nVersion: 5.7.2\nSummary: x\nRequires-Dist: platformdirs>=2.5\nRequires-Dist: traitlets>=5.3\n\nName: not-a-header\n';
  const PATH = 'site-packages/jupyter_core-5.7.2.dist-info/METADATA';

  function withSiblings(files: Record<string, string>) {
    return (relativePath: string): RelatedFile | null => (relativePath in files ? { path: posix.join(posix.dirname(PATH), relativePath), text: files[relativePath]! } : null);
  }

  it('the headers end at the first blank line: a "Name:" in the description is not read', () => {
    expect(extractor.extract({ path: PATH, text: METADATA }).packages).toEqual([pypi('Jupyter_Core', '5.7.2', PATH, 2)]);
  });

  it('PEP 610 direct_url.json: a local directory is a path package, a VCS checkout a git one with its commit', () => {
    const dir = extractor.extract({ path: PATH, text: METADATA, readRelated: withSiblings({ 'direct_url.json': '{"url": "file:///src/jupyter_core", "dir_info": {"editable": true}}' }) });
    expect(dir.packages.map((found) => [found.source, found.commit])).toEqual([['path', undefined]]);
    const vcs = extractor.extract({
      path: PATH,
      text: METADATA,
      readRelated: withSiblings({ 'direct_url.json': '{"url": "https://git.example/jupyter/jupyter_core.git", "vcs_info": {"vcs": "git", "commit_id": "A1B2C3D4E5F60718293A4B5C6D7E8F9012345678"}}' }),
    });
    expect(vcs.packages.map((found) => [found.source, found.commit])).toEqual([['git', 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678']]);
    const broken = extractor.extract({ path: PATH, text: METADATA, readRelated: withSiblings({ 'direct_url.json': '{not json' }) });
    expect(broken.packages.map((found) => found.source)).toEqual(['registry']);
    expect(broken.errors).toEqual([]);
  });

  it('an INSTALLER that is not one short word is ignored', () => {
    const result = extractor.extract({ path: PATH, text: METADATA, readRelated: withSiblings({ INSTALLER: 'pip install --user\n' }) });
    expect(result.packages[0]!.qualifiers).toBeUndefined();
  });

  it('folder and METADATA disagree: METADATA wins (what importlib.metadata and pip report), the folder is named in metadataFolder', () => {
    const path = 'site-packages/requests-2.31.0.dist-info/METADATA';
    const text = 'Metadata-Version: 2.1\nName: requests\nVersion: 2.32.3\n';
    expect(extractor.extract({ path, text }).packages).toEqual([pypi('requests', '2.32.3', path, 2, { qualifiers: { metadataFolder: 'requests-2.31.0.dist-info' } })]);
  });

  it('no Version: a package with version null, also not scannable; no Name: one error', () => {
    expect(extractor.extract({ path: PATH, text: 'Metadata-Version: 2.1\nName: x\n' })).toEqual({
      packages: [{ ecosystem: 'PyPI', name: 'x', version: null, location: { path: PATH, line: 2 }, source: 'registry', qualifiers: { metadataFolder: 'jupyter_core-5.7.2.dist-info' } }],
      notScannable: [{ name: 'x', reason: 'core metadata has no Version field', location: { path: PATH, line: 2 } }],
      errors: [],
    });
    const nameless = extractor.extract({ path: PATH, text: 'Metadata-Version: 2.1\nVersion: 1.0\n' });
    expect(nameless.packages).toEqual([]);
    expect(nameless.errors.map((error) => [error.code, error.location?.line])).toEqual([['parse-error', 1]]);
  });

  it('CRLF, continuation lines (Metadata 1.x descriptions), lowercase field names, a repeated Name (the first wins)', () => {
    const text = 'metadata-version: 1.1\r\nname: six\r\nversion: 1.16.0\r\nDescription: line one\r\n        |line two\r\nName: other\r\n';
    expect(extractor.extract({ path: PATH, text }).packages.map((found) => [found.name, found.version, found.location.line])).toEqual([['six', '1.16.0', 2]]);
  });

  it('a line that is not "Field: value" is an error with its line; an invalid Name is one too', () => {
    const result = extractor.extract({ path: PATH, text: 'Metadata-Version: 2.1\nnot a header\nName: a\nVersion: 1\n' });
    expect(result.errors.map((error) => [error.code, error.location?.line])).toEqual([['parse-error', 2]]);
    expect(result.packages.map((found) => found.name)).toEqual(['a']);
    const invalid = extractor.extract({ path: PATH, text: 'Name: -bad name-\nVersion: 1\n' });
    expect(invalid.packages).toEqual([]);
    expect(invalid.errors.map((error) => error.code)).toEqual(['parse-error']);
  });

  it('arbitrary text never throws', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 500 }), (text) => {
        expectWellFormed(extractorUnderTest.extract({ path: PATH, text }), { path: PATH, linesWithin: { text, lineBreak: /\r?\n/ } });
      }),
      { numRuns: 300 },
    );
  });
});

describe('python-dist-info in a directory scan (the inventory reads INSTALLER through readRelated)', () => {
  const root = mkdtempSync(join(tmpdir(), 'chainwatch-dist-info-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds every metadata file of testdata/ with its installer, and nothing else', async () => {
    for (const path of [
      'usr/local/lib/python3.11/site-packages/pyyaml-6.0.3.dist-info/METADATA',
      'usr/local/lib/python3.11/site-packages/pyyaml-6.0.3.dist-info/INSTALLER',
      'usr/lib/python3/dist-packages/PyJWT-2.6.0.egg-info/PKG-INFO',
      'usr/lib/python3/dist-packages/cupshelpers-1.0-py3.10.egg-info',
    ]) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), readFileSync(join(TESTDATA, path)));
    }
    const inventory = await buildInventory([root], { displayBase: root });
    expect(inventory.errors).toEqual([]);
    expect(inventory.packages.map((found) => [found.name, found.version, found.qualifiers?.installer])).toEqual([
      ['cupshelpers', '1.0', 'debian'],
      ['PyJWT', '2.6.0', 'debian'],
      ['PyYAML', '6.0.3', 'pip'],
    ]);
  });
});
