/**
 * Small valid documents of every format, written for the fuzzer in each
 * format's documented shape, so the suite has seeds where ../shared/data is
 * absent. When it is present its real lockfiles and advisories are added.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const BUILT_IN_SEEDS: Record<string, { path: string; texts: string[] }> = {
  'package-lock': {
    path: 'package-lock.json',
    texts: [
      JSON.stringify({ name: 'app', lockfileVersion: 3, requires: true, packages: { '': { name: 'app', dependencies: { lodash: '^4.17.0' } }, 'node_modules/lodash': { version: '4.17.20', resolved: 'https://registry.example/lodash/-/lodash-4.17.20.tgz', integrity: 'sha512-abc' }, 'node_modules/@scope/a': { version: '1.0.0', dev: true } } }, null, 2),
      JSON.stringify({ name: 'old', lockfileVersion: 1, dependencies: { minimist: { version: '0.0.8', requires: { x: '1' }, dependencies: { x: { version: '1.0.0' } } } } }, null, 2),
    ],
  },
  'yarn-lock': {
    path: 'yarn.lock',
    texts: [
      '# yarn lockfile v1\n\n\n"@babel/core@^7.0.0", "@babel/core@^7.1.0":\n  version "7.1.0"\n  resolved "https://registry.example/@babel/core/-/core-7.1.0.tgz#abc"\n  integrity sha512-xyz\n  dependencies:\n    debug "^4.1.0"\n\ndebug@^4.1.0:\n  version "4.1.1"\n',
      '__metadata:\n  version: 6\n  cacheKey: 8\n\n"lodash@npm:^4.17.0":\n  version: 4.17.21\n  resolution: "lodash@npm:4.17.21"\n  checksum: abc\n  languageName: node\n  linkType: hard\n\n"app@workspace:.":\n  version: 0.0.0-use.local\n  resolution: "app@workspace:."\n  languageName: unknown\n  linkType: soft\n',
    ],
  },
  'pnpm-lock': {
    path: 'pnpm-lock.yaml',
    texts: [
      "lockfileVersion: '9.0'\n\nimporters:\n  .:\n    dependencies:\n      lodash:\n        specifier: ^4.17.0\n        version: 4.17.21\n\npackages:\n\n  lodash@4.17.21:\n    resolution: {integrity: sha512-abc}\n\n  '@scope/pkg@1.2.3(peer@2.0.0)':\n    resolution: {integrity: sha512-def}\n\nsnapshots:\n\n  lodash@4.17.21: {}\n",
      "lockfileVersion: 5.4\n\npackages:\n\n  /lodash/4.17.21:\n    resolution: {integrity: sha512-abc}\n    dev: false\n",
    ],
  },
  'requirements-txt': {
    path: 'requirements.txt',
    texts: [
      '# comment\nrequests==2.31.0 --hash=sha256:abc \\\n    --hash=sha256:def\nDjango[bcrypt]==4.2.1 ; python_version >= "3.8"\nflask>=2.0\n-e git+https://git.example/a/b.git@1234567#egg=b\n-r other.txt\n./local/path\nnumpy===1.26.0\n',
    ],
  },
  'poetry-lock': {
    path: 'poetry.lock',
    texts: [
      '[[package]]\nname = "requests"\nversion = "2.31.0"\ndescription = "HTTP"\noptional = false\npython-versions = ">=3.7"\nfiles = [\n    {file = "requests-2.31.0.tar.gz", hash = "sha256:abc"},\n]\n\n[package.dependencies]\ncertifi = ">=2017.4.17"\n\n[package.source]\ntype = "git"\nurl = "https://git.example/a/b.git"\nreference = "main"\nresolved_reference = "0123456789abcdef0123456789abcdef01234567"\n\n[[package]]\nname = "certifi"\nversion = "2023.7.22"\noptional = true\n\n[metadata]\nlock-version = "2.0"\npython-versions = "^3.8"\ncontent-hash = "abc"\n',
    ],
  },
  'uv-lock': {
    path: 'uv.lock',
    texts: [
      'version = 1\nrequires-python = ">=3.8"\n\n[[package]]\nname = "app"\nversion = "0.1.0"\nsource = { editable = "." }\ndependencies = [\n    { name = "idna" },\n]\n\n[package.optional-dependencies]\nsocks = [\n    { name = "pysocks" },\n]\n\n[[package]]\nname = "idna"\nversion = "3.4"\nsource = { registry = "https://index.example/simple" }\nsdist = { url = "https://files.example/idna-3.4.tar.gz", hash = "sha256:abc", size = 10 }\n\n[[package]]\nname = "pysocks"\nversion = "1.7.1"\nsource = { git = "https://git.example/p/s?rev=v1#0123456789abcdef0123456789abcdef01234567" }\n',
    ],
  },
  'pipfile-lock': {
    path: 'Pipfile.lock',
    texts: [JSON.stringify({ _meta: { hash: { sha256: 'abc' }, 'pipfile-spec': 6 }, default: { requests: { hashes: ['sha256:abc'], version: '==2.31.0' }, local: { path: '.' } }, develop: { pytest: { version: '==7.4.0' }, gitdep: { git: 'https://git.example/a.git', ref: '0123456789abcdef0123456789abcdef01234567' } } }, null, 4)],
  },
  'pdm-lock': {
    path: 'pdm.lock',
    texts: ['[metadata]\ngroups = ["default", "dev"]\n\n[[package]]\nname = "requests"\nversion = "2.31.0"\nrequires_python = ">=3.7"\ngroups = ["default"]\n\n[[package]]\nname = "pytest"\nversion = "7.4.0"\ngroups = ["dev"]\ngit = "https://git.example/p.git"\nrevision = "0123456789abcdef0123456789abcdef01234567"\n'],
  },
  pylock: {
    path: 'pylock.toml',
    texts: ['lock-version = "1.0"\ncreated-by = "pip"\n\n[[packages]]\nname = "attrs"\nversion = "23.1.0"\nindex = "https://index.example/simple"\n\n[[packages.wheels]]\nname = "attrs-23.1.0-py3-none-any.whl"\nurl = "https://files.example/attrs.whl"\nhashes = {sha256 = "abc"}\n\n[[packages]]\nname = "vcs"\n[packages.vcs]\ntype = "git"\nurl = "https://git.example/v.git"\ncommit-id = "0123456789abcdef0123456789abcdef01234567"\n'],
  },
  'conda-environment': {
    path: 'environment.yml',
    texts: ['name: demo\nchannels:\n  - conda-forge\n  - defaults\ndependencies:\n  - python=3.11\n  - numpy==1.26.0=py311h_0\n  - conda-forge::pandas=2.1.1\n  - __glibc\n  - pip\n  - pip:\n      - requests==2.31.0\n      - -r requirements.txt\n'],
  },
  'conda-meta': {
    path: 'env/conda-meta/numpy-1.26.0-py311h_0.json',
    texts: [JSON.stringify({ name: 'numpy', version: '1.26.0', build: 'py311h_0', build_number: 0, channel: 'https://conda.example/conda-forge/linux-64', subdir: 'linux-64', depends: ['python >=3.11'] }, null, 2)],
  },
  'dpkg-status': {
    path: 'var/lib/dpkg/status',
    texts: [
      'Package: libssl3\nStatus: install ok installed\nPriority: optional\nSection: libs\nArchitecture: amd64\nSource: openssl (3.0.11-1~deb12u2)\nVersion: 3.0.11-1~deb12u2\nDescription: Secure Sockets Layer toolkit\n continuation line\n .\n more\n\nPackage: git\nStatus: deinstall ok config-files\nVersion: 1:2.39.2-1.1\n\nPackage: zlib1g\nStatus: install ok installed\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\n',
    ],
  },
  'python-dist-info': {
    path: 'usr/lib/python3/site-packages/PyYAML-6.0.1.dist-info/METADATA',
    texts: ['Metadata-Version: 2.1\nName: PyYAML\nVersion: 6.0.1\nSummary: YAML parser and emitter for Python\nClassifier: Programming Language :: Python\nRequires-Python: >=3.6\nDescription: a\n        |continued\nRequires-Dist: a ; extra == "b"\n\nThe description body.\nName: not-a-header\n'],
  },
  'node-modules': {
    path: 'node_modules/@scope/name/package.json',
    texts: [JSON.stringify({ name: '@scope/name', version: '1.2.3', private: false, _resolved: 'git+https://git.example/o/r.git#0123456789abcdef0123456789abcdef01234567', dependencies: { a: '^1.0.0' }, exports: { '.': { import: './a.js' } } }, null, 2)],
  },
  cyclonedx: {
    path: 'bom.cdx.json',
    texts: [JSON.stringify({ bomFormat: 'CycloneDX', specVersion: '1.6', version: 1, metadata: { component: { type: 'application', name: 'app', purl: 'pkg:npm/app@1.0.0' } }, components: [{ type: 'library', name: 'lodash', version: '4.17.20', purl: 'pkg:npm/lodash@4.17.20', components: [{ type: 'library', name: 'inner', purl: 'pkg:pypi/requests@2.31.0' }] }, { type: 'library', name: 'nopurl' }] }, null, 2)],
  },
  spdx: {
    path: 'sbom.spdx.json',
    texts: [JSON.stringify({ spdxVersion: 'SPDX-2.3', SPDXID: 'SPDXRef-DOCUMENT', name: 'doc', documentDescribes: ['SPDXRef-app'], packages: [{ SPDXID: 'SPDXRef-app', name: 'app', versionInfo: '1.0.0' }, { SPDXID: 'SPDXRef-p1', name: 'requests', versionInfo: '2.31.0', externalRefs: [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:pypi/requests@2.31.0' }] }] }, null, 2)],
  },
};

export const BUILT_IN_ADVISORIES: string[] = [
  JSON.stringify({ schema_version: '1.6.0', id: 'GHSA-aaaa-bbbb-cccc', modified: '2024-01-01T00:00:00Z', published: '2023-01-01T00:00:00Z', aliases: ['CVE-2023-0001'], summary: 'demo', severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }], affected: [{ package: { ecosystem: 'PyPI', name: 'requests' }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.31.0' }, { introduced: '3.0' }, { last_affected: '3.1' }] }], versions: ['2.30.0'] }, { package: { ecosystem: 'npm', name: 'lodash' }, ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '4.17.21' }] }] }], references: [{ type: 'WEB', url: 'https://example.test/a' }] }, null, 2),
  'id: PYSEC-2023-1\nmodified: 2024-01-01T00:00:00Z\npublished: 2023-01-01T00:00:00Z\naliases:\n- CVE-2023-0002\ndetails: demo\naffected:\n- package:\n    name: jupyter-server\n    ecosystem: PyPI\n  ranges:\n  - type: ECOSYSTEM\n    events:\n    - introduced: "0"\n    - fixed: 2.7.2\n  - type: GIT\n    repo: https://git.example/js\n    events:\n    - introduced: "0"\n    - fixed: 0123456789abcdef0123456789abcdef01234567\n  versions:\n  - 2.7.0\n  - 2.7.1\n',
];

/** The shared data's real inputs, by extractor, when ../shared/data is present. */
export function sharedSeeds(sharedData: string, detect: (path: string) => string | null): Map<string, string[]> {
  const byExtractor = new Map<string, string[]>();
  const lockfiles = join(sharedData, 'lockfiles');
  if (!existsSync(lockfiles)) return byExtractor;
  const pending = [lockfiles];
  while (pending.length > 0) {
    const directory = pending.pop()!;
    for (const name of readdirSync(directory)) {
      const full = join(directory, name);
      const info = statSync(full);
      if (info.isDirectory()) pending.push(full);
      else if (info.size < 512 * 1024) {
        const id = detect(full);
        if (!id) continue;
        const list = byExtractor.get(id) ?? [];
        list.push(readFileSync(full, 'utf8'));
        byExtractor.set(id, list);
      }
    }
  }
  return byExtractor;
}

export function sharedAdvisories(sharedData: string, limit: number): string[] {
  const out: string[] = [];
  for (const [folder, extension] of [['osv/ghsa', '.json'], ['osv/pypa/vulns', '.yaml']] as const) {
    const root = join(sharedData, folder);
    if (!existsSync(root)) continue;
    const pending = [root];
    while (pending.length > 0 && out.length < limit) {
      const directory = pending.pop()!;
      for (const name of readdirSync(directory).sort()) {
        if (out.length >= limit) break;
        const full = join(directory, name);
        if (statSync(full).isDirectory()) pending.push(full);
        else if (name.endsWith(extension)) out.push(readFileSync(full, 'utf8'));
      }
    }
  }
  return out;
}
