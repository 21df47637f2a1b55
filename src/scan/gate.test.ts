import { describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../advisories/types.js';
import { gateFindings } from './gate.js';

function finding(id: string, severity: Severity): Finding {
  return { package: { ecosystem: 'PyPI', name: 'demo', version: '1.0', purl: 'pkg:pypi/demo@1.0' }, id, ids: [id], severity, fixed: [], locations: [] };
}

const critical = finding('GHSA-critical', { level: 'critical', score: 9.8, source: 'CVSS_V3' });
const high = finding('GHSA-high', { level: 'high', source: 'database' });
const borrowed = finding('PYSEC-borrowed', { level: 'high', score: 7.5, source: 'CVSS_V3', borrowedFrom: 'GHSA-x' });
const low = finding('GHSA-low', { level: 'low', source: 'database' });
const none = finding('GHSA-none', { level: 'none', source: 'CVSS_V3', score: 0 });
const unknown = finding('PYSEC-unknown', { level: 'unknown', source: 'none' });
const all = [critical, high, borrowed, low, none, unknown];

describe('gateFindings', () => {
  it.each([
    ['critical', ['GHSA-critical', 'PYSEC-unknown']],
    ['high', ['GHSA-critical', 'GHSA-high', 'PYSEC-borrowed', 'PYSEC-unknown']],
    ['low', ['GHSA-critical', 'GHSA-high', 'PYSEC-borrowed', 'GHSA-low', 'PYSEC-unknown']],
  ] as const)('--fail-on %s: the findings at or above it, and unknown ones (they could be anything)', (threshold, ids) => {
    expect(gateFindings(all, threshold)).toEqual({ failing: all.filter((entry) => (ids as readonly string[]).includes(entry.id)), ignoredUnknown: [] });
  });

  it('--unknown-severity ignore lets unknown findings through, listed as ignored', () => {
    expect(gateFindings(all, 'critical', 'ignore')).toEqual({ failing: [critical], ignoredUnknown: [unknown] });
    expect(gateFindings([low], 'high', 'ignore')).toEqual({ failing: [], ignoredUnknown: [] });
  });
});
