import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { Ecosystem } from '../core/package.js';
import { npmScheme } from '../ecosystems/npm/version.js';
import { pypiScheme } from '../ecosystems/pypi/version.js';
import type { VersionScheme } from '../ecosystems/types.js';
import { compileRecords, createPackageMatcher, matchPackageWithWarnings, representativeId } from './match.js';
import type { CompiledRecords, MatchInput, MatchWarning } from './match.js';
import { openSqliteStore } from '../store/sqlite-store.js';
import type { Finding, OsvAffected, OsvEvent, OsvRange, OsvRecord } from './types.js';
import { describeWithSharedData, sharedDataPath } from '../../test/shared-data.js';

const osvData = sharedDataPath('osv');

function loadRecord(relativePath: string): OsvRecord {
  const text = readFileSync(join(osvData, relativePath), 'utf8');
  return (relativePath.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as OsvRecord;
}

function loadPypaFolder(name: string): OsvRecord[] {
  const folder = join(osvData, 'pypa', 'vulns', name);
  return readdirSync(folder)
    .filter((file) => file.endsWith('.yaml'))
    .sort()
    .map((file) => loadRecord(`pypa/vulns/${name}/${file}`));
}

function record(id: string, affected: OsvAffected[], fields: Partial<OsvRecord> = {}): OsvRecord {
  return { id, modified: '2024-01-01T00:00:00Z', affected, ...fields };
}

function affects(ecosystem: string, name: string, ranges: OsvRange[], versions?: string[]): OsvAffected {
  const entry: OsvAffected = { package: { ecosystem, name }, ranges };
  if (versions) entry.versions = versions;
  return entry;
}

function ecosystemRange(...events: OsvEvent[]): OsvRange {
  return { type: 'ECOSYSTEM', events };
}

/** The findings alone (the warnings have tests of their own). */
function matchPackage(target: MatchInput, records: CompiledRecords | readonly OsvRecord[]): Finding[] {
  return matchPackageWithWarnings(target, records).findings;
}

/** Whether one `affected[]` entry, whatever package it names, affects `version`: matched as the only entry of a record. */
function isAffected(version: string, affected: OsvAffected, scheme: VersionScheme, options: { commit?: string } = {}): boolean {
  const entry = { ...affected, package: { ecosystem: scheme.ecosystem, name: 'x' } };
  const target = { ecosystem: scheme.ecosystem, name: 'x', version, ...options };
  return matchPackage(target, compileRecords([record('TEST-ENTRY', [entry])], scheme)).length > 0;
}

function idsOf(ecosystem: Ecosystem, name: string, version: string, records: OsvRecord[], scheme: VersionScheme, commit?: string): string[] {
  const target = commit === undefined ? { ecosystem, name, version } : { ecosystem, name, version, commit };
  return matchPackage(target, compileRecords(records, scheme)).map((finding) => finding.id);
}

/*
 * Hand-written records, one per event combination of the OSV evaluation
 * algorithm. Expected outcomes follow from reading the schema's pseudocode.
 */
describe('event combinations (npm ECOSYSTEM ranges)', () => {
  const cases: { name: string; range?: OsvRange; ranges?: OsvRange[]; versions?: string[]; affected: string[]; notAffected: string[] }[] = [
    {
      name: 'introduced + fixed',
      range: ecosystemRange({ introduced: '1.0.0' }, { fixed: '1.2.0' }),
      affected: ['1.0.0', '1.1.9', '1.2.0-rc.1'],
      notAffected: ['0.9.0', '1.0.0-beta', '1.2.0', '2.0.0'],
    },
    {
      name: 'introduced 0 + fixed',
      range: ecosystemRange({ introduced: '0' }, { fixed: '1.0.2' }),
      affected: ['0.0.0', '0.0.1-alpha', '1.0.1'],
      notAffected: ['1.0.2', '1.0.3'],
    },
    {
      name: 'introduced + last_affected (inclusive)',
      range: ecosystemRange({ introduced: '0' }, { last_affected: '1.2.0' }),
      affected: ['0.0.1', '1.2.0'],
      notAffected: ['1.2.1-alpha', '1.2.1', '2.0.0'],
    },
    {
      name: 'introduced only: every later version',
      range: ecosystemRange({ introduced: '2.0.0' }),
      affected: ['2.0.0', '99.0.0'],
      notAffected: ['1.9.9', '2.0.0-rc.1'],
    },
    {
      name: 'limit (exclusive)',
      range: ecosystemRange({ introduced: '1.0.0' }, { limit: '1.5.0' }),
      affected: ['1.0.0', '1.4.9'],
      notAffected: ['0.9.0', '1.5.0', '2.0.0'],
    },
    {
      name: 'limit "*" is infinity',
      range: ecosystemRange({ introduced: '1.0.0' }, { limit: '*' }),
      affected: ['1.0.0', '999.0.0'],
      notAffected: ['0.1.0'],
    },
    {
      name: 'limit below a fixed version cuts the range',
      range: ecosystemRange({ introduced: '0' }, { fixed: '2.0.0' }, { limit: '1.5.0' }),
      affected: ['1.0.0'],
      notAffected: ['1.6.0', '2.0.0'],
    },
    {
      name: 'several limits: below any one of them',
      range: ecosystemRange({ introduced: '0' }, { limit: '1.0.0' }, { limit: '3.0.0' }),
      affected: ['0.5.0', '2.0.0'],
      notAffected: ['3.0.0'],
    },
    {
      name: 'multiple introduced in one range',
      range: ecosystemRange({ introduced: '1.0.0' }, { fixed: '1.0.2' }, { introduced: '3.0.0' }, { fixed: '3.2.5' }),
      affected: ['1.0.0', '1.0.1', '3.0.0', '3.2.4'],
      notAffected: ['0.1.0', '1.0.2', '2.0.0', '3.2.5', '4.0.0'],
    },
    {
      name: 'unsorted events',
      range: ecosystemRange({ fixed: '3.2.5' }, { introduced: '3.0.0' }, { fixed: '1.0.2' }, { introduced: '1.0.0' }),
      affected: ['1.0.0', '1.0.1', '3.0.0', '3.2.4'],
      notAffected: ['0.1.0', '1.0.2', '2.0.0', '3.2.5', '4.0.0'],
    },
    {
      name: 'introduced and fixed at the same version: an empty range',
      range: ecosystemRange({ introduced: '1.0.0' }, { fixed: '1.0.0' }),
      affected: [],
      notAffected: ['0.9.0', '1.0.0', '1.0.1'],
    },
    {
      name: 'events at the same version keep record order: adjoining intervals',
      range: ecosystemRange({ introduced: '0' }, { fixed: '1.0.0' }, { introduced: '1.0.0' }, { fixed: '2.0.0' }),
      affected: ['0.5.0', '1.0.0', '1.9.0'],
      notAffected: ['2.0.0'],
    },
    {
      name: 'versions only, no ranges',
      ranges: [],
      versions: ['1.0.0', '1.0.1'],
      affected: ['1.0.0', '1.0.1'],
      notAffected: ['1.0.2', '0.9.0'],
    },
    {
      name: 'a listed version is affected even outside every range',
      range: ecosystemRange({ introduced: '2.0.0' }, { fixed: '2.1.0' }),
      versions: ['1.5.0'],
      affected: ['1.5.0', '2.0.5'],
      notAffected: ['1.6.0', '2.1.0'],
    },
    {
      name: 'listed versions compare by the scheme (build metadata is not part of SemVer precedence)',
      ranges: [],
      versions: ['1.0.0+build.7'],
      affected: ['1.0.0', '1.0.0+other'],
      notAffected: ['1.0.1'],
    },
    {
      name: 'several ranges: any one of them',
      ranges: [ecosystemRange({ introduced: '0' }, { fixed: '1.0.0' }), ecosystemRange({ introduced: '5.0.0' }, { last_affected: '5.1.0' })],
      affected: ['0.1.0', '5.0.0', '5.1.0'],
      notAffected: ['1.0.0', '4.0.0', '5.1.1'],
    },
  ];

  it.each(cases)('$name', ({ range, ranges, versions, affected, notAffected }) => {
    const entry = affects('npm', 'left-pad', ranges ?? [range!], versions);
    const compiled = compileRecords([record('TEST-1', [entry])], npmScheme);
    expect(compiled.warnings).toEqual([]);
    for (const version of affected) {
      expect(matchPackage({ ecosystem: 'npm', name: 'left-pad', version }, compiled).map((f) => f.id), version).toEqual(['TEST-1']);
      expect(isAffected(version, entry, npmScheme), version).toBe(true);
    }
    for (const version of notAffected) {
      expect(matchPackage({ ecosystem: 'npm', name: 'left-pad', version }, compiled), version).toEqual([]);
      expect(isAffected(version, entry, npmScheme), version).toBe(false);
    }
  });
});

describe('SEMVER ranges', () => {
  it.each([
    // SemVer 2.0 precedence, not npm's range rule that hides pre-releases of other releases.
    { version: '2.0.0-rc.1', affected: true },
    { version: '1.9.9', affected: true },
    { version: '2.0.0', affected: false },
    { version: '2.0.1-alpha', affected: false },
  ])('introduced 0, fixed 2.0.0: $version', ({ version, affected }) => {
    const entry = affects('npm', 'x', [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '2.0.0' }] }]);
    expect(isAffected(version, entry, npmScheme)).toBe(affected);
  });

  it.each([
    { version: '1.0.0-alpha', affected: true },
    { version: '1.0.0-alpha.1', affected: true },
    { version: '1.0.0-beta.11', affected: true },
    { version: '1.0.0-rc.1', affected: true },
    { version: '1.0.0', affected: false },
    { version: '0.9.9', affected: false },
  ])('pre-release bounds: introduced 1.0.0-alpha, fixed 1.0.0: $version', ({ version, affected }) => {
    const entry = affects('npm', 'x', [{ type: 'SEMVER', events: [{ introduced: '1.0.0-alpha' }, { fixed: '1.0.0' }] }]);
    expect(isAffected(version, entry, npmScheme)).toBe(affected);
  });

  it('applies to other ecosystems by SemVer ordering; versions that are not SemVer do not match and are reported', () => {
    const compiled = compileRecords([record('TEST-SEMVER', [affects('PyPI', 'some-lib', [{ type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.2.0' }] }])])], pypiScheme);
    expect(compiled.warnings).toEqual([]);
    const inRange = matchPackageWithWarnings({ ecosystem: 'PyPI', name: 'some-lib', version: '1.1.0' }, compiled);
    expect(inRange.findings.map((f) => f.id)).toEqual(['TEST-SEMVER']);
    expect(inRange.warnings).toEqual([]);
    // "1.1" is PEP 440 but not SemVer 2.0: not matched, and said so.
    const notSemver = matchPackageWithWarnings({ ecosystem: 'PyPI', name: 'some-lib', version: '1.1' }, compiled);
    expect(notSemver.findings).toEqual([]);
    expect(notSemver.warnings.map((w) => [w.code, w.value])).toEqual([['target-not-semver', '1.1']]);
  });
});

describe('GIT ranges (exact commits only)', () => {
  const introducedCommit = 'a'.repeat(40);
  const fixedCommit = 'b'.repeat(40);
  const lastAffectedCommit = 'c'.repeat(40);
  const unrelatedCommit = 'd'.repeat(40);
  const entry = affects('npm', 'x', [
    { type: 'GIT', repo: 'https://example.test/x.git', events: [{ introduced: introducedCommit }, { fixed: fixedCommit }] },
    { type: 'GIT', repo: 'https://example.test/x.git', events: [{ introduced: '0' }, { last_affected: lastAffectedCommit }] },
  ]);

  it.each([
    { name: 'the introducing commit', commit: introducedCommit, affected: true },
    { name: 'the introducing commit in capitals', commit: introducedCommit.toUpperCase(), affected: true },
    { name: 'the last affected commit', commit: lastAffectedCommit, affected: true },
    { name: 'the fixing commit', commit: fixedCommit, affected: false },
    // Between introduced and fixed in history, but without the repository we cannot know.
    { name: 'any other commit', commit: unrelatedCommit, affected: false },
    { name: 'no commit known', commit: undefined, affected: false },
  ])('$name', ({ commit, affected }) => {
    const options = commit === undefined ? {} : { commit };
    expect(isAffected('1.0.0', entry, npmScheme, options)).toBe(affected);
  });

  it('a package known only by its commit (no version) matches GIT ranges and warns about nothing', () => {
    const records = [
      record('TEST-GIT', [affects('npm', 'x', [{ type: 'GIT', repo: 'https://example.test/x.git', events: [{ introduced: introducedCommit }, { fixed: fixedCommit }] }, ecosystemRange({ introduced: '0' })])]),
    ];
    const hit = matchPackageWithWarnings({ ecosystem: 'npm', name: 'x', version: '', commit: introducedCommit }, records);
    expect(hit.findings.map((f) => f.id)).toEqual(['TEST-GIT']);
    expect(hit.warnings).toEqual([]);
    const miss = matchPackageWithWarnings({ ecosystem: 'npm', name: 'x', version: '', commit: unrelatedCommit }, records);
    expect(miss).toEqual({ findings: [], warnings: [] });
  });

  it('an ECOSYSTEM range still decides by version when the commit says nothing', () => {
    const both = affects('npm', 'x', [
      { type: 'GIT', repo: 'https://example.test/x.git', events: [{ introduced: '0' }, { fixed: fixedCommit }] },
      ecosystemRange({ introduced: '0' }, { fixed: '1.0.6' }),
    ]);
    expect(isAffected('1.0.5', both, npmScheme, { commit: unrelatedCommit })).toBe(true);
    expect(isAffected('1.0.6', both, npmScheme, { commit: fixedCommit })).toBe(false);
  });
});

describe('what is left out, and the warnings', () => {
  it('skips withdrawn records entirely', () => {
    const withdrawn = record('TEST-WITHDRAWN', [affects('npm', 'x', [ecosystemRange({ introduced: '0' }, { fixed: 'not a version' })], ['1.0.0'])], {
      withdrawn: '2024-02-01T00:00:00Z',
    });
    const compiled = compileRecords([withdrawn], npmScheme);
    expect(compiled.records).toEqual([]);
    expect(compiled.warnings).toEqual([]);
    expect(matchPackage({ ecosystem: 'npm', name: 'x', version: '1.0.0' }, compiled)).toEqual([]);
  });

  it('an unparsable event version leaves its range out, is never read as 0, and names the record', () => {
    const records = [
      record('TEST-BAD', [
        affects('npm', 'x', [ecosystemRange({ introduced: 'not.a.version' }, { fixed: '2.0.0' })]),
        affects('npm', 'y', [ecosystemRange({ introduced: '0' }, { fixed: '2.0.0' })]),
      ]),
    ];
    const compiled = compileRecords(records, npmScheme);
    expect(compiled.warnings).toEqual<MatchWarning[]>([
      { code: 'invalid-event-version', recordId: 'TEST-BAD', value: 'not.a.version', message: expect.stringContaining('TEST-BAD') as unknown as string },
    ]);
    // Read as 0, "not.a.version" would make 1.0.0 affected.
    expect(matchPackage({ ecosystem: 'npm', name: 'x', version: '1.0.0' }, compiled)).toEqual([]);
    // The record's other, valid entry still counts.
    expect(matchPackage({ ecosystem: 'npm', name: 'y', version: '1.0.0' }, compiled).map((f) => f.id)).toEqual(['TEST-BAD']);
  });

  it('reports unsupported range types, ranges without introduced, and unparsable listed versions', () => {
    const compiled = compileRecords(
      [
        record('TEST-ODD', [
          affects('npm', 'x', [
            { type: 'CUSTOM', events: [{ introduced: '0' }] },
            ecosystemRange({ fixed: '1.0.0' }),
          ], ['1.0.0', 'banana']),
        ]),
      ],
      npmScheme,
    );
    expect(compiled.warnings.map((w) => [w.code, w.recordId, w.value])).toEqual([
      ['unsupported-range', 'TEST-ODD', 'CUSTOM'],
      ['range-without-introduced', 'TEST-ODD', 'ECOSYSTEM'],
      ['invalid-listed-version', 'TEST-ODD', 'banana'],
    ]);
    // The range without introduced affects nothing; the listed versions still match, "banana" by its text.
    expect(matchPackage({ ecosystem: 'npm', name: 'x', version: '0.5.0' }, compiled)).toEqual([]);
    expect(matchPackage({ ecosystem: 'npm', name: 'x', version: '1.0.0' }, compiled).map((f) => f.id)).toEqual(['TEST-ODD']);
    expect(matchPackage({ ecosystem: 'npm', name: 'x', version: 'banana' }, compiled).map((f) => f.id)).toEqual(['TEST-ODD']);
  });

  it('reports a package version its scheme cannot parse, once', () => {
    const compiled = compileRecords(
      [record('TEST-A', [affects('npm', 'x', [ecosystemRange({ introduced: '0' })])]), record('TEST-B', [affects('npm', 'x', [ecosystemRange({ introduced: '0' })])])],
      npmScheme,
    );
    const result = matchPackageWithWarnings({ ecosystem: 'npm', name: 'x', version: 'latest' }, compiled);
    expect(result.findings).toEqual([]);
    expect(result.warnings.map((w) => [w.code, w.recordId, w.value])).toEqual([['invalid-target-version', null, 'latest']]);
    // A package no record names gets no warning.
    expect(matchPackageWithWarnings({ ecosystem: 'npm', name: 'other', version: 'latest' }, compiled).warnings).toEqual([]);
  });

  it('matches the ecosystem before ":" and ignores other ecosystems', () => {
    const records = [
      record('TEST-SUFFIX', [affects('npm:some-registry', 'x', [ecosystemRange({ introduced: '0' })])]),
      record('TEST-PYPI', [affects('PyPI', 'x', [ecosystemRange({ introduced: '0' })])]),
      record('TEST-LOWER', [affects('NPM', 'x', [ecosystemRange({ introduced: '0' })])]),
    ];
    expect(idsOf('npm', 'x', '1.0.0', records, npmScheme)).toEqual(['TEST-SUFFIX']);
  });

  it('npm names are case-sensitive', () => {
    const records = [record('TEST-CASE', [affects('npm', 'JSONStream', [ecosystemRange({ introduced: '0' })])])];
    expect(idsOf('npm', 'JSONStream', '1.0.0', records, npmScheme)).toEqual(['TEST-CASE']);
    expect(idsOf('npm', 'jsonstream', '1.0.0', records, npmScheme)).toEqual([]);
  });

  it('a record that names the package only through aliases does not count', () => {
    const records = [
      record('PYSEC-2099-1', [affects('npm', 'x', [ecosystemRange({ introduced: '0' })])], { aliases: ['CVE-2099-1'] }),
      // Same vulnerability, but its affected[] has no package entry for x: not a finding, not merged.
      record('CVE-2099-1', [{ ranges: [{ type: 'GIT', repo: 'https://example.test/x.git', events: [{ introduced: '0' }] }] }], { aliases: ['PYSEC-2099-1', 'EXTRA-1'] }),
      record('GHSA-2099-zzzz-zzzz', [affects('npm', 'other-package', [ecosystemRange({ introduced: '0' })])], { aliases: ['PYSEC-2099-1'] }),
    ];
    const findings = matchPackage({ ecosystem: 'npm', name: 'x', version: '1.0.0' }, compileRecords(records, npmScheme));
    expect(findings.map((f) => [f.id, f.ids])).toEqual([['PYSEC-2099-1', ['CVE-2099-1', 'PYSEC-2099-1']]]);
  });
});

describe('merging records that describe one vulnerability', () => {
  const v3Medium = { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N' };
  const pysec = record('PYSEC-2099-10', [affects('npm', 'x', [ecosystemRange({ introduced: '0' }, { fixed: '1.5.0' })])], {
    aliases: ['CVE-2099-10'],
    severity: [v3Medium],
  });
  const osv = record('OSV-2099-9', [affects('npm', 'x', [ecosystemRange({ introduced: '0' }, { fixed: '1.5.0' })])], {
    aliases: ['CVE-2099-11'],
    summary: 'summary of OSV-2099-9',
  });
  const unrelated = record('GHSA-aaaa-bbbb-cccc', [affects('npm', 'x', [ecosystemRange({ introduced: '0' })])], { aliases: ['CVE-2099-12'] });
  // Links the first two: PYSEC and OSV share no id directly.
  const ghsa = record('GHSA-xxxx-yyyy-zzzz', [affects('npm', 'x', [ecosystemRange({ introduced: '0' }, { fixed: '2.0.0' }), ecosystemRange({ introduced: '3.0.0' }, { fixed: '3.1.0' })])], {
    aliases: ['CVE-2099-10', 'CVE-2099-11'],
    summary: 'summary of the GHSA',
    database_specific: { severity: 'HIGH' },
  });
  const compiled = compileRecords([pysec, osv, unrelated, ghsa], npmScheme);

  it('merges transitively into one finding with every id', () => {
    const findings = matchPackage({ ecosystem: 'npm', name: 'x', version: '1.0.0' }, compiled);
    expect(findings).toHaveLength(2);
    const [separate, merged] = findings;
    expect(separate!.id).toBe('GHSA-aaaa-bbbb-cccc');
    expect(separate!.ids).toEqual(['CVE-2099-12', 'GHSA-aaaa-bbbb-cccc']);
    expect(separate!.fixed).toEqual([]);
    expect(merged).toEqual({
      package: { ecosystem: 'npm', name: 'x', version: '1.0.0', purl: 'pkg:npm/x@1.0.0' },
      id: 'GHSA-xxxx-yyyy-zzzz',
      ids: ['CVE-2099-10', 'CVE-2099-11', 'GHSA-xxxx-yyyy-zzzz', 'OSV-2099-9', 'PYSEC-2099-10'],
      // The first record (in the order given) that has a summary.
      summary: 'summary of OSV-2099-9',
      // PYSEC's vector says medium, the GHSA's own word says high: the highest wins.
      severity: { level: 'high', source: 'database' },
      // 1.5.0 from two records once; 3.1.0 is not a fix for 1.0.0's range.
      fixed: ['1.5.0', '2.0.0'],
      locations: [],
    });
  });

  it('records that do not match this version are not merged in', () => {
    const findings = matchPackage({ ecosystem: 'npm', name: 'x', version: '1.7.0' }, compiled);
    expect(findings.map((f) => [f.id, f.ids, f.fixed, f.summary])).toEqual([
      ['GHSA-aaaa-bbbb-cccc', ['CVE-2099-12', 'GHSA-aaaa-bbbb-cccc'], [], undefined],
      ['GHSA-xxxx-yyyy-zzzz', ['CVE-2099-10', 'CVE-2099-11', 'GHSA-xxxx-yyyy-zzzz'], ['2.0.0'], 'summary of the GHSA'],
    ]);
  });

  it('without the linking record, the two stay apart', () => {
    const findings = matchPackage({ ecosystem: 'npm', name: 'x', version: '1.0.0' }, compileRecords([pysec, osv], npmScheme));
    expect(findings.map((f) => f.id)).toEqual(['OSV-2099-9', 'PYSEC-2099-10']);
    expect(findings[1]!.severity).toEqual({ level: 'medium', score: 6.1, vector: v3Medium.score, source: 'CVSS_V3' });
  });

  it('keeps the purl and locations the package came with', () => {
    const [first] = matchPackage(
      { ecosystem: 'npm', name: 'x', version: '1.0.0', purl: 'pkg:npm/x@1.0.0?from=lock', locations: [{ path: 'package-lock.json', line: 12 }] },
      compileRecords([unrelated], npmScheme),
    );
    expect(first!.package.purl).toBe('pkg:npm/x@1.0.0?from=lock');
    expect(first!.locations).toEqual([{ path: 'package-lock.json', line: 12 }]);
  });

  it.each([
    { ids: ['CVE-2021-1', 'PYSEC-2021-1', 'GHSA-bbbb-bbbb-bbbb', 'GHSA-aaaa-aaaa-aaaa'], own: ['GHSA-bbbb-bbbb-bbbb'], expected: 'GHSA-bbbb-bbbb-bbbb' },
    { ids: ['CVE-2021-1', 'PYSEC-2021-1', 'GHSA-bbbb-bbbb-bbbb', 'GHSA-aaaa-aaaa-aaaa'], own: ['PYSEC-2021-1'], expected: 'GHSA-aaaa-aaaa-aaaa' },
    { ids: ['CVE-2021-1', 'PYSEC-2021-1'], own: [], expected: 'PYSEC-2021-1' },
    { ids: ['CVE-2021-1', 'OSV-2021-5', 'PYSEC-2021-1'], own: ['PYSEC-2021-1'], expected: 'PYSEC-2021-1' },
    { ids: ['CVE-2021-2', 'CVE-2021-1'], own: [], expected: 'CVE-2021-1' },
  ])('representative of $ids (own: $own) is $expected', ({ ids, own, expected }) => {
    expect(representativeId(ids, new Set(own))).toBe(expected);
  });
});

describe('parse once', () => {
  it('matching many packages parses only the package versions, never an event version again', () => {
    let parses = 0;
    const countingScheme: VersionScheme = {
      ecosystem: 'npm',
      parse: (text) => {
        parses += 1;
        return npmScheme.parse(text);
      },
      parseRange: npmScheme.parseRange,
    };
    const records = Array.from({ length: 20 }, (_, index) =>
      record(`TEST-${index}`, [affects('npm', 'x', [ecosystemRange({ introduced: `${index}.0.0` }, { fixed: `${index}.5.0` })], [`${index}.0.1`])]),
    );
    const compiled = compileRecords(records, countingScheme);
    const afterCompile = parses;
    expect(afterCompile).toBe(20 * 3);
    for (let index = 0; index < 100; index++) {
      matchPackage({ ecosystem: 'npm', name: 'x', version: `${index % 25}.1.0` }, compiled);
    }
    // One parse per package in the ecosystem's ordering (SEMVER ranges use the npm scheme itself).
    expect(parses - afterCompile).toBe(100);
  });
});

describe('other ecosystems and raw records', () => {
  it('Debian records with a release suffix match by dpkg ordering', () => {
    // Hand-written, in the shape of a Debian security tracker record.
    const records = [record('DSA-TEST-1', [affects('Debian:12', 'openssl', [ecosystemRange({ introduced: '0' }, { fixed: '3.0.11-1~deb12u1' })])])];
    expect(matchPackage({ ecosystem: 'Debian', name: 'openssl', version: '3.0.9-1' }, records).map((f) => f.id)).toEqual(['DSA-TEST-1']);
    // "~" sorts before everything: 3.0.11-1~deb12u1 < 3.0.11-1.
    expect(matchPackage({ ecosystem: 'Debian', name: 'openssl', version: '3.0.11-1' }, records)).toEqual([]);
    expect(matchPackage({ ecosystem: 'Debian', name: 'openssl', version: '3.0.11-1~deb12u1' }, records)).toEqual([]);
    expect(matchPackage({ ecosystem: 'Debian', name: 'openssl', version: '1:0.9' }, records)).toEqual([]);
  });

  describe('Debian and Ubuntu records are matched by release', () => {
    // Hand-written in the shape of OSV's DEBIAN-CVE-* records (one affected entry per release,
    // each with its own fix, fixed only in 12 here) and a DSA (one release).
    const debianCve = record('DEBIAN-CVE-TEST-1', [
      affects('Debian:11', 'openssl', [ecosystemRange({ introduced: '0' })]),
      affects('Debian:12', 'openssl', [ecosystemRange({ introduced: '0' }, { fixed: '3.0.15-1~deb12u1' })]),
      affects('Debian:13', 'openssl', [ecosystemRange({ introduced: '0' }, { fixed: '3.3.2-1' })]),
    ], { aliases: ['CVE-TEST-1'] });
    const dsaFor11 = record('DSA-TEST-11', [affects('Debian:11', 'curl', [ecosystemRange({ introduced: '0' }, { fixed: '7.74.0-1.3+deb11u14' })])]);
    const releaseless = record('DEBIAN-TEST-ANY', [affects('Debian', 'curl', [ecosystemRange({ introduced: '0' }, { fixed: '8.0.0-1' })])]);
    const debian = (name: string, version: string, ecosystemRelease?: string) => ({
      ecosystem: 'Debian' as const,
      name,
      version,
      ...(ecosystemRelease !== undefined ? { ecosystemRelease } : {}),
    });
    const ids = (target: MatchInput, records: OsvRecord[]) => matchPackage(target, records).map((finding) => [finding.id, finding.fixed]);

    it('a Debian 12 package is matched by the Debian:12 entry only (its fix, not Debian 11\'s "no fix" or 13\'s)', () => {
      expect(ids(debian('openssl', '3.0.14-1~deb12u2', '12'), [debianCve])).toEqual([['DEBIAN-CVE-TEST-1', ['3.0.15-1~deb12u1']]]);
      // Fixed in 12: the Debian:11 entry (no fix) and the Debian:13 entry (fix 3.3.2-1, above it) do not apply.
      expect(ids(debian('openssl', '3.0.15-1~deb12u1', '12'), [debianCve])).toEqual([]);
    });

    it('a record for another release only does not apply', () => {
      expect(ids(debian('curl', '7.88.1-10+deb12u8', '12'), [dsaFor11])).toEqual([]);
      expect(ids(debian('curl', '7.74.0-1.3+deb11u13', '11'), [dsaFor11])).toEqual([['DSA-TEST-11', ['7.74.0-1.3+deb11u14']]]);
    });

    it('a record without a release applies to every release (OSV-Scanner: either side without a suffix, the ecosystem decides)', () => {
      expect(ids(debian('curl', '7.88.1-10+deb12u8', '12'), [releaseless])).toEqual([['DEBIAN-TEST-ANY', ['8.0.0-1']]]);
    });

    it('a package without a release (a status file read alone) keeps the old behaviour: every release\'s entries apply', () => {
      expect(ids(debian('openssl', '3.0.15-1~deb12u1', undefined), [debianCve])).toEqual([['DEBIAN-CVE-TEST-1', ['3.3.2-1']]]);
      expect(ids(debian('curl', '7.88.1-10+deb12u8', undefined), [dsaFor11])).toEqual([]);
      expect(ids(debian('curl', '7.74.0-1', ''), [dsaFor11])).toEqual([['DSA-TEST-11', ['7.74.0-1.3+deb11u14']]]);
    });

    // Hand-written in the shape of Canonical's UBUNTU-CVE-* records: source package names,
    // `Ubuntu:<YY.MM>:LTS` ecosystems, and a Pro (ESM) entry for an older release.
    const ubuntuCve = record('UBUNTU-CVE-TEST-2', [
      affects('Ubuntu:22.04:LTS', 'openssl', [ecosystemRange({ introduced: '0' }, { fixed: '3.0.2-0ubuntu1.18' })]),
      affects('Ubuntu:24.04:LTS', 'openssl', [ecosystemRange({ introduced: '0' }, { fixed: '3.0.13-0ubuntu3.4' })]),
      affects('Ubuntu:Pro:20.04:LTS', 'openssl', [ecosystemRange({ introduced: '0' }, { fixed: '1.1.1f-1ubuntu2.24+esm1' })]),
    ]);
    const interim = record('USN-TEST-3', [affects('Ubuntu:24.10', 'openssl', [ecosystemRange({ introduced: '0' }, { fixed: '3.3.1-2ubuntu2.1' })])]);
    const ubuntu = (version: string, ecosystemRelease?: string) => ({
      ecosystem: 'Ubuntu' as const,
      name: 'openssl',
      version,
      ...(ecosystemRelease !== undefined ? { ecosystemRelease } : {}),
    });

    it('Ubuntu: `Ubuntu:24.04:LTS` is release 24.04 (the image says 24.04); other releases and Pro entries do not apply', () => {
      expect(ids(ubuntu('3.0.13-0ubuntu3.1', '24.04'), [ubuntuCve, interim])).toEqual([['UBUNTU-CVE-TEST-2', ['3.0.13-0ubuntu3.4']]]);
      expect(ids(ubuntu('3.0.13-0ubuntu3.1', '24.04:LTS'), [ubuntuCve, interim])).toEqual([['UBUNTU-CVE-TEST-2', ['3.0.13-0ubuntu3.4']]]);
      expect(ids(ubuntu('3.0.13-0ubuntu3.4', '24.04'), [ubuntuCve, interim])).toEqual([]);
      // 20.04 has only a Pro entry: an os-release never says the image has Pro, so it does not apply.
      expect(ids(ubuntu('1.1.1f-1ubuntu2.23', '20.04'), [ubuntuCve, interim])).toEqual([]);
      expect(ids(ubuntu('3.3.1-2ubuntu2', '24.10'), [ubuntuCve, interim])).toEqual([['USN-TEST-3', ['3.3.1-2ubuntu2.1']]]);
    });

    it('Ubuntu records never match Debian packages, nor Debian records Ubuntu packages', () => {
      const debianRecord = record('DSA-TEST-4', [affects('Debian:12', 'openssl', [ecosystemRange({ introduced: '0' })])]);
      expect(ids(debian('openssl', '3.0.2-0ubuntu1', '12'), [ubuntuCve])).toEqual([]);
      expect(ids(ubuntu('3.0.2-0ubuntu1', '22.04'), [debianRecord])).toEqual([]);
      expect(ids(ubuntu('3.0.2-0ubuntu1'), [debianRecord])).toEqual([]);
    });

    it('the package matcher keeps the release per package while reusing one compiled name', () => {
      const matcher = createPackageMatcher({ recordsFor: (ecosystem) => (ecosystem === 'Debian' ? [debianCve] : []) });
      expect(matcher.match(debian('openssl', '3.0.15-1~deb12u1', '12')).findings).toEqual([]);
      expect(matcher.match(debian('openssl', '3.0.15-1~deb12u1', '13')).findings.map((finding) => finding.fixed)).toEqual([['3.3.2-1']]);
    });
  });

  it('raw records are compiled with the ecosystem scheme', () => {
    const records = [record('TEST-RAW', [affects('PyPI', 'x', [ecosystemRange({ introduced: '0' }, { fixed: '1.0' })])])];
    expect(matchPackage({ ecosystem: 'PyPI', name: 'X', version: '1.0rc1' }, records).map((f) => f.id)).toEqual(['TEST-RAW']);
    expect(matchPackage({ ecosystem: 'PyPI', name: 'X', version: '1.0.0' }, records)).toEqual([]);
  });
});

describe('createPackageMatcher', () => {
  it('fetches and compiles records once per package, whatever the spelling of its name', () => {
    const shared = record('TEST-TWO-PACKAGES', [
      affects('PyPI', 'jupyter-core', [ecosystemRange({ introduced: '0' }, { fixed: '4.11.2' })]),
      affects('PyPI', 'jupyter-client', [ecosystemRange({ introduced: '0' }, { fixed: 'bad version' })]),
    ]);
    const asked: string[] = [];
    const matcher = createPackageMatcher(
      {
        recordsFor(ecosystem, normalizedName) {
          asked.push(`${ecosystem}/${normalizedName}`);
          return normalizedName === 'jupyter-core' || normalizedName === 'jupyter-client' ? [shared] : [];
        },
      },
      (ecosystem) => (ecosystem === 'PyPI' ? pypiScheme : null),
    );
    expect(matcher.match({ ecosystem: 'PyPI', name: 'jupyter_core', version: '4.11.1' }).findings.map((f) => f.id)).toEqual(['TEST-TWO-PACKAGES']);
    expect(matcher.match({ ecosystem: 'PyPI', name: 'Jupyter-Core', version: '4.11.2' }).findings).toEqual([]);
    expect(matcher.match({ ecosystem: 'PyPI', name: 'jupyter-client', version: '1.0' }).findings).toEqual([]);
    expect(matcher.match({ ecosystem: 'conda', name: 'jupyter-core', version: '4.11.1' })).toEqual({ findings: [], warnings: [] });
    expect(asked).toEqual(['PyPI/jupyter-core', 'PyPI/jupyter-client']);
    // "bad version" was seen while compiling for both packages, and is told once.
    expect(matcher.recordWarnings().map((w) => [w.code, w.recordId, w.value])).toEqual([['invalid-event-version', 'TEST-TWO-PACKAGES', 'bad version']]);
  });

  it('parses no version of a package that has no record', () => {
    const parsed: string[] = [];
    const counting: VersionScheme = { ...pypiScheme, parse: (text) => (parsed.push(text), pypiScheme.parse(text)) };
    const matcher = createPackageMatcher({ recordsFor: () => [] }, () => counting);
    expect(matcher.match({ ecosystem: 'PyPI', name: 'nothing-known', version: 'not a version' })).toEqual({ findings: [], warnings: [] });
    expect(parsed).toEqual([]);
  });

  it('keeps only the most recently used packages compiled (bounded memory), recompiling one that was evicted', () => {
    const asked: string[] = [];
    const matcher = createPackageMatcher(
      {
        recordsFor(_ecosystem, normalizedName) {
          asked.push(normalizedName);
          return [];
        },
      },
      () => pypiScheme,
      { cacheSize: 2 },
    );
    for (const name of ['a', 'b', 'a', 'c', 'a', 'b']) matcher.match({ ecosystem: 'PyPI', name, version: '1.0' });
    // a and b cached; a hit keeps a; c evicts b (least recently used); a is still cached; b is compiled again.
    expect(asked).toEqual(['a', 'b', 'c', 'b']);
  });
});

describe('records of hostile size', () => {
  // Issue 7: a record with 200,000 fixed events overflowed the stack in `fixed.push(...list)`, and, once stored,
  // crashed every later scan of its package. Spreading a list into a call copies it onto the stack.
  const COUNT = 200_000;
  function hugeRecord(): OsvRecord {
    const events: OsvEvent[] = [{ introduced: '0' }];
    for (let index = 1; index <= COUNT; index++) events.push({ fixed: `${index}.0.0` });
    const entry = affects('npm', 'huge', [{ type: 'ECOSYSTEM', events }]);
    entry.severity = Array.from({ length: COUNT }, () => ({ type: 'Ubuntu', score: 'low' }));
    return record('HUGE-1', [entry]);
  }

  it('matches a stored record with 200,000 fixed events and 200,000 severity entries, scan after scan', () => {
    const store = openSqliteStore(':memory:');
    try {
      store.importRecords([hugeRecord()]);
      for (const scan of [1, 2]) {
        const matcher = createPackageMatcher(store, (ecosystem) => (ecosystem === 'npm' ? npmScheme : null));
        const [finding, ...others] = matcher.match({ ecosystem: 'npm', name: 'huge', version: '0.5.0' }).findings;
        expect(others, `scan ${scan}`).toEqual([]);
        expect(finding?.id).toBe('HUGE-1');
        expect(finding?.severity).toEqual({ level: 'low', source: 'database' });
        expect(finding?.fixed).toHaveLength(COUNT);
        expect(finding?.fixed.slice(0, 2)).toEqual(['1.0.0', '2.0.0']);
        expect(matcher.match({ ecosystem: 'npm', name: 'huge', version: `${COUNT}.0.0` }).findings).toEqual([]);
      }
    } finally {
      store.close();
    }
  });

  it('matches a version listed outside every range of such a record (the other fix-collecting path)', () => {
    const huge = hugeRecord();
    const entry = huge.affected![0]!;
    entry.ranges = [ecosystemRange({ introduced: '0' }, { fixed: '0.1.0' }), ...entry.ranges!];
    entry.ranges[1]!.events = entry.ranges[1]!.events.filter((event) => event.introduced === undefined);
    entry.ranges[1]!.events.unshift({ introduced: `${COUNT + 1}.0.0` });
    entry.versions = ['0.5.0'];
    const findings = matchPackage({ ecosystem: 'npm', name: 'huge', version: '0.5.0' }, compileRecords([huge], npmScheme));
    expect(findings.map((finding) => [finding.id, finding.fixed.length])).toEqual([['HUGE-1', COUNT]]);
  });
});

/*
 * Real records from the PyPA advisory database and GitHub's. Expected outcomes
 * were decided by reading each record's ranges (quoted in the comments).
 */
describeWithSharedData('real records: jupyter-server', () => {
  // PYSEC-2020-234 fixed 1.0.6; PYSEC-2020-50 fixed 1.1.1; PYSEC-2022-179 fixed 1.15.4;
  // PYSEC-2022-211 fixed 1.17.0; PYSEC-2023-155 and -157 fixed 2.7.2 (aliases GHSA-r726..., GHSA-64x5...);
  // GHSA-hrw6-wg82-cm62 names "jupyter_server", fixed 2.14.1. All introduced at 0.
  const records = [...loadPypaFolder('jupyter-server'), loadRecord('ghsa/GHSA-hrw6-wg82-cm62.json')];
  const compiled = compileRecords(records, pypiScheme);

  it('compiles without warnings', () => {
    expect(compiled.warnings).toEqual([]);
    expect(compiled.records).toHaveLength(7);
  });

  it.each([
    { version: '1.23.0', expected: ['GHSA-64x5-55rw-9974', 'GHSA-hrw6-wg82-cm62', 'GHSA-r726-vmfq-j9j3'] },
    {
      version: '1.15.3',
      expected: ['GHSA-64x5-55rw-9974', 'GHSA-hrw6-wg82-cm62', 'GHSA-p737-p57g-4cpr', 'GHSA-q874-g24w-4q9g', 'GHSA-r726-vmfq-j9j3'],
    },
    { version: '1.15.4', expected: ['GHSA-64x5-55rw-9974', 'GHSA-hrw6-wg82-cm62', 'GHSA-q874-g24w-4q9g', 'GHSA-r726-vmfq-j9j3'] },
    // Pre-releases sort before their release: 1.0.0rc5 < 1.0.6, so every record applies.
    {
      version: '1.0.0rc5',
      expected: [
        'GHSA-64x5-55rw-9974',
        'GHSA-9f66-54xg-pc2c',
        'GHSA-grfj-wjv9-4f9v',
        'GHSA-hrw6-wg82-cm62',
        'GHSA-p737-p57g-4cpr',
        'GHSA-q874-g24w-4q9g',
        'GHSA-r726-vmfq-j9j3',
      ],
    },
    { version: '2.7.2', expected: ['GHSA-hrw6-wg82-cm62'] },
    { version: '2.14.0', expected: ['GHSA-hrw6-wg82-cm62'] },
    { version: '2.14.1', expected: [] },
  ])('jupyter-server $version', ({ version, expected }) => {
    expect(idsOf('PyPI', 'jupyter-server', version, records, pypiScheme)).toEqual(expected);
  });

  it.each(['jupyter_server', 'Jupyter-Server', 'jupyter.server', 'JUPYTER__SERVER'])('the name %s is the same package', (name) => {
    expect(matchPackage({ ecosystem: 'PyPI', name, version: '1.23.0' }, compiled).map((f) => f.id)).toEqual([
      'GHSA-64x5-55rw-9974',
      'GHSA-hrw6-wg82-cm62',
      'GHSA-r726-vmfq-j9j3',
    ]);
  });

  it('builds the finding from the record', () => {
    const findings = matchPackage({ ecosystem: 'PyPI', name: 'jupyter_server', version: '1.23.0' }, compiled);
    const redirect = findings.find((f) => f.id === 'GHSA-r726-vmfq-j9j3')!;
    expect(redirect.ids).toEqual(['CVE-2023-39968', 'GHSA-r726-vmfq-j9j3', 'PYSEC-2023-155']);
    expect(redirect.fixed).toEqual(['2.7.2']);
    expect(redirect.severity).toEqual({ level: 'medium', score: 6.1, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', source: 'CVSS_V3' });
    // PyPA records carry no summary.
    expect(redirect.summary).toBeUndefined();
    expect(redirect.package).toEqual({ ecosystem: 'PyPI', name: 'jupyter_server', version: '1.23.0', purl: 'pkg:pypi/jupyter-server@1.23.0' });
    const ntlm = findings.find((f) => f.id === 'GHSA-hrw6-wg82-cm62')!;
    expect(ntlm.summary).toBe('Jupyter server on Windows discloses Windows user password hash');
    expect(ntlm.severity.level).toBe('high');
    expect(ntlm.fixed).toEqual(['2.14.1']);
  });

  it('the GIT range only speaks for exact commits', () => {
    // PYSEC-2020-234's GIT range: introduced 0, fixed 3d83e490...; its ECOSYSTEM range: fixed 1.0.6.
    const fixCommit = '3d83e49090289c431da253e2bdb8dc479cbcb157';
    expect(idsOf('PyPI', 'jupyter-server', '1.0.6', records, pypiScheme, fixCommit)).not.toContain('GHSA-grfj-wjv9-4f9v');
    expect(idsOf('PyPI', 'jupyter-server', '1.0.5', records, pypiScheme, fixCommit)).toContain('GHSA-grfj-wjv9-4f9v');
  });
});

describeWithSharedData('real records: jupyterlab, where PyPA and GitHub describe one vulnerability', () => {
  // PYSEC-2021-130 (aliases GHSA-4952-p58q-6crx): one ECOSYSTEM range, introduced 0/2/2.3/3/3.1,
  // fixed 1.2.21/2.2.10/2.3.2/3.0.17/3.1.4. GHSA-4952-p58q-6crx: the same intervals as five affected entries.
  // GHSA-4m77-cmpx-vjc4: introduced 4.0.0, fixed 4.0.11.
  const records = [...loadPypaFolder('jupyterlab'), loadRecord('ghsa/GHSA-4952-p58q-6crx.json'), loadRecord('ghsa/GHSA-4m77-cmpx-vjc4.json')];
  const compiled = compileRecords(records, pypiScheme);

  it('merges PYSEC-2021-130 and GHSA-4952-p58q-6crx', () => {
    const findings = matchPackage({ ecosystem: 'PyPI', name: 'jupyterlab', version: '3.0.5' }, compiled);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      id: 'GHSA-4952-p58q-6crx',
      ids: ['CVE-2021-32797', 'GHSA-4952-p58q-6crx', 'PYSEC-2021-130'],
      summary: 'JupyterLab: XSS due to lack of sanitization of the action attribute of an html <form>',
      severity: { level: 'high', score: 7.4, source: 'CVSS_V3' },
      // PYSEC's one range names every later fix; GHSA's matching entry names 3.0.17.
      fixed: ['3.0.17', '3.1.4'],
    });
  });

  it.each([
    { version: '1.2.20', ids: ['GHSA-4952-p58q-6crx'], fixed: ['1.2.21', '2.2.10', '2.3.2', '3.0.17', '3.1.4'] },
    { version: '1.2.21', ids: [], fixed: [] },
    { version: '2.2.0', ids: ['GHSA-4952-p58q-6crx'], fixed: ['2.2.10', '2.3.2', '3.0.17', '3.1.4'] },
    { version: '2.2.10', ids: [], fixed: [] },
    { version: '2.3.0rc0', ids: [], fixed: [] },
    { version: '2.3.1', ids: ['GHSA-4952-p58q-6crx'], fixed: ['2.3.2', '3.0.17', '3.1.4'] },
    { version: '3.1.0', ids: ['GHSA-4952-p58q-6crx'], fixed: ['3.1.4'] },
    { version: '3.1.4', ids: [], fixed: [] },
    { version: '4.0.10', ids: ['GHSA-4m77-cmpx-vjc4'], fixed: ['4.0.11'] },
    { version: '4.0.11', ids: [], fixed: [] },
  ])('jupyterlab $version', ({ version, ids, fixed }) => {
    const findings = matchPackage({ ecosystem: 'PyPI', name: 'jupyterlab', version }, compiled);
    expect(findings.map((f) => f.id)).toEqual(ids);
    expect(findings.flatMap((f) => f.fixed)).toEqual(fixed);
  });
});

describeWithSharedData('real records: notebook', () => {
  const records = [...loadPypaFolder('notebook'), loadRecord('ghsa/GHSA-4952-p58q-6crx.json'), loadRecord('ghsa/GHSA-4m77-cmpx-vjc4.json')];

  it.each([
    // PYSEC-2020-215 (<6.1.5), -2021-118 (5.7.0 to 5.7.11, CVE-2021-32798), -2022-180 (<6.4.10),
    // -2022-212 (<6.4.12), GHSA-4952's notebook entry (<5.7.11, CVE-2021-32797): five distinct vulnerabilities.
    { version: '5.7.10', expected: ['GHSA-4952-p58q-6crx', 'GHSA-c7vm-f5p4-8fqh', 'GHSA-hwvq-6gjx-j797', 'GHSA-m87f-39q9-6f55', 'GHSA-v7vq-3x77-87vg'] },
    // PYSEC-2015-26 (CVE-2015-6938) and -27 (CVE-2015-7337): 4.0.0 to 4.0.5, no GHSA alias.
    { version: '4.0.4', expectedIncludes: ['PYSEC-2015-26', 'PYSEC-2015-27'] },
    { version: '6.4.12', expected: [] },
    // GHSA-4m77-cmpx-vjc4's notebook entry: 7.0.0 to 7.0.7.
    { version: '7.0.6', expected: ['GHSA-4m77-cmpx-vjc4'] },
    { version: '7.0.7', expected: [] },
  ])('notebook $version', ({ version, expected, expectedIncludes }) => {
    const ids = idsOf('PyPI', 'notebook', version, records, pypiScheme);
    if (expected) expect(ids).toEqual(expected);
    if (expectedIncludes) for (const id of expectedIncludes) expect(ids).toContain(id);
  });
});

describeWithSharedData('real records: jupyterhub, nbconvert, py, redis', () => {
  it.each([
    // PYSEC-2021-67: introduced 0, fixed 1.2.0b1 (GHSA-7xx3-qp5w-fw96). PYSEC-2021-386: 1.0.0 to 1.5.0 (GHSA-cw7p-q79f-m2v7).
    { version: '0.9.6', expected: ['GHSA-7xx3-qp5w-fw96'] },
    { version: '1.1.0', expected: ['GHSA-7xx3-qp5w-fw96', 'GHSA-cw7p-q79f-m2v7'] },
    { version: '1.2.0a1', expected: ['GHSA-7xx3-qp5w-fw96', 'GHSA-cw7p-q79f-m2v7'] },
    { version: '1.2.0b1', expected: ['GHSA-cw7p-q79f-m2v7'] },
    { version: '1.5.0', expected: [] },
  ])('jupyterhub $version', ({ version, expected }) => {
    expect(idsOf('PyPI', 'jupyterhub', version, loadPypaFolder('jupyterhub'), pypiScheme)).toEqual(expected);
  });

  it.each([
    // PYSEC-2022-249: introduced 0, fixed 6.3.0a0; two GHSA aliases.
    { version: '6.2.0', affected: true },
    { version: '6.3.0.dev0', affected: true },
    { version: '6.3.0a0', affected: false },
    { version: '6.3.0', affected: false },
  ])('nbconvert $version', ({ version, affected }) => {
    const findings = matchPackage({ ecosystem: 'PyPI', name: 'nbconvert', version }, compileRecords(loadPypaFolder('nbconvert'), pypiScheme));
    if (!affected) {
      expect(findings).toEqual([]);
      return;
    }
    expect(findings.map((f) => [f.id, f.ids, f.fixed])).toEqual([
      ['GHSA-9jmq-rx5f-8jwq', ['CVE-2021-32862', 'GHSA-9jmq-rx5f-8jwq', 'GHSA-h274-fcvj-h2wm', 'PYSEC-2022-249'], ['6.3.0a0']],
    ]);
  });

  it.each([
    // PYSEC-2022-42969 (GHSA-w596-4wvx-j9j6): introduced 0, last_affected 1.11.0 (inclusive), no fixed version.
    // PYSEC-2020-92 (GHSA-hj5v-574p-mj7c): introduced 0, fixed 1.10.0.
    { version: '1.11.0', expected: [['GHSA-w596-4wvx-j9j6', []]] },
    { version: '1.10.0', expected: [['GHSA-w596-4wvx-j9j6', []]] },
    { version: '1.4.7.dev3', expected: [['GHSA-hj5v-574p-mj7c', ['1.10.0']], ['GHSA-w596-4wvx-j9j6', []]] },
    { version: '1.11.1', expected: [] },
  ])('py $version (last_affected)', ({ version, expected }) => {
    const findings = matchPackage({ ecosystem: 'PyPI', name: 'py', version }, compileRecords(loadPypaFolder('py'), pypiScheme));
    expect(findings.map((f) => [f.id, f.fixed])).toEqual(expected);
  });

  it('redis: the withdrawn PYSEC-2023-73 lists 4.5.4 but does not count', () => {
    // PYSEC-2023-45: 4.2.0-4.3.6, 4.4.0-4.4.3, 4.5.0-4.5.3. PYSEC-2023-46: 4.2.0-4.4.4, 4.5.0-4.5.4.
    const records = loadPypaFolder('redis');
    expect(records.map((r) => [r.id, Boolean(r.withdrawn)])).toEqual([
      ['PYSEC-2023-45', false],
      ['PYSEC-2023-46', false],
      ['PYSEC-2023-73', true],
    ]);
    expect(idsOf('PyPI', 'redis', '4.5.4', records, pypiScheme)).toEqual([]);
    expect(idsOf('PyPI', 'redis', '4.5.3', records, pypiScheme)).toHaveLength(1);
    expect(idsOf('PyPI', 'redis', '4.5.2', records, pypiScheme)).toHaveLength(2);
    expect(idsOf('PyPI', 'redis', '4.1.0', records, pypiScheme)).toEqual([]);
  });

  it('a listed PyPI version matches its PEP 440 equal ("0.8.0-alpha2" is 0.8.0a2)', () => {
    const entry = affects('PyPI', 'py', [], ['0.8.0-alpha2', '1.0']);
    expect(isAffected('0.8.0a2', entry, pypiScheme)).toBe(true);
    expect(isAffected('1.0.0', entry, pypiScheme)).toBe(true);
    expect(isAffected('0.8.0a3', entry, pypiScheme)).toBe(false);
  });
});
