import { posix } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkDamagedCopies, expectWellFormed, fixtureFolder, registryPackage, runExtractor } from '../../../test/extractor-testing.js';
import { withConformanceChecks } from '../../../test/extractor-conformance.js';
import { ChainwatchError } from '../../core/errors.js';
import { extractor as extractorUnderTest } from './index.js';
import { parseOsRelease } from './os-release.js';
import { describeWithSharedData, itWithSharedData } from '../../../test/shared-data.js';

/** Every input these tests extract is also run through the shared conformance checks. */
const extractor = withConformanceChecks(extractorUnderTest);

const fixture = fixtureFolder('lockfiles/os/dpkg').read;

const PATH = 'var/lib/dpkg/status';

function debian(name: string, version: string | null, line: number, qualifiers: Record<string, string>) {
  return registryPackage('Debian', name, version, PATH, line, { qualifiers });
}

function run(text: string, path = PATH) {
  return runExtractor(extractor, path, text, { errorPaths: true });
}

describe('dpkg-status detect', () => {
  it.each([
    ['var/lib/dpkg/status', true],
    ['/var/lib/dpkg/status', true],
    ['image/rootfs/var/lib/dpkg/status', true],
    ['var\\lib\\dpkg\\status', true],
    ['var/lib/dpkg/status.d/base-files', true],
    ['var/lib/dpkg/status.d/libc6', true],
    ['var/lib/dpkg/status.d/libc6.md5sums', false],
    ['var/lib/dpkg/status-old', false],
    ['var/lib/dpkg/available', false],
    ['status', false],
    ['var/lib/opkg/status', false],
    ['project/status.d/thing', false],
    ['var/lib/dpkg/status/extra', false],
  ])('%s → %s', (path, expected) => {
    expect(extractor.detect(path)).toBe(expected);
  });
});

describeWithSharedData('dpkg-status fixtures (shared/data/lockfiles/os/dpkg, from osv-scalibr testdata)', () => {
  // Counted independently: `grep -c '^Package:' valid` → 7 and
  // `grep -c '^Status: install ok installed$' valid` → 7; lines from `grep -n '^Package:' valid`.
  it('valid: seven installed packages, Source with and without its own version', () => {
    expect(run(fixture('valid'))).toEqual({
      packages: [
        debian('accountsservice', '22.08.8-6', 1, { arch: 'amd64', source: 'accountsservice', sourceVersion: '22.08.8-6' }),
        debian('acl', '2.3.1-3', 19, { arch: 'amd64', source: 'acl', sourceVersion: '2.3.1-3' }),
        debian('adduser', '3.131', 35, { arch: 'all', source: 'adduser', sourceVersion: '3.131' }),
        debian('admin-session', '2023.06.26.c543406313-00', 75, {
          arch: 'amd64',
          source: 'admin-session',
          sourceVersion: '2023.06.26.c543406313-00',
        }),
        debian('attr', '1:2.5.1-4', 87, { arch: 'amd64', source: 'attr', sourceVersion: '1:2.5.1-4' }),
        debian('libacl1', '2.3.1-3', 104, { arch: 'amd64', source: 'acl', sourceVersion: '2.3.1-3' }),
        debian('util-linux-extra', '2.38.1-5+b1', 120, {
          arch: 'amd64',
          source: 'util-linux',
          sourceVersion: '2.38.1-5',
        }),
      ],
      notScannable: [],
      errors: [],
    });
  });

  it.each([['single'], ['trailingnewlines']])('%s: one package (acl)', (name) => {
    expect(run(fixture(name))).toEqual({
      packages: [debian('acl', '2.3.1-3', 1, { arch: 'amd64', source: 'acl', sourceVersion: '2.3.1-3' })],
      notScannable: [],
      errors: [],
    });
  });

  it('transitional: Source without a version takes the binary version', () => {
    expect(run(fixture('transitional'))).toEqual({
      packages: [
        debian('iceweasel', '78.13.0esr-1~deb10u1', 1, {
          arch: 'all',
          source: 'firefox-esr',
          sourceVersion: '78.13.0esr-1~deb10u1',
        }),
      ],
      notScannable: [],
      errors: [],
    });
  });

  it('statusfield: every state whose files are on disk counts, whatever is wanted next; half-installed is listed as not scannable', () => {
    const location = (line: number) => ({ path: PATH, line });
    expect(run(fixture('statusfield'))).toEqual({
      packages: [
        debian('wantinstall_installed', '1.0', 1, { source: 'wantinstall_installed', sourceVersion: '1.0' }),
        debian('wantdeinstall_installed', '1.0', 5, { source: 'wantdeinstall_installed', sourceVersion: '1.0' }),
        debian('wantinstall_unpacked', '1.0', 13, { source: 'wantinstall_unpacked', sourceVersion: '1.0' }),
        debian('wantpurge_installed', '1.0', 17, { source: 'wantpurge_installed', sourceVersion: '1.0' }),
      ],
      notScannable: [
        // wantdeinstall_configfiles (line 9) only has its config files left: not reported at all.
        { name: 'wantinstall_halfinstalled', reason: 'dpkg status "install reinstreq half-installed" is not an installed state', location: location(21) },
        { name: 'wantnostatus', reason: 'no Status field: cannot tell whether the package is installed', location: location(25) },
      ],
      errors: [],
    });
  });

  it('nopackage: the stanza without Package (line 5) is an error; the others are read', () => {
    expect(run(fixture('nopackage'))).toEqual({
      packages: [
        debian('foo', '1.0', 1, { source: 'foo', sourceVersion: '1.0' }),
        debian('bar', '2.0', 20, { source: 'bar', sourceVersion: '2.0' }),
      ],
      notScannable: [],
      errors: [{ code: 'parse-error', line: 5, path: PATH }],
    });
  });

  it('noversion: acl has no Version: package with null version, also not scannable', () => {
    expect(run(fixture('noversion'))).toEqual({
      packages: [
        debian('foo', '1.0', 1, { source: 'foo', sourceVersion: '1.0' }),
        debian('acl', null, 5, { arch: 'amd64', source: 'acl' }),
        debian('bar', '2.0', 20, { source: 'bar', sourceVersion: '2.0' }),
      ],
      notScannable: [{ name: 'acl', reason: 'no Version field', location: { path: PATH, line: 5 } }],
      errors: [],
    });
  });

  it('empty: nothing', () => {
    expect(run(fixture('empty'))).toEqual({ packages: [], notScannable: [], errors: [] });
  });

  it('invalid: each line that is not "Field: value" is an error with its line', () => {
    expect(run(fixture('invalid'))).toEqual({
      packages: [],
      notScannable: [],
      errors: [
        { code: 'parse-error', line: 1, path: PATH },
        { code: 'parse-error', line: 3, path: PATH },
      ],
    });
  });
});

describe('dpkg-status inline edge cases', () => {
  it('status.d/ files (distroless) have no Status field and still count as installed', () => {
    const path = 'var/lib/dpkg/status.d/base-files';
    const text = 'Package: base-files\nVersion: 12.4+deb12u5\nArchitecture: amd64\n';
    expect(run(text, path)).toEqual({
      packages: [
        {
          ecosystem: 'Debian',
          name: 'base-files',
          version: '12.4+deb12u5',
          location: { path, line: 1 },
          source: 'registry',
          qualifiers: { arch: 'amd64', source: 'base-files', sourceVersion: '12.4+deb12u5' },
        },
      ],
      notScannable: [],
      errors: [],
    });
  });

  it('CRLF line endings, lowercase field names, leading blank lines and extra spaces in Status', () => {
    const text = '\r\n\r\npackage: zlib1g\r\nstatus: install  ok   installed\r\nsource: zlib\r\nversion: 1:1.2.13.dfsg-1\r\n';
    expect(run(text).packages).toEqual([
      debian('zlib1g', '1:1.2.13.dfsg-1', 3, { source: 'zlib', sourceVersion: '1:1.2.13.dfsg-1' }),
    ]);
  });

  it('not-installed packages are dropped silently; a held package is installed', () => {
    const text = [
      'Package: gone',
      'Status: purge ok not-installed',
      'Version: 1',
      '',
      'Package: held',
      'Status: hold ok installed',
      'Version: 2',
    ].join('\n');
    expect(run(text)).toEqual({
      packages: [debian('held', '2', 5, { source: 'held', sourceVersion: '2' })],
      notScannable: [],
      errors: [],
    });
  });

  it('a continuation line before any field and a duplicate field are errors; the package is still read', () => {
    const text = [' orphan continuation', 'Package: a', 'Status: install ok installed', 'Version: 1', 'Version: 2', ' more'].join('\n');
    expect(run(text)).toEqual({
      packages: [debian('a', '1', 2, { source: 'a', sourceVersion: '1' })],
      notScannable: [],
      errors: [
        { code: 'parse-error', line: 1, path: PATH },
        { code: 'parse-error', line: 5, path: PATH },
      ],
    });
  });
});

describe('dpkg-status fuzz', () => {
  function checkNeverThrows(text: string): void {
    expectWellFormed(extractor.extract({ path: PATH, text }), { path: PATH, linesWithin: { text, lineBreak: /\r?\n/ } });
  }

  it('arbitrary strings never throw', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), checkNeverThrows), { numRuns: 300 });
  });

  itWithSharedData('truncated and spliced fixtures never throw', () => {
    const fixtures = ['valid', 'statusfield', 'transitional', 'nopackage', 'noversion'].map(fixture);
    checkDamagedCopies(fixtures, checkNeverThrows, { numRuns: 300 });
  });
});

describe('dpkg-status: the distribution and release, from the same root\'s os-release', () => {
  // The fields of Debian 12's /etc/os-release (this machine's, URL lines left out) and of Ubuntu
  // 24.04's (as the ubuntu:24.04 image ships it), with their quoting as written there.
  const DEBIAN_12 = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION="12 (bookworm)"\nVERSION_CODENAME=bookworm\nID=debian\n';
  const UBUNTU_2404 =
    'PRETTY_NAME="Ubuntu 24.04.1 LTS"\nNAME="Ubuntu"\nVERSION_ID="24.04"\nVERSION="24.04.1 LTS (Noble Numbat)"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\nUBUNTU_CODENAME=noble\nLOGO=ubuntu-logo\n';
  const STATUS = 'Package: libssl3t64\nStatus: install ok installed\nSource: openssl\nVersion: 3.0.13-0ubuntu3.4\nArchitecture: amd64\n';

  /** A readRelated over a small tree of files, named from the root the status file's path is in. */
  function tree(statusPath: string, files: Record<string, string>) {
    const asked: string[] = [];
    const readRelated = (relativePath: string) => {
      asked.push(relativePath);
      const resolved = posix.normalize(posix.join(posix.dirname(statusPath), relativePath));
      const text = files[resolved];
      return text === undefined ? null : { path: resolved, text };
    };
    return { readRelated, asked };
  }

  function extractWith(path: string, files: Record<string, string>, text = STATUS) {
    const { readRelated, asked } = tree(path, files);
    return { result: extractor.extract({ path, text, readRelated }), asked };
  }

  it('Ubuntu 24.04: ecosystem Ubuntu, release 24.04 (Canonical\'s `:LTS` is the matcher\'s business)', () => {
    const { result, asked } = extractWith('rootfs/var/lib/dpkg/status', { 'rootfs/etc/os-release': UBUNTU_2404 });
    expect(asked).toEqual(['../../../etc/os-release']);
    expect(result.packages).toEqual([
      {
        ecosystem: 'Ubuntu',
        ecosystemRelease: '24.04',
        name: 'libssl3t64',
        version: '3.0.13-0ubuntu3.4',
        location: { path: 'rootfs/var/lib/dpkg/status', line: 1 },
        source: 'registry',
        qualifiers: { arch: 'amd64', source: 'openssl', sourceVersion: '3.0.13-0ubuntu3.4' },
      },
    ]);
    expect(result.errors).toEqual([]);
  });

  it('Debian 12, with os-release only in usr/lib (os-release(5)\'s fallback), and from a distroless status.d file', () => {
    const fromUsrLib = extractWith('var/lib/dpkg/status', { 'usr/lib/os-release': DEBIAN_12 });
    expect(fromUsrLib.asked).toEqual(['../../../etc/os-release', '../../../usr/lib/os-release']);
    expect(fromUsrLib.result.packages.map((found) => [found.ecosystem, found.ecosystemRelease])).toEqual([['Debian', '12']]);
    const distroless = extractWith('var/lib/dpkg/status.d/base-files', { 'etc/os-release': DEBIAN_12 }, 'Package: base-files\nVersion: 12.4+deb12u5\n');
    expect(distroless.asked).toEqual(['../../../../etc/os-release']);
    expect(distroless.result.packages.map((found) => [found.ecosystem, found.ecosystemRelease])).toEqual([['Debian', '12']]);
  });

  it('no os-release, one refused, another distribution or no VERSION_ID: Debian without a release, as before, and no error', () => {
    const trees: Record<string, string>[] = [
      {},
      { 'etc/os-release': 'ID=kali\nID_LIKE=debian\nVERSION_ID="2024.4"\n' },
      { 'etc/os-release': 'PRETTY_NAME="Debian GNU/Linux trixie/sid"\nID=debian\nVERSION_CODENAME=trixie\n' },
    ];
    for (const files of trees) {
      const { result } = extractWith('var/lib/dpkg/status', files);
      expect(result.packages.map((found) => [found.ecosystem, found.ecosystemRelease])).toEqual([['Debian', undefined]]);
      expect(result.errors).toEqual([]);
    }
    const refused = extractor.extract({ path: 'var/lib/dpkg/status', text: STATUS, readRelated: () => ({ error: new ChainwatchError('unreadable-file', 'is outside the scanned tree') }) });
    expect(refused.packages.map((found) => [found.ecosystem, found.ecosystemRelease])).toEqual([['Debian', undefined]]);
    expect(refused.errors).toEqual([]);
  });

  it('a status file not at var/lib/dpkg/ (a fixture, a copy) asks for nothing', () => {
    const { result, asked } = extractWith('backup/dpkg/status', { 'etc/os-release': UBUNTU_2404 });
    expect(asked).toEqual([]);
    expect(result.packages.map((found) => found.ecosystem)).toEqual(['Debian']);
  });

  it('os-release quoting: double and single quotes, escapes, comments', () => {
    expect(Object.fromEntries(parseOsRelease('# comment\nID="ubuntu"\nVERSION_ID=\'22.04\'\nNAME="A \\"quoted\\" name"\nBAD LINE\n'))).toEqual({
      ID: 'ubuntu',
      VERSION_ID: '22.04',
      NAME: 'A "quoted" name',
    });
  });
});
