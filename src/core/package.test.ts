import fc from 'fast-check';
import { PackageURL } from 'packageurl-js';
import { describe, expect, it } from 'vitest';
import { ECOSYSTEMS, normalizeName, parseOsvEcosystem, parsePurl, toPurl, type Ecosystem } from './package.js';

const PURL_TYPE: Record<Ecosystem, string> = { PyPI: 'pypi', npm: 'npm', Debian: 'deb', Ubuntu: 'deb', conda: 'conda' };

/** What toPurl wrote before it wrote purls itself: packageurl-js, given the same components. */
function libraryPurl(ecosystem: Ecosystem, name: string, version?: string, qualifiers?: Record<string, string>): string {
  let namespace: string | undefined;
  let base = normalizeName(ecosystem, name);
  if (ecosystem === 'npm' && base.startsWith('@') && base.includes('/')) {
    namespace = base.slice(0, base.indexOf('/'));
    base = base.slice(base.indexOf('/') + 1);
  } else if (ecosystem === 'Debian') {
    namespace = 'debian';
  } else if (ecosystem === 'Ubuntu') {
    namespace = 'ubuntu';
  }
  return new PackageURL(PURL_TYPE[ecosystem], namespace, base, version, qualifiers, undefined).toString();
}

function outcome(write: () => string): { purl: string } | { error: string } {
  try {
    return { purl: write() };
  } catch (error) {
    return { error: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

describe('toPurl', () => {
  it.each([
    ['PyPI', 'Jupyter_Core', '5.7.2', undefined, 'pkg:pypi/jupyter-core@5.7.2'],
    ['npm', '@JupyterLab/Services', '7.0.0-beta.1+build', undefined, 'pkg:npm/%40jupyterlab/services@7.0.0-beta.1+build'],
    ['Debian', 'libssl3', '3.0.11-1~deb12u2', { arch: 'amd64', distro: 'debian-12' }, 'pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12'],
    ['Ubuntu', 'OpenSSL', '3.0.13-0ubuntu3.4', { arch: 'amd64', distro: 'ubuntu-24.04' }, 'pkg:deb/ubuntu/openssl@3.0.13-0ubuntu3.4?arch=amd64&distro=ubuntu-24.04'],
    ['conda', 'PyYAML', '6.0 1', { channel: 'conda-forge', subdir: ' ' }, 'pkg:conda/pyyaml@6.0%201?channel=conda-forge'],
  ] as const)('%s %s', (ecosystem, name, version, qualifiers, expected) => {
    expect(toPurl(ecosystem, name, version, qualifiers)).toBe(expected);
  });

  it('writes what packageurl-js writes, and throws what it throws, for any name, version and qualifiers', () => {
    const text = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('@scope/name', '@a/', 'a/b', ' ', '', 'A_b.C', '1.0:2+x', '%2F', 'ü'));
    const qualifiers = fc.option(fc.dictionary(fc.oneof(text, fc.constantFrom('arch', 'Channel', 'channel', '9x', 'a b')), text, { maxKeys: 3 }), { nil: undefined });
    fc.assert(
      fc.property(fc.constantFrom(...ECOSYSTEMS), text, fc.option(text, { nil: undefined }), qualifiers, (ecosystem, name, version, extra) => {
        expect(outcome(() => toPurl(ecosystem, name, version, extra))).toEqual(outcome(() => libraryPurl(ecosystem, name, version, extra)));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('parsePurl', () => {
  it.each([
    ['pkg:deb/ubuntu/openssl@3.0.13-0ubuntu3.4?arch=amd64', 'Ubuntu', 'openssl', '3.0.13-0ubuntu3.4'],
    ['pkg:deb/Ubuntu/bash@5.2.21-2ubuntu4', 'Ubuntu', 'bash', '5.2.21-2ubuntu4'],
    ['pkg:deb/debian/openssl@3.0.11-1~deb12u2', 'Debian', 'openssl', '3.0.11-1~deb12u2'],
    // Other deb distributions stay Debian here; the SBOM extractors refuse them by namespace (purl-package.ts).
    ['pkg:deb/raspbian/openssl@3.0.11-1', 'Debian', 'openssl', '3.0.11-1'],
  ] as const)('%s → %s', (purl, ecosystem, name, version) => {
    expect(parsePurl(purl)).toMatchObject({ ecosystem, name, version });
  });

  it('an Ubuntu purl written by toPurl reads back as Ubuntu', () => {
    expect(parsePurl(toPurl('Ubuntu', 'libssl3t64', '3.0.13-0ubuntu3.4'))).toMatchObject({ ecosystem: 'Ubuntu', name: 'libssl3t64' });
  });
});

describe('parseOsvEcosystem (spellings from the OSV schema\'s ecosystems list)', () => {
  it.each([
    ['PyPI', 'PyPI', null, null],
    ['Debian', 'Debian', null, null],
    ['Debian:12', 'Debian', '12', null],
    ['Debian:3.1', 'Debian', '3.1', null],
    ['Debian:sid', 'Debian', 'sid', null],
    ['Ubuntu:24.04:LTS', 'Ubuntu', '24.04', null],
    ['Ubuntu:23.10', 'Ubuntu', '23.10', null],
    ['Ubuntu:Pro:18.04:LTS', 'Ubuntu', '18.04', 'Pro'],
    ['Ubuntu:Pro:FIPS:22.04:LTS', 'Ubuntu', '22.04', 'Pro:FIPS'],
    ['Ubuntu', 'Ubuntu', null, null],
    ['Ubuntu:Pro', 'Ubuntu', null, 'Pro'],
  ] as const)('%s', (text, base, release, lineage) => {
    expect(parseOsvEcosystem(text)).toEqual({ base, release, lineage });
  });
});
