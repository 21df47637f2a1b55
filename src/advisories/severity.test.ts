import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { cvss2Level, cvss3Level, highestSeverity, levelFromWord, scoreCvss, severityOfRecord } from './severity.js';
import type { OsvRecord, OsvSeverity, Severity } from './types.js';
import { describeWithSharedData, sharedDataPath } from '../../test/shared-data.js';

const osvData = sharedDataPath('osv');

function loadRecord(relativePath: string): OsvRecord {
  const text = readFileSync(join(osvData, relativePath), 'utf8');
  return (relativePath.endsWith('.json') ? JSON.parse(text) : parseYaml(text)) as OsvRecord;
}

/** One record with all its affected entries, or the highest over several (as for a merged finding). */
function computeSeverity(input: OsvRecord | readonly OsvRecord[]): Severity {
  const records: readonly OsvRecord[] = Array.isArray(input) ? input : [input as OsvRecord];
  const severities = records.map((one) => severityOfRecord(one, one.affected ?? []));
  return Array.isArray(input) ? highestSeverity(severities) : severities[0]!;
}

function record(fields: Partial<OsvRecord>): OsvRecord {
  return { id: 'TEST-1', modified: '2024-01-01T00:00:00Z', ...fields };
}

/*
 * Expected base scores were checked independently of ae-cvss-calculator:
 * v3.x and v2 by evaluating the FIRST specification formulas by hand
 * (v3.1 §7.1 with Roundup from Appendix A, v3.0 §8.1, v2 §3.2.1);
 * v4.0 against the scores FIRST's own v4.0 calculator gives for the same vectors.
 */
describe('scoreCvss', () => {
  const cases: { name: string; entry: OsvSeverity; score: number | null; level?: Severity['level'] }[] = [
    // Real vectors from the shared records.
    { name: 'jupyter-server PYSEC-2023-155 (scope changed, low C/I)', entry: { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N' }, score: 6.1, level: 'medium' },
    { name: 'GHSA-4952-p58q-6crx', entry: { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:N/A:N' }, score: 7.4, level: 'high' },
    { name: 'GHSA-4m77-cmpx-vjc4', entry: { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:N' }, score: 6.5, level: 'medium' },
    { name: 'GHSA-hrw6-wg82-cm62', entry: { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' }, score: 7.5, level: 'high' },
    { name: 'apache-iotdb PYSEC-2024-11', entry: { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }, score: 9.8, level: 'critical' },
    { name: 'case-utils PYSEC-2024-5 (local)', entry: { type: 'CVSS_V3', score: 'CVSS:3.1/AV:L/AC:L/PR:L/UI:R/S:U/C:L/I:N/A:N' }, score: 2.8, level: 'low' },
    { name: 'jwcrypto PYSEC-2024-104', entry: { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:L' }, score: 5.3, level: 'medium' },
    { name: 'CVSS 3.0: exiv2 PYSEC-2017-112', entry: { type: 'CVSS_V3', score: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:U/C:N/I:N/A:H' }, score: 6.5, level: 'medium' },
    { name: 'CVSS 3.0: apache-atlas PYSEC-2017-106', entry: { type: 'CVSS_V3', score: 'CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N' }, score: 6.1, level: 'medium' },
    { name: 'v3 with no impact scores 0.0: none', entry: { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N' }, score: 0, level: 'none' },
    { name: 'v3 temporal metrics do not change the base score', entry: { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:U' }, score: 9.8, level: 'critical' },
    // CVSS v2: no prefix, sometimes in parentheses; bands low/medium/high only.
    { name: 'v2 classic network P/P/P', entry: { type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' }, score: 7.5, level: 'high' },
    { name: 'v2 in parentheses', entry: { type: 'CVSS_V2', score: '(AV:N/AC:M/Au:N/C:N/I:P/A:N)' }, score: 4.3, level: 'medium' },
    { name: 'v2 complete compromise is high, not critical', entry: { type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:C/I:C/A:C' }, score: 10, level: 'high' },
    { name: 'v2 low', entry: { type: 'CVSS_V2', score: 'AV:L/AC:H/Au:M/C:N/I:N/A:P' }, score: 0.8, level: 'low' },
    // CVSS v4.0 (FIRST calculator values).
    { name: 'v4 vulnerable system H/H/H', entry: { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' }, score: 9.3, level: 'critical' },
    { name: 'v4 vulnerable system L/L/L', entry: { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N' }, score: 6.9, level: 'medium' },
    { name: 'v4 subsequent system only', entry: { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:H/SI:H/SA:H' }, score: 7.9, level: 'high' },
    { name: 'v4 no impact: none', entry: { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N' }, score: 0, level: 'none' },
    // FIRST gives 9.1 for CVSS-BT with E:U; we report CVSS-B (base metrics only), which is 10.
    { name: 'v4 threat metric ignored: base metrics only', entry: { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H/E:U' }, score: 10, level: 'critical' },
    // Malformed: never throws, returns null.
    { name: 'unknown metric value', entry: { type: 'CVSS_V3', score: 'CVSS:3.1/AV:Q/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }, score: null },
    { name: 'missing base metrics', entry: { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R' }, score: null },
    { name: 'metric given twice', entry: { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AV:L/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N' }, score: null },
    { name: 'no prefix on v3', entry: { type: 'CVSS_V3', score: 'AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }, score: null },
    { name: 'v4 vector typed as CVSS_V3', entry: { type: 'CVSS_V3', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' }, score: null },
    { name: 'v3 vector typed as CVSS_V4', entry: { type: 'CVSS_V4', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }, score: null },
    { name: 'v3 vector typed as CVSS_V2', entry: { type: 'CVSS_V2', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H' }, score: null },
    { name: 'incomplete v4', entry: { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L' }, score: null },
    { name: 'garbage', entry: { type: 'CVSS_V3', score: 'hello world' }, score: null },
    { name: 'empty', entry: { type: 'CVSS_V3', score: '' }, score: null },
    { name: 'trailing slash', entry: { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/' }, score: null },
    { name: 'non-CVSS type', entry: { type: 'Ubuntu', score: 'high' }, score: null },
  ];

  it.each(cases)('$name', ({ entry, score, level }) => {
    const result = scoreCvss(entry);
    if (score === null) {
      expect(result).toBeNull();
    } else {
      expect(result).not.toBeNull();
      expect(result!.score).toBe(score);
      expect(result!.level).toBe(level);
      expect(result!.vector).toBe(entry.score);
      expect(result!.source).toBe(entry.type);
    }
  });
});

describe('qualitative bands', () => {
  it.each([
    [0, 'none'],
    [0.1, 'low'],
    [3.9, 'low'],
    [4.0, 'medium'],
    [6.9, 'medium'],
    [7.0, 'high'],
    [8.9, 'high'],
    [9.0, 'critical'],
    [10, 'critical'],
  ] as const)('v3/v4 %s is %s', (score, level) => expect(cvss3Level(score)).toBe(level));

  it.each([
    [0, 'low'],
    [3.9, 'low'],
    [4.0, 'medium'],
    [6.9, 'medium'],
    [7.0, 'high'],
    [10, 'high'],
  ] as const)('v2 %s is %s', (score, level) => expect(cvss2Level(score)).toBe(level));

  it.each([
    ['CRITICAL', 'critical'],
    ['HIGH', 'high'],
    ['MODERATE', 'medium'],
    ['medium', 'medium'],
    ['LOW', 'low'],
    ['negligible', 'low'],
    ['UNKNOWN', null],
    ['', null],
    [3, null],
    [undefined, null],
  ] as const)('database word %s is %s', (word, level) => expect(levelFromWord(word)).toBe(level));
});

describeWithSharedData('computeSeverity on real records', () => {
  const cases: { name: string; input: OsvRecord | OsvRecord[]; expected: Severity }[] = [
    {
      name: 'real GHSA record: the vector wins over the database word',
      input: loadRecord('ghsa/GHSA-4m77-cmpx-vjc4.json'),
      expected: { level: 'medium', score: 6.5, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:N/A:N', source: 'CVSS_V3' },
    },
    {
      name: 'real PyPA record with a CVSS 3.1 vector',
      input: loadRecord('pypa/vulns/jupyter-server/PYSEC-2023-155.yaml'),
      expected: { level: 'medium', score: 6.1, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N', source: 'CVSS_V3' },
    },
    {
      name: 'real PyPA record without severity: unknown',
      input: loadRecord('pypa/vulns/jupyter-server/PYSEC-2022-179.yaml'),
      expected: { level: 'unknown', source: 'none' },
    },
    {
      name: 'several real records and an empty one: the highest',
      input: [loadRecord('pypa/vulns/jupyter-server/PYSEC-2023-155.yaml'), loadRecord('ghsa/GHSA-hrw6-wg82-cm62.json'), record({})],
      expected: { level: 'high', score: 7.5, vector: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N', source: 'CVSS_V3' },
    },
  ];

  it.each(cases)('$name', ({ input, expected }) => {
    expect(computeSeverity(input)).toEqual(expected);
  });
});

describe('computeSeverity', () => {
  const v2High = { type: 'CVSS_V2', score: 'AV:N/AC:L/Au:N/C:P/I:P/A:P' };
  const v3Medium = { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N' };
  const v3High = { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N' };
  const v4Medium = { type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:L/VA:L/SC:N/SI:N/SA:N' };
  const malformed = { type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L' };

  const cases: { name: string; input: OsvRecord | OsvRecord[]; expected: Severity }[] = [
    {
      name: 'GHSA word alone: MODERATE is medium',
      input: record({ database_specific: { severity: 'MODERATE' } }),
      expected: { level: 'medium', source: 'database' },
    },
    {
      name: 'malformed vector falls back to the database word',
      input: record({ severity: [malformed], database_specific: { severity: 'HIGH' } }),
      expected: { level: 'high', source: 'database' },
    },
    {
      name: 'malformed vector and no word: unknown',
      input: record({ severity: [malformed] }),
      expected: { level: 'unknown', source: 'none' },
    },
    {
      name: 'newest CVSS version wins even when an older one scores higher',
      input: record({ severity: [v2High, v3Medium] }),
      expected: { level: 'medium', score: 6.1, vector: v3Medium.score, source: 'CVSS_V3' },
    },
    {
      name: 'v4 preferred over v3',
      input: record({ severity: [v3High, v4Medium] }),
      expected: { level: 'medium', score: 6.9, vector: v4Medium.score, source: 'CVSS_V4' },
    },
    {
      name: 'malformed v4 does not hide a valid v3',
      input: record({ severity: [{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N' }, v3High] }),
      expected: { level: 'high', score: 7.5, vector: v3High.score, source: 'CVSS_V3' },
    },
    {
      name: 'two vectors of the same version: the higher score',
      input: record({ severity: [v3Medium, v3High] }),
      expected: { level: 'high', score: 7.5, vector: v3High.score, source: 'CVSS_V3' },
    },
    {
      name: 'affected-level severity',
      input: record({ affected: [{ package: { ecosystem: 'PyPI', name: 'x' }, severity: [v3High] }] }),
      expected: { level: 'high', score: 7.5, vector: v3High.score, source: 'CVSS_V3' },
    },
    {
      name: 'affected-level database word',
      input: record({ affected: [{ package: { ecosystem: 'PyPI', name: 'x' }, database_specific: { severity: 'LOW' } }] }),
      expected: { level: 'low', source: 'database' },
    },
    {
      name: 'Ubuntu-type severity entry is a database word',
      input: record({ severity: [{ type: 'Ubuntu', score: 'medium' }] }),
      expected: { level: 'medium', source: 'database' },
    },
    {
      name: 'several records, one only with a word: the word can win',
      input: [record({ severity: [v3Medium] }), record({ database_specific: { severity: 'CRITICAL' } })],
      expected: { level: 'critical', source: 'database' },
    },
    { name: 'no records', input: [], expected: { level: 'unknown', source: 'none' } },
  ];

  it.each(cases)('$name', ({ input, expected }) => {
    expect(computeSeverity(input)).toEqual(expected);
  });

  it('severityOfRecord counts only the given affected entries', () => {
    const twoPackages = record({
      affected: [
        { package: { ecosystem: 'PyPI', name: 'a' }, severity: [v3High] },
        { package: { ecosystem: 'PyPI', name: 'b' }, severity: [v3Medium] },
      ],
    });
    expect(severityOfRecord(twoPackages, [twoPackages.affected![1]!])).toEqual({ level: 'medium', score: 6.1, vector: v3Medium.score, source: 'CVSS_V3' });
    expect(computeSeverity(twoPackages).level).toBe('high');
  });

  it('tolerates junk where arrays and objects are expected', () => {
    const junk = { id: 'JUNK', modified: '', severity: 'HIGH', database_specific: 'HIGH', affected: [{ severity: null }] } as unknown as OsvRecord;
    expect(computeSeverity(junk)).toEqual({ level: 'unknown', source: 'none' });
  });
});
