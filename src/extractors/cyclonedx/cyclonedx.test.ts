import fc from 'fast-check';
import { Spec, Validation } from '@cyclonedx/cyclonedx-library';
import { describe, expect, it } from 'vitest';
import { checkDamagedCopies, expectWellFormed, runExtractor } from '../../../test/extractor-testing.js';
import { withConformanceChecks } from '../../../test/extractor-conformance.js';
import { extractor as extractorUnderTest } from './index.js';

/** Every input these tests extract is also run through the shared conformance checks. */
const extractor = withConformanceChecks(extractorUnderTest);

const PATH = 'sbom/image.cdx.json';

function run(text: string) {
  return runExtractor(extractor, PATH, text);
}

function at(line: number) {
  return { path: PATH, line };
}

// Hand-written BOMs. Line numbers in the expectations were read off these texts.
const BOM_1_6 = `{
  "bomFormat": "CycloneDX",
  "specVersion": "1.6",
  "serialNumber": "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79",
  "version": 1,
  "metadata": {
    "timestamp": "2024-10-01T12:00:00Z",
    "component": {
      "type": "container",
      "bom-ref": "image",
      "name": "jupyter/scipy-notebook",
      "version": "2024-10-01"
    }
  },
  "components": [
    {
      "type": "library",
      "bom-ref": "pkg:pypi/jupyterlab@4.2.5",
      "name": "jupyterlab",
      "version": "4.2.5",
      "purl": "pkg:pypi/jupyterlab@4.2.5",
      "components": [
        {
          "type": "library",
          "bom-ref": "staging-application",
          "group": "@jupyterlab",
          "name": "application",
          "version": "4.2.5",
          "purl": "pkg:npm/%40jupyterlab/application@4.2.5"
        }
      ]
    },
    {
      "type": "library",
      "bom-ref": "numpy-conda",
      "name": "numpy",
      "version": "1.26.4",
      "scope": "required",
      "purl": "pkg:conda/numpy@1.26.4?build=py312h8753938_0&channel=conda-forge&subdir=linux-64"
    },
    {
      "type": "library",
      "bom-ref": "util-linux-extra",
      "name": "util-linux-extra",
      "version": "2.38.1-5+b1",
      "purl": "pkg:deb/debian/util-linux-extra@2.38.1-5%2Bb1?arch=amd64&distro=debian-12&upstream=util-linux%402.38.1-5"
    },
    {
      "type": "library",
      "bom-ref": "pytest",
      "name": "pytest",
      "version": "8.3.3",
      "scope": "excluded",
      "purl": "pkg:pypi/pytest@8.3.3"
    },
    {
      "type": "library",
      "bom-ref": "ipywidgets",
      "name": "ipywidgets",
      "version": "8.1.5",
      "scope": "optional",
      "purl": "pkg:pypi/ipywidgets@8.1.5"
    },
    {
      "type": "library",
      "bom-ref": "guava",
      "group": "com.google.guava",
      "name": "guava",
      "version": "33.3.1-jre",
      "purl": "pkg:maven/com.google.guava/guava@33.3.1-jre"
    },
    {
      "type": "operating-system",
      "bom-ref": "os",
      "name": "debian",
      "version": "12.7"
    }
  ]
}`;

const BOM_1_5 = `{
  "$schema": "http://cyclonedx.org/schema/bom-1.5.schema.json",
  "bomFormat": "CycloneDX",
  "specVersion": "1.5",
  "version": 1,
  "components": [
    {
      "type": "library",
      "name": "curl",
      "version": "7.81.0-1ubuntu1.18",
      "purl": "pkg:deb/ubuntu/curl@7.81.0-1ubuntu1.18?arch=amd64&distro=ubuntu-22.04"
    },
    {
      "type": "library",
      "name": "libcurl4",
      "version": "7.88.1-10+deb12u7",
      "purl": "pkg:deb/debian/libcurl4@7.88.1-10%2Bdeb12u7?arch=amd64&distro=debian-12"
    },
    {
      "type": "library",
      "name": "left-pad",
      "purl": "pkg:npm/left-pad"
    }
  ]
}`;

const BOM_1_4 = `{
  "bomFormat": "CycloneDX",
  "specVersion": "1.4",
  "version": 1,
  "metadata": {
    "component": {
      "type": "application",
      "name": "jupyter-server",
      "version": "2.14.2",
      "purl": "pkg:pypi/jupyter-server@2.14.2"
    }
  },
  "components": [
    {
      "type": "library",
      "name": "tornado",
      "version": "6.4.1",
      "purl": "pkg:pypi/tornado"
    },
    {
      "type": "library",
      "name": "Jinja2",
      "version": "3.1.4",
      "purl": "pkg:pypi/Jinja2@3.1.4"
    }
  ]
}`;

describe('cyclonedx detect', () => {
  it.each([
    ['bom.json', true],
    ['dist/BOM.json', true],
    ['sbom/image.cdx.json', true],
    ['reports/app.cyclonedx.json', true],
    ['C:\\out\\x.cdx.json', true],
    ['sbom.json', false],
    ['bom.xml', false],
    ['x.cdx.xml', false],
    ['package.json', false],
    ['app.spdx.json', false],
  ])('%s → %s', (path, expected) => {
    expect(extractor.detect(path)).toBe(expected);
  });
});

describe('cyclonedx inline BOMs are valid CycloneDX (checked with @cyclonedx/cyclonedx-library)', () => {
  it.each([
    ['1.6', BOM_1_6, Spec.Version.v1dot6],
    ['1.5', BOM_1_5, Spec.Version.v1dot5],
    ['1.4', BOM_1_4, Spec.Version.v1dot4],
  ])('%s', async (_name, text, version) => {
    expect(await new Validation.JsonStrictValidator(version).validate(text)).toBeNull();
  });
});

describe('cyclonedx extract', () => {
  it('1.6: nested components, scopes, conda and Debian qualifiers; the subject without purl is not a dependency', () => {
    expect(run(BOM_1_6)).toEqual({
      packages: [
        { ecosystem: 'PyPI', name: 'jupyterlab', version: '4.2.5', location: at(21), source: 'registry' },
        { ecosystem: 'npm', name: '@jupyterlab/application', version: '4.2.5', location: at(29), source: 'registry' },
        {
          ecosystem: 'conda',
          name: 'numpy',
          version: '1.26.4',
          location: at(39),
          source: 'registry',
          qualifiers: { build: 'py312h8753938_0', channel: 'conda-forge', subdir: 'linux-64' },
        },
        {
          ecosystem: 'Debian',
          name: 'util-linux-extra',
          version: '2.38.1-5+b1',
          location: at(46),
          source: 'registry',
          qualifiers: {
            arch: 'amd64',
            distro: 'debian-12',
            upstream: 'util-linux@2.38.1-5',
            source: 'util-linux',
            sourceVersion: '2.38.1-5',
          },
        },
        { ecosystem: 'PyPI', name: 'pytest', version: '8.3.3', location: at(54), source: 'registry', dev: true },
        { ecosystem: 'PyPI', name: 'ipywidgets', version: '8.1.5', location: at(62), source: 'registry', optional: true },
      ],
      notScannable: [
        { name: 'com.google.guava/guava', reason: 'purl type "maven" is not supported', location: at(70) },
        { name: 'debian', reason: 'component has no purl', location: at(72) },
      ],
      errors: [],
    });
  });

  it('1.5: an Ubuntu deb purl is not Debian; a purl without any version is not scannable', () => {
    expect(run(BOM_1_5)).toEqual({
      packages: [
        {
          ecosystem: 'Debian',
          name: 'libcurl4',
          version: '7.88.1-10+deb12u7',
          location: at(17),
          source: 'registry',
          qualifiers: { arch: 'amd64', distro: 'debian-12', source: 'libcurl4', sourceVersion: '7.88.1-10+deb12u7' },
        },
        { ecosystem: 'npm', name: 'left-pad', version: null, location: at(22), source: 'registry' },
      ],
      notScannable: [
        { name: 'curl', reason: 'deb purl of "ubuntu" is not a Debian package', location: at(11) },
        { name: 'left-pad', reason: 'purl has no version', location: at(22) },
      ],
      errors: [],
    });
  });

  it('1.4: a subject with a PyPI purl is reported; the component version fills a purl without one', () => {
    expect(run(BOM_1_4)).toEqual({
      packages: [
        { ecosystem: 'PyPI', name: 'jupyter-server', version: '2.14.2', location: at(10), source: 'registry' },
        { ecosystem: 'PyPI', name: 'tornado', version: '6.4.1', location: at(18), source: 'registry' },
        // packageurl-js applies the pypi purl rule: names are lowercase.
        { ecosystem: 'PyPI', name: 'jinja2', version: '3.1.4', location: at(24), source: 'registry' },
      ],
      notScannable: [],
      errors: [],
    });
  });

  it('a malformed purl is an error and a not-scannable component; the rest is still read', () => {
    const text = [
      '{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [',
      '  {"type": "library", "name": "broken", "purl": "pkg:pypi/"},',
      '  {"type": "library", "name": "six", "purl": "pkg:pypi/six@1.16.0"}',
      ']}',
    ].join('\n');
    expect(run(text)).toEqual({
      packages: [{ ecosystem: 'PyPI', name: 'six', version: '1.16.0', location: at(3), source: 'registry' }],
      notScannable: [{ name: 'broken', reason: expect.stringContaining('invalid purl "pkg:pypi/"'), location: at(2) }],
      errors: [{ code: 'parse-error', line: 2 }],
    });
  });

  it('a truncated BOM yields the components before the damage and an error at the end', () => {
    const cut = BOM_1_6.indexOf('"bom-ref": "util-linux-extra"');
    const result = run(BOM_1_6.slice(0, cut));
    expect(result.packages.map((p) => [p.name, p.location.line])).toEqual([
      ['jupyterlab', 21],
      ['@jupyterlab/application', 29],
      ['numpy', 39],
    ]);
    expect(result.errors).toEqual([{ code: 'parse-error', line: 43 }]);
  });

  it.each([
    ['a JSON document of another kind', '{\n  "name": "my-app",\n  "version": "1.0.0"\n}', [{ code: 'unsupported-format', line: 1 }]],
    ['an array', '[]', [{ code: 'unsupported-format', line: 1 }]],
    ['empty text', '', [{ code: 'parse-error', line: 1 }]],
    ['deep nesting', '\n\n' + '['.repeat(20000), [{ code: 'parse-error', line: 3 }]],
  ])('%s gives errors, no packages', (_name, text, errors) => {
    expect(run(text)).toEqual({ packages: [], notScannable: [], errors });
  });

  it('a component that is not an object is an error; components nested beyond 64 levels are not followed', () => {
    let nested = '{"type": "library", "name": "leaf", "purl": "pkg:npm/leaf@1.0.0"}';
    for (let depth = 0; depth < 70; depth++) nested = `{"type": "library", "name": "level", "components": [${nested}]}`;
    const text = `{"bomFormat": "CycloneDX", "specVersion": "1.6",\n "components": [42,\n ${nested}]}`;
    const result = run(text);
    expect(result.packages).toEqual([]);
    expect(result.errors).toEqual([
      { code: 'parse-error', line: 2 },
      { code: 'parse-error', line: 3 },
    ]);
  });
});

describe('cyclonedx fuzz', () => {
  const fixtures = [BOM_1_6, BOM_1_5, BOM_1_4];

  function checkNeverThrows(text: string): void {
    expectWellFormed(extractor.extract({ path: PATH, text }), { linesWithin: { text, lineBreak: '\n' } });
  }

  it('arbitrary strings never throw', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), checkNeverThrows), { numRuns: 300 });
  });

  it('arbitrary JSON inside a CycloneDX envelope never throws', () => {
    const envelope = fc
      .array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 8 })
      .map((components) => JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', components }, null, 1));
    fc.assert(fc.property(envelope, checkNeverThrows), { numRuns: 300 });
  });

  it('truncated and spliced BOMs never throw', () => {
    checkDamagedCopies(fixtures, checkNeverThrows, { numRuns: 300 });
  });
});
