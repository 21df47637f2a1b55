import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { formatIssuePath, parseOsvRecord } from './osv-schema.js';
import { describeWithSharedData, sharedDataPath } from '../../test/shared-data.js';

const location = { path: 'GHSA-4952-p58q-6crx.json' };

const minimal = { id: 'PYSEC-1', modified: '2024-01-01T00:00:00Z' };

describeWithSharedData('parseOsvRecord on a real GitHub advisory', () => {
  it('accepts it unchanged', () => {
    const ghsa = JSON.parse(readFileSync(sharedDataPath('osv', 'ghsa', 'GHSA-4952-p58q-6crx.json'), 'utf8')) as Record<string, unknown>;
    const result = parseOsvRecord(ghsa, location);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).toEqual(ghsa);
    expect(result.value.id).toBe('GHSA-4952-p58q-6crx');
    expect(result.value.aliases).toEqual(['CVE-2021-32797']);
    expect(result.value.affected).toHaveLength(7);
    expect(result.value.affected?.[6]?.ranges?.[0]?.events).toEqual([{ introduced: '6.0.0' }, { fixed: '6.4.1' }]);
    expect(result.value.severity).toEqual([{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:N/A:N' }]);
  });
});

describe('parseOsvRecord', () => {
  it.each([
    ['no id', { modified: '2024-01-01T00:00:00Z' }, 'id'],
    ['empty id', { id: '', modified: '2024-01-01T00:00:00Z' }, 'id'],
    ['no modified', { id: 'PYSEC-1' }, 'modified'],
    ['modified is no date', { id: 'PYSEC-1', modified: 'yesterday' }, 'modified'],
    ['numeric id', { id: 7, modified: '2024-01-01T00:00:00Z' }, 'id'],
    ['package without name', { ...minimal, affected: [{ package: { ecosystem: 'PyPI' } }] }, 'affected[0].package.name'],
    ['range without events', { ...minimal, affected: [{ ranges: [{ type: 'ECOSYSTEM' }] }] }, 'affected[0].ranges[0].events'],
    ['event with a numeric version', { ...minimal, affected: [{ ranges: [{ type: 'ECOSYSTEM', events: [{ fixed: 1.1 }] }] }] }, 'affected[0].ranges[0].events[0].fixed'],
    ['affected is not a list', { ...minimal, affected: { package: {} } }, 'affected'],
    ['withdrawn is not text', { ...minimal, withdrawn: true }, 'withdrawn'],
  ])('fails a record with %s', (_label, value, failingPath) => {
    const result = parseOsvRecord(value, location);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid-advisory');
    expect(result.error.location).toEqual(location);
    expect(result.error.message).toContain(`${failingPath}: `);
  });

  it.each([
    ['a list', []],
    ['text', 'id: x'],
    ['null', null],
  ])('fails a document that is %s', (_label, value) => {
    const result = parseOsvRecord(value, location);
    expect(result.ok).toBe(false);
  });

  it.each([
    [
      'references',
      { references: [{ type: 'WEB', url: 'https://example.test/a' }, { type: 'WEB' }, 'junk', { type: 5, url: 'x' }] },
      { references: [{ type: 'WEB', url: 'https://example.test/a' }] },
    ],
    [
      'credits',
      { credits: [{ name: 'Ada', type: 'FINDER', contact: ['mailto:ada@example.test', 7] }, { type: 'FINDER' }, null] },
      { credits: [{ name: 'Ada', type: 'FINDER', contact: ['mailto:ada@example.test'] }] },
    ],
    [
      'top-level severity',
      { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N' }, { type: 'CVSS_V3' }, { score: 'x' }] },
      { severity: [{ type: 'CVSS_V3', score: 'CVSS:3.1/AV:N' }] },
    ],
    [
      'per-package severity',
      { affected: [{ package: { ecosystem: 'PyPI', name: 'a' }, severity: [{ type: 'Ubuntu', score: 'high' }, { type: 'Ubuntu', score: 3 }] }] },
      { affected: [{ package: { ecosystem: 'PyPI', name: 'a' }, severity: [{ type: 'Ubuntu', score: 'high' }] }] },
    ],
    ['aliases', { aliases: ['CVE-1', 2, null, 'GHSA-x'] }, { aliases: ['CVE-1', 'GHSA-x'] }],
    ['versions', { affected: [{ versions: ['1.0', null, '1.1'] }] }, { affected: [{ versions: ['1.0', '1.1'] }] }],
  ])('drops bad %s entries and keeps the record', (_label, extra, expected) => {
    const result = parseOsvRecord({ ...minimal, ...extra }, location);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toEqual({ ...minimal, ...expected });
  });

  it.each([
    ['null lists', { aliases: null, severity: null, affected: null, references: null }, {}],
    ['a summary that is not text', { summary: 42 }, {}],
    ['a published date that is no date', { published: 'soon' }, {}],
    ['database_specific that is no object', { database_specific: 'HIGH' }, {}],
    ['a list where text belongs', { details: ['a'] }, {}],
  ])('treats %s as absent', (_label, extra, expected) => {
    const result = parseOsvRecord({ ...minimal, ...extra }, location);
    expect(result.ok).toBe(true);
    if (result.ok) expect(JSON.parse(JSON.stringify(result.value))).toEqual({ ...minimal, ...expected });
  });

  it('keeps unknown fields (schema 1.7 additions and beyond) at every level', () => {
    const value = {
      ...minimal,
      upstream: ['CVE-2024-0001'],
      future_field: { a: 1 },
      affected: [{ package: { ecosystem: 'PyPI', name: 'a', future: true }, ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }], database_specific: { source: 'x' } }] }],
    };
    const result = parseOsvRecord(value, location);
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value).toEqual(value);
  });
});

describe('formatIssuePath', () => {
  it.each([
    [[], ''],
    [['id'], 'id'],
    [['affected', 0, 'ranges', 1, 'events'], 'affected[0].ranges[1].events'],
  ])('%j → %s', (segments, expected) => {
    expect(formatIssuePath(segments)).toBe(expected);
  });
});
