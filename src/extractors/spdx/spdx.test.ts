import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDamagedCopies, expectWellFormed, runExtractor } from '../../../test/extractor-testing.js';
import { withConformanceChecks } from '../../../test/extractor-conformance.js';
import { extractor as extractorUnderTest } from './index.js';

/** Every input these tests extract is also run through the shared conformance checks. */
const extractor = withConformanceChecks(extractorUnderTest);

const PATH = 'sbom/image.spdx.json';

function run(text: string) {
  return runExtractor(extractor, PATH, text);
}

function at(line: number) {
  return { path: PATH, line };
}

// Hand-written SPDX documents. Line numbers in the expectations were read off these texts.
const IMAGE_2_3 = `{
  "spdxVersion": "SPDX-2.3",
  "dataLicense": "CC0-1.0",
  "SPDXID": "SPDXRef-DOCUMENT",
  "name": "jupyter-base-notebook",
  "documentNamespace": "https://sbom.example.test/jupyter-base-notebook-7c9b",
  "creationInfo": {
    "created": "2024-10-01T12:00:00Z",
    "creators": ["Tool: hand-written-for-chainwatch-tests"]
  },
  "packages": [
    {
      "SPDXID": "SPDXRef-image",
      "name": "jupyter/base-notebook",
      "versionInfo": "2024-10-01",
      "downloadLocation": "NOASSERTION",
      "externalRefs": [
        {
          "referenceCategory": "PACKAGE-MANAGER",
          "referenceType": "purl",
          "referenceLocator": "pkg:oci/base-notebook@sha256%3A0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
        }
      ]
    },
    {
      "SPDXID": "SPDXRef-jupyterlab",
      "name": "jupyterlab",
      "versionInfo": "4.2.5",
      "downloadLocation": "NOASSERTION",
      "externalRefs": [
        {
          "referenceCategory": "PACKAGE-MANAGER",
          "referenceType": "purl",
          "referenceLocator": "pkg:pypi/jupyterlab@4.2.5"
        }
      ]
    },
    {
      "SPDXID": "SPDXRef-libacl1",
      "name": "libacl1",
      "versionInfo": "2.3.1-3",
      "downloadLocation": "NOASSERTION",
      "externalRefs": [
        {
          "referenceCategory": "SECURITY",
          "referenceType": "cpe23Type",
          "referenceLocator": "cpe:2.3:a:libacl1:libacl1:2.3.1-3:*:*:*:*:*:*:*"
        },
        {
          "referenceCategory": "PACKAGE-MANAGER",
          "referenceType": "purl",
          "referenceLocator": "pkg:deb/debian/libacl1@2.3.1-3?arch=amd64&upstream=acl&distro=debian-12"
        }
      ]
    },
    {
      "SPDXID": "SPDXRef-ansi-regex",
      "name": "ansi-regex",
      "versionInfo": "5.0.1",
      "downloadLocation": "NOASSERTION",
      "externalRefs": [
        {
          "referenceCategory": "PACKAGE_MANAGER",
          "referenceType": "purl",
          "referenceLocator": "pkg:npm/ansi-regex@5.0.1"
        }
      ]
    },
    {
      "SPDXID": "SPDXRef-openssl",
      "name": "openssl",
      "versionInfo": "3.3.2",
      "downloadLocation": "NOASSERTION",
      "externalRefs": [
        {
          "referenceCategory": "SECURITY",
          "referenceType": "cpe23Type",
          "referenceLocator": "cpe:2.3:a:openssl:openssl:3.3.2:*:*:*:*:*:*:*"
        }
      ]
    },
    {
      "SPDXID": "SPDXRef-tini",
      "name": "tini",
      "versionInfo": "v0.19.0",
      "downloadLocation": "NOASSERTION",
      "externalRefs": [
        {
          "referenceCategory": "PACKAGE-MANAGER",
          "referenceType": "purl",
          "referenceLocator": "pkg:github/krallin/tini@v0.19.0"
        }
      ]
    },
    {
      "SPDXID": "SPDXRef-pytest",
      "name": "pytest",
      "versionInfo": "8.3.3",
      "downloadLocation": "NOASSERTION",
      "externalRefs": [
        {
          "referenceCategory": "PACKAGE-MANAGER",
          "referenceType": "purl",
          "referenceLocator": "pkg:pypi/pytest@8.3.3"
        }
      ]
    },
    {
      "SPDXID": "SPDXRef-ipywidgets",
      "name": "ipywidgets",
      "versionInfo": "8.1.5",
      "downloadLocation": "NOASSERTION",
      "externalRefs": [
        {
          "referenceCategory": "PACKAGE-MANAGER",
          "referenceType": "purl",
          "referenceLocator": "pkg:pypi/ipywidgets"
        }
      ]
    },
    {
      "SPDXID": "SPDXRef-numpy",
      "name": "numpy",
      "versionInfo": "1.26.4",
      "downloadLocation": "NOASSERTION",
      "externalRefs": [
        {
          "referenceCategory": "PACKAGE-MANAGER",
          "referenceType": "purl",
          "referenceLocator": "pkg:generic/numpy@1.26.4"
        },
        {
          "referenceCategory": "PACKAGE-MANAGER",
          "referenceType": "purl",
          "referenceLocator": "pkg:conda/numpy@1.26.4?channel=conda-forge"
        }
      ]
    }
  ],
  "relationships": [
    {
      "spdxElementId": "SPDXRef-DOCUMENT",
      "relationshipType": "DESCRIBES",
      "relatedSpdxElement": "SPDXRef-image"
    },
    {
      "spdxElementId": "SPDXRef-image",
      "relationshipType": "CONTAINS",
      "relatedSpdxElement": "SPDXRef-jupyterlab"
    },
    {
      "spdxElementId": "SPDXRef-pytest",
      "relationshipType": "TEST_DEPENDENCY_OF",
      "relatedSpdxElement": "SPDXRef-jupyterlab"
    },
    {
      "spdxElementId": "SPDXRef-ipywidgets",
      "relationshipType": "OPTIONAL_DEPENDENCY_OF",
      "relatedSpdxElement": "SPDXRef-jupyterlab"
    }
  ]
}`;

const PROJECT_2_2 = `{
  "spdxVersion": "SPDX-2.2",
  "dataLicense": "CC0-1.0",
  "SPDXID": "SPDXRef-DOCUMENT",
  "name": "jupyter-server",
  "documentNamespace": "https://sbom.example.test/jupyter-server-2.14.2",
  "creationInfo": { "created": "2024-10-01T12:00:00Z", "creators": ["Tool: hand-written"] },
  "documentDescribes": ["SPDXRef-Package-jupyter-server"],
  "packages": [
    {
      "SPDXID": "SPDXRef-Package-jupyter-server",
      "name": "jupyter-server",
      "versionInfo": "2.14.2",
      "downloadLocation": "NOASSERTION",
      "externalRefs": [
        { "referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/jupyter-server@2.14.2" }
      ]
    },
    {
      "SPDXID": "SPDXRef-Package-tornado",
      "name": "tornado",
      "versionInfo": "6.4.1",
      "downloadLocation": "NOASSERTION",
      "externalRefs": [
        { "referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/tornado@6.4.1" }
      ]
    },
    {
      "SPDXID": "SPDXRef-Package-black",
      "name": "black",
      "versionInfo": "24.8.0",
      "downloadLocation": "NOASSERTION",
      "externalRefs": [
        { "referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl", "referenceLocator": "pkg:pypi/black@24.8.0" }
      ]
    }
  ],
  "relationships": [
    { "spdxElementId": "SPDXRef-Package-jupyter-server", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-Package-tornado" },
    { "spdxElementId": "SPDXRef-Package-tornado", "relationshipType": "DEV_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-Package-jupyter-server" },
    { "spdxElementId": "SPDXRef-Package-black", "relationshipType": "DEV_DEPENDENCY_OF", "relatedSpdxElement": "SPDXRef-Package-jupyter-server" }
  ]
}`;

describe('spdx detect', () => {
  it.each([
    ['sbom/image.spdx.json', true],
    ['X.SPDX.JSON', true],
    ['C:\\sbom\\app.spdx.json', true],
    ['app.spdx', false],
    ['app.spdx.yaml', false],
    ['bom.json', false],
    ['spdx.json', false],
  ])('%s → %s', (path, expected) => {
    expect(extractor.detect(path)).toBe(expected);
  });
});

describe('spdx extract', () => {
  it('2.3 image SBOM: purl external refs, both category spellings, dev/optional from relationships', () => {
    expect(run(IMAGE_2_3)).toEqual({
      packages: [
        { ecosystem: 'PyPI', name: 'jupyterlab', version: '4.2.5', location: at(34), source: 'registry' },
        {
          ecosystem: 'Debian',
          name: 'libacl1',
          version: '2.3.1-3',
          location: at(52),
          source: 'registry',
          qualifiers: { arch: 'amd64', upstream: 'acl', distro: 'debian-12', source: 'acl', sourceVersion: '2.3.1-3' },
        },
        { ecosystem: 'npm', name: 'ansi-regex', version: '5.0.1', location: at(65), source: 'registry' },
        { ecosystem: 'PyPI', name: 'pytest', version: '8.3.3', location: at(104), source: 'registry', dev: true },
        // The purl has no version: versionInfo gives it.
        { ecosystem: 'PyPI', name: 'ipywidgets', version: '8.1.5', location: at(117), source: 'registry', optional: true },
        // The first purl (generic) is unsupported; the second (conda) identifies the package.
        {
          ecosystem: 'conda',
          name: 'numpy',
          version: '1.26.4',
          location: at(135),
          source: 'registry',
          qualifiers: { channel: 'conda-forge' },
        },
      ],
      // The described image (line 12, an oci purl) is the subject, not a dependency: not listed.
      notScannable: [
        { name: 'openssl', reason: 'package has no purl', location: at(69) },
        { name: 'tini', reason: 'purl type "github" is not supported', location: at(91) },
      ],
      errors: [],
    });
  });

  it('2.2 project SBOM: the described package has a PyPI purl and is reported; DEPENDS_ON outweighs DEV_DEPENDENCY_OF', () => {
    expect(run(PROJECT_2_2)).toEqual({
      packages: [
        { ecosystem: 'PyPI', name: 'jupyter-server', version: '2.14.2', location: at(16), source: 'registry' },
        { ecosystem: 'PyPI', name: 'tornado', version: '6.4.1', location: at(25), source: 'registry' },
        { ecosystem: 'PyPI', name: 'black', version: '24.8.0', location: at(34), source: 'registry', dev: true },
      ],
      notScannable: [],
      errors: [],
    });
  });

  it('a purl outside the PACKAGE-MANAGER category is not used', () => {
    const text = [
      '{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": [',
      '  {"SPDXID": "SPDXRef-a", "name": "six", "versionInfo": "1.16.0",',
      '   "externalRefs": [{"referenceCategory": "OTHER", "referenceType": "purl", "referenceLocator": "pkg:pypi/six@1.16.0"}]}',
      ']}',
    ].join('\n');
    expect(run(text)).toEqual({
      packages: [],
      notScannable: [{ name: 'six', reason: 'package has no purl', location: at(2) }],
      errors: [],
    });
  });

  it('a malformed purl is an error and the package is not scannable; a purl and versionInfo both missing a version', () => {
    const text = [
      '{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "packages": [',
      '  {"SPDXID": "SPDXRef-a", "name": "broken", "externalRefs": [',
      '    {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pypi/broken@1"}]},',
      '  {"SPDXID": "SPDXRef-b", "name": "left-pad", "externalRefs": [',
      '    {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl", "referenceLocator": "pkg:npm/left-pad"}]},',
      '  7',
      ']}',
    ].join('\n');
    expect(run(text)).toEqual({
      packages: [{ ecosystem: 'npm', name: 'left-pad', version: null, location: at(5), source: 'registry' }],
      notScannable: [
        { name: 'broken', reason: expect.stringContaining('invalid purl "pypi/broken@1"'), location: at(3) },
        { name: 'left-pad', reason: 'neither the purl nor versionInfo gives a version', location: at(5) },
      ],
      errors: [
        { code: 'parse-error', line: 3 },
        { code: 'parse-error', line: 6 },
      ],
    });
  });

  it('a truncated document yields the packages before the damage and an error at the end', () => {
    const cut = IMAGE_2_3.indexOf('"SPDXID": "SPDXRef-ansi-regex"');
    const result = run(IMAGE_2_3.slice(0, cut));
    expect(result.packages.map((p) => [p.name, p.location.line])).toEqual([
      ['jupyterlab', 34],
      ['libacl1', 52],
    ]);
    expect(result.errors).toEqual([{ code: 'parse-error', line: 57 }]);
  });

  it.each([
    ['SPDX 3 JSON-LD', '{\n  "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",\n  "@graph": []\n}'],
    ['a CycloneDX BOM', '{"bomFormat": "CycloneDX", "specVersion": "1.6"}'],
    ['an array', '[]'],
  ])('%s is an unsupported format', (_name, text) => {
    expect(run(text)).toEqual({ packages: [], notScannable: [], errors: [{ code: 'unsupported-format', line: 1 }] });
  });

  it('not JSON is a parse error', () => {
    expect(run('SPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n').errors).toEqual([{ code: 'parse-error', line: 1 }]);
  });
});

describe('spdx fuzz', () => {
  const fixtures = [IMAGE_2_3, PROJECT_2_2];

  function checkNeverThrows(text: string): void {
    expectWellFormed(extractor.extract({ path: PATH, text }), { linesWithin: { text, lineBreak: '\n' } });
  }

  it('arbitrary strings never throw', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), checkNeverThrows), { numRuns: 300 });
  });

  it('arbitrary JSON inside an SPDX envelope never throws', () => {
    const envelope = fc
      .tuple(fc.array(fc.jsonValue({ maxDepth: 4 }), { maxLength: 8 }), fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 4 }))
      .map(([packages, relationships]) => JSON.stringify({ spdxVersion: 'SPDX-2.3', packages, relationships }, null, 1));
    fc.assert(fc.property(envelope, checkNeverThrows), { numRuns: 300 });
  });

  it('truncated and spliced documents never throw', () => {
    checkDamagedCopies(fixtures, checkNeverThrows, { numRuns: 300 });
  });
});
