import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { describeWithSharedData, sharedDataPath } from '../../test/shared-data.js';
import { checkRoundTrip, exportToPypa, intervalsFor, parseVulnerableRange, serialisePypaRecord } from './export-pypa.js';
import { deskAdvisory } from './publishing-samples.fixture.js';
import { createPypaDatabase, loadPypaDatabase, type PypaRecordSummary } from './pypa-db.js';

/**
 * The rules of the official OSV JSON schema (ossf/osv-schema
 * validation/schema.json, draft 2020-12) that a record written by the export
 * can meet, encoded here rather than vendoring the file: the required fields,
 * the id prefix, timestamps, no unknown top-level field, the package and range
 * shapes (an introduced event, one key per event, fixed and last_affected
 * never in one range), the reference, severity and credit types.
 */
const OSV_SCHEMA_RULES = {
  type: 'object',
  required: ['id', 'modified'],
  additionalProperties: false,
  properties: {
    schema_version: { type: 'string' },
    id: { type: 'string', pattern: '^(PYSEC|GHSA|CVE|OSV)-' },
    modified: { $ref: '#/$defs/timestamp' },
    published: { $ref: '#/$defs/timestamp' },
    withdrawn: { $ref: '#/$defs/timestamp' },
    aliases: { type: ['array', 'null'], items: { type: 'string' } },
    related: { type: 'array', items: { type: 'string' } },
    upstream: { type: 'array', items: { type: 'string' } },
    summary: { type: 'string' },
    details: { type: 'string' },
    severity: { $ref: '#/$defs/severity' },
    affected: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        properties: {
          package: {
            type: 'object',
            required: ['ecosystem', 'name'],
            properties: { ecosystem: { type: 'string', pattern: '^PyPI$' }, name: { type: 'string' }, purl: { type: 'string' } },
          },
          severity: { $ref: '#/$defs/severity' },
          ranges: {
            type: 'array',
            items: {
              type: 'object',
              required: ['type', 'events'],
              properties: {
                type: { enum: ['GIT', 'SEMVER', 'ECOSYSTEM'] },
                repo: { type: 'string' },
                events: {
                  type: 'array',
                  minItems: 1,
                  contains: { required: ['introduced'] },
                  items: {
                    type: 'object',
                    oneOf: ['introduced', 'fixed', 'last_affected', 'limit'].map((key) => ({ type: 'object', properties: { [key]: { type: 'string' } }, required: [key] })),
                  },
                },
                database_specific: { type: 'object' },
              },
              if: { properties: { events: { contains: { required: ['last_affected'] } } } },
              then: { not: { properties: { events: { contains: { required: ['fixed'] } } } } },
            },
          },
          versions: { type: 'array', items: { type: 'string' } },
          ecosystem_specific: { type: 'object' },
          database_specific: { type: 'object' },
        },
      },
    },
    references: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        required: ['type', 'url'],
        properties: {
          type: { enum: ['ADVISORY', 'ARTICLE', 'DETECTION', 'DISCUSSION', 'REPORT', 'FIX', 'INTRODUCED', 'GIT', 'PACKAGE', 'EVIDENCE', 'WEB'] },
          url: { type: 'string', format: 'uri' },
        },
      },
    },
    credits: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name'],
        properties: {
          name: { type: 'string' },
          contact: { type: 'array', items: { type: 'string' } },
          type: { enum: ['FINDER', 'REPORTER', 'ANALYST', 'COORDINATOR', 'REMEDIATION_DEVELOPER', 'REMEDIATION_REVIEWER', 'REMEDIATION_VERIFIER', 'TOOL', 'SPONSOR', 'OTHER'] },
        },
      },
    },
    database_specific: { type: 'object' },
  },
  $defs: {
    timestamp: { type: 'string', format: 'date-time', pattern: '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z' },
    severity: {
      type: ['array', 'null'],
      items: {
        type: 'object',
        required: ['type', 'score'],
        properties: { type: { enum: ['CVSS_V2', 'CVSS_V3', 'CVSS_V4', 'Ubuntu'] }, score: { type: 'string' } },
        allOf: [
          { if: { properties: { type: { const: 'CVSS_V3' } } }, then: { properties: { score: { pattern: '^CVSS:3[.][01]/' } } } },
          { if: { properties: { type: { const: 'CVSS_V4' } } }, then: { properties: { score: { pattern: '^CVSS:4[.]0/' } } } },
        ],
      },
    },
  },
};

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateOsv = ajv.compile(OSV_SCHEMA_RULES);

function expectValidOsv(text: string): Record<string, unknown> {
  // The database's tools read YAML 1.1 (PyYAML): the text must mean the same there.
  const value = parseYaml(text, { version: '1.1' }) as Record<string, unknown>;
  const valid = validateOsv(value);
  expect(validateOsv.errors ?? []).toEqual([]);
  expect(valid).toBe(true);
  return value;
}

describe('the encoded OSV schema rules', () => {
  it('refuse what the official schema refuses', () => {
    const good = { id: 'PYSEC-0000-x', modified: '2026-01-01T00:00:00Z' };
    expect(validateOsv(good)).toBe(true);
    expect(validateOsv({ id: 'PYSEC-0000-x' })).toBe(false);
    expect(validateOsv({ ...good, unknown: 1 })).toBe(false);
    expect(validateOsv({ ...good, modified: '2026-01-01 00:00:00' })).toBe(false);
    const range = (events: object[]) => ({ ...good, affected: [{ package: { ecosystem: 'PyPI', name: 'x' }, ranges: [{ type: 'ECOSYSTEM', events }] }] });
    expect(validateOsv(range([{ introduced: '0' }, { fixed: '1' }]))).toBe(true);
    expect(validateOsv(range([{ fixed: '1' }]))).toBe(false);
    expect(validateOsv(range([{ introduced: '0', fixed: '1' }]))).toBe(false);
    expect(validateOsv(range([{ introduced: '0' }, { fixed: '1' }, { introduced: '2' }, { last_affected: '3' }]))).toBe(false);
    expect(validateOsv({ ...good, references: [{ type: 'LINK', url: 'https://example.test/' }] })).toBe(false);
    expect(validateOsv({ ...good, credits: [{ name: 'a', type: 'finder' }] })).toBe(false);
  });
});

describe('parseVulnerableRange: GitHub range syntax → an OSV interval', () => {
  it.each([
    ['< 4.2.5', { introduced: '0', upper: { kind: 'fixed', version: '4.2.5' } }],
    ['>= 1.0, < 1.4.1', { introduced: '1.0', upper: { kind: 'fixed', version: '1.4.1' } }],
    ['>=1.0,<1.4.1', { introduced: '1.0', upper: { kind: 'fixed', version: '1.4.1' } }],
    ['< 1.4.1, >= 1.0', { introduced: '1.0', upper: { kind: 'fixed', version: '1.4.1' } }],
    ['<= 2.0', { introduced: '0', upper: { kind: 'last_affected', version: '2.0' } }],
    ['>= 1.0, <= 1.0', { introduced: '1.0', upper: { kind: 'last_affected', version: '1.0' } }],
    ['= 1.2.3', { introduced: '1.2.3', upper: { kind: 'last_affected', version: '1.2.3' } }],
    ['1.2.3', { introduced: '1.2.3', upper: { kind: 'last_affected', version: '1.2.3' } }],
    ['>= 0.1', { introduced: '0.1', upper: null }],
    ['>= 2.0.0rc1, < 2.0.0', { introduced: '2.0.0rc1', upper: { kind: 'fixed', version: '2.0.0' } }],
  ])('%j', (text, expected) => {
    expect(parseVulnerableRange(text)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['> 1.0', /exclusive/],
    ['> 1.0, < 2.0', /exclusive/],
    ['>= 2.0, < 1.0', /empty/],
    ['>= 1.0, < 1.0', /empty/],
    ['< 1.0, < 2.0', /two upper bounds/],
    ['>= 1.0, >= 2.0', /two lower bounds/],
    ['= 1.0, < 2.0', /mixes a single version/],
    ['< not a version', /not an operator and a version/],
    ['< ???', /not a PEP 440 version/],
    ['< 1.0-banana', /not a PEP 440 version/],
    ['< 1.0,', /empty constraint/],
    ['!= 1.0', /not an operator/],
  ])('%j cannot be expressed', (text, reason) => {
    const result = parseVulnerableRange(text);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(reason);
  });
});

describe('intervalsFor: ranges and patched versions of one package', () => {
  const entry = (range: string | null, patched: string | null) => ({ vulnerableVersionRange: range, patchedVersions: patched });

  it('keeps the range and sorts several branches by their start', () => {
    const result = intervalsFor([entry('>= 2.0, < 2.1.3', '2.1.3'), entry('< 1.4.1', '1.4.1')]);
    expect(result).toEqual({
      ok: true,
      value: {
        intervals: [
          { introduced: '0', upper: { kind: 'fixed', version: '1.4.1' } },
          { introduced: '2.0', upper: { kind: 'fixed', version: '2.1.3' } },
        ],
        notes: [],
      },
    });
  });

  it('closes an open range with its one patched version, and says so', () => {
    const result = intervalsFor([entry('>= 1.0', '1.5')]);
    expect(result.ok && result.value.intervals).toEqual([{ introduced: '1.0', upper: { kind: 'fixed', version: '1.5' } }]);
    expect(result.ok && result.value.notes).toEqual([expect.stringContaining('closes it')]);
  });

  it('leaves an open range open when the patched versions do not name one fix', () => {
    const result = intervalsFor([entry('>= 1.0', '1.5, 2.1')]);
    expect(result.ok && result.value.intervals).toEqual([{ introduced: '1.0', upper: null }]);
    expect(result.ok && result.value.notes).toEqual([expect.stringContaining('left open')]);
  });

  it('notes a patched version inside the vulnerable range', () => {
    const result = intervalsFor([entry('< 2.0', '1.5')]);
    expect(result.ok && result.value.intervals).toEqual([{ introduced: '0', upper: { kind: 'fixed', version: '2.0' } }]);
    expect(result.ok && result.value.notes).toEqual([expect.stringContaining('inside the vulnerable range')]);
  });

  it('starts from the beginning when only a patched version is known', () => {
    const result = intervalsFor([entry(null, '3.0')]);
    expect(result.ok && result.value.intervals).toEqual([{ introduced: '0', upper: { kind: 'fixed', version: '3.0' } }]);
    expect(intervalsFor([entry(null, null)]).ok).toBe(false);
    expect(intervalsFor([entry('< 2.0', 'banana?')]).ok).toBe(false);
  });
});

function summary(id: string, aliases: string[], packageDirectory: string): PypaRecordSummary {
  return { id, aliases, path: `vulns/${packageDirectory}/${id}.yaml`, packages: [packageDirectory.replace(/[-_.]+/g, '-')], withdrawn: false };
}

describe('exportToPypa', () => {
  const database = createPypaDatabase('/checkout', [
    summary('PYSEC-2026-1', ['GHSA-pres-ent1-aaaa'], 'already-there'),
    summary('PYSEC-2026-2', ['CVE-2026-20002'], 'by-cve'),
    summary('PYSEC-2026-3', ['GHSA-half-done-aaaa'], 'first-half'),
    summary('PYSEC-2026-4', ['CVE-2026-40004'], 'jw.util'),
    summary('PYSEC-2026-5', ['GHSA-else-wher-aaaa'], 'other-name'),
  ]);

  it('writes a record for each missing PyPI package, lists what is there and what it cannot write', () => {
    const result = exportToPypa(
      [
        deskAdvisory({ ghsaId: 'GHSA-miss-ing1-aaaa', id: 'GHSA-miss-ing1-aaaa', cveId: 'CVE-2026-10001' }),
        deskAdvisory({ ghsaId: 'GHSA-pres-ent1-aaaa', id: 'GHSA-pres-ent1-aaaa', cveId: null, vulnerabilities: [pip('Already_There', '< 1.0', '1.0')] }),
        deskAdvisory({ ghsaId: 'GHSA-byye-cvee-aaaa', id: 'GHSA-byye-cvee-aaaa', cveId: 'CVE-2026-20002', vulnerabilities: [pip('by-cve', '< 1.0', '1.0')] }),
        deskAdvisory({
          ghsaId: 'GHSA-half-done-aaaa',
          id: 'GHSA-half-done-aaaa',
          cveId: null,
          vulnerabilities: [pip('first-half', '< 1.0', '1.0'), pip('second-half', '< 3.0', '3.0')],
        }),
        deskAdvisory({ ghsaId: 'GHSA-jwut-illl-aaaa', id: 'GHSA-jwut-illl-aaaa', cveId: null, vulnerabilities: [pip('jw-util', '< 0.9', '0.9')] }),
        deskAdvisory({ ghsaId: 'GHSA-else-wher-aaaa', id: 'GHSA-else-wher-aaaa', cveId: null, vulnerabilities: [pip('new-name', '< 5', '5')] }),
        deskAdvisory({ ghsaId: 'GHSA-excl-usiv-aaaa', id: 'GHSA-excl-usiv-aaaa', cveId: null, vulnerabilities: [pip('exclusive', '> 1.0, < 2.0', '2.0')] }),
        deskAdvisory({ ghsaId: 'GHSA-draf-tttt-aaaa', id: 'GHSA-draf-tttt-aaaa', state: 'draft' }),
        deskAdvisory({ ghsaId: 'GHSA-npmo-nlyy-aaaa', id: 'GHSA-npmo-nlyy-aaaa', vulnerabilities: [{ ...pip('left-pad', '< 1', '1'), ecosystem: 'npm' }] }),
        deskAdvisory({ ghsaId: null, id: 'MAIL-2026-003', cveId: null }),
      ],
      database,
    );
    expect(result.records.map((record) => [record.advisoryId, record.path])).toEqual([
      ['GHSA-miss-ing1-aaaa', 'vulns/example-server/PYSEC-0000-GHSA-miss-ing1-aaaa.yaml'],
      ['GHSA-jwut-illl-aaaa', 'vulns/jw.util/PYSEC-0000-GHSA-jwut-illl-aaaa.yaml'],
      ['GHSA-else-wher-aaaa', 'vulns/new-name/PYSEC-0000-GHSA-else-wher-aaaa.yaml'],
      ['GHSA-half-done-aaaa', 'vulns/second-half/PYSEC-0000-GHSA-half-done-aaaa.yaml'],
    ].sort((a, b) => (a[1]! < b[1]! ? -1 : 1)));
    expect(result.records.find((record) => record.package === 'new-name')?.elsewhere).toEqual([{ id: 'PYSEC-2026-5', path: 'vulns/other-name/PYSEC-2026-5.yaml' }]);
    expect(result.present).toEqual([
      { advisoryId: 'GHSA-byye-cvee-aaaa', ghsaId: 'GHSA-byye-cvee-aaaa', cveId: 'CVE-2026-20002', package: 'by-cve', records: [{ id: 'PYSEC-2026-2', path: 'vulns/by-cve/PYSEC-2026-2.yaml' }] },
      { advisoryId: 'GHSA-half-done-aaaa', ghsaId: 'GHSA-half-done-aaaa', cveId: null, package: 'first-half', records: [{ id: 'PYSEC-2026-3', path: 'vulns/first-half/PYSEC-2026-3.yaml' }] },
      { advisoryId: 'GHSA-pres-ent1-aaaa', ghsaId: 'GHSA-pres-ent1-aaaa', cveId: null, package: 'already-there', records: [{ id: 'PYSEC-2026-1', path: 'vulns/already-there/PYSEC-2026-1.yaml' }] },
    ]);
    expect(result.skipped).toEqual([
      { advisoryId: 'GHSA-excl-usiv-aaaa', package: 'exclusive', reason: expect.stringContaining('exclusive') },
      { advisoryId: 'MAIL-2026-003', package: null, reason: expect.stringContaining('neither a GHSA nor a CVE') },
    ]);
    for (const record of result.records) expectValidOsv(record.text);
  });

  it('writes the repository layout: id, timestamps, aliases, details, affected, references, credits', () => {
    const { records } = exportToPypa([deskAdvisory()], createPypaDatabase('/checkout', []));
    expect(records).toHaveLength(1);
    expect(records[0]!.text).toBe(
      [
        'id: PYSEC-0000-GHSA-aaaa-bbbb-cccc',
        'modified: "2026-02-20T12:30:00Z"',
        'published: "2026-02-20T12:00:00Z"',
        'aliases:',
        '- CVE-2026-10001',
        '- GHSA-aaaa-bbbb-cccc',
        'summary: Open redirect in the login handler',
        'details: |-',
        '  ### Impact',
        '  A crafted login link redirects to any site.',
        '',
        '  ### Patches',
        '  Fixed in 2.7.2.',
        'severity:',
        '- type: CVSS_V3',
        '  score: CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N',
        'affected:',
        '- package:',
        '    ecosystem: PyPI',
        '    name: example-server',
        '    purl: pkg:pypi/example-server',
        '  ranges:',
        '  - type: ECOSYSTEM',
        '    events:',
        '    - introduced: "0"',
        '    - fixed: 2.7.2',
        'references:',
        '- type: ADVISORY',
        '  url: https://github.com/example-org/example-server/security/advisories/GHSA-aaaa-bbbb-cccc',
        '- type: FIX',
        '  url: https://github.com/example-org/example-server/commit/290362593b2ffb23c59f8114d76f77875de4b925',
        '- type: PACKAGE',
        '  url: https://github.com/example-org/example-server',
        'credits:',
        '- name: finder-one',
        '  contact:',
        '  - https://github.com/finder-one',
        '  type: FINDER',
        '- name: helper-two',
        '  contact:',
        '  - https://github.com/helper-two',
        '  type: REMEDIATION_DEVELOPER',
        '',
      ].join('\n'),
    );
    expectValidOsv(records[0]!.text);
  });

  it('keeps hostile and number-like text as text, in YAML 1.1 and 1.2 alike', () => {
    const advisory = deskAdvisory({
      summary: 'yes',
      description: '<script>alert(1)</script> & "quotes" # not a comment\n- not a list\n: colon',
      vulnerabilities: [pip('odd', '>= 1.10, < 1.20', '1.20'), pip('odd', '= 010', null)],
      cvss: [
        { version: '3', vector: 'not a vector', score: null },
        { version: '4', vector: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N', score: 9.3 },
      ],
      references: ['javascript:alert(1)', 'https://example.test/a b', 'https://example.test/a%20b'],
      credits: [{ login: 'Jane Doe <jane@example.test>', type: 'reporter', state: 'accepted' }],
    });
    const { records } = exportToPypa([advisory], createPypaDatabase('/checkout', []));
    const value = expectValidOsv(records[0]!.text);
    expect(value.summary).toBe('yes');
    expect(value.details).toBe(advisory.description);
    expect(value.affected).toEqual([
      {
        package: { ecosystem: 'PyPI', name: 'odd', purl: 'pkg:pypi/odd' },
        ranges: [
          { type: 'ECOSYSTEM', events: [{ introduced: '1.10' }, { fixed: '1.20' }] },
          { type: 'ECOSYSTEM', events: [{ introduced: '010' }, { last_affected: '010' }] },
        ],
      },
    ]);
    expect(value.severity).toEqual([{ type: 'CVSS_V4', score: 'CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N' }]);
    expect((value.references as { url: string }[]).map((reference) => reference.url)).toEqual([
      'https://github.com/example-org/example-server/security/advisories/GHSA-aaaa-bbbb-cccc',
      'https://example.test/a%20b',
      'https://github.com/example-org/example-server',
    ]);
    expect(value.credits).toEqual([{ name: 'Jane Doe <jane@example.test>', type: 'REPORTER' }]);
  });

  it('refuses a record that does not read back as written', () => {
    const record = { id: 'PYSEC-0000-x', modified: '2026-01-01T00:00:00Z', aliases: ['1.10'] };
    const text = serialisePypaRecord(record);
    expect(checkRoundTrip(text, record, 'x.yaml').ok).toBe(true);
    expect(checkRoundTrip(text.replace('"1.10"', '1.1'), record, 'x.yaml')).toMatchObject({ ok: false, error: { message: expect.stringContaining('reads back differently') } });
    expect(checkRoundTrip('id: PYSEC-0000-x\n', { id: 'PYSEC-0000-x' }, 'x.yaml')).toMatchObject({ ok: false, error: { code: 'invalid-advisory' } });
  });
});

function pip(name: string, range: string | null, patched: string | null) {
  return { ecosystem: 'pip', name, vulnerableVersionRange: range, patchedVersions: patched, vulnerableFunctions: [] };
}

describeWithSharedData('exportToPypa against the real PyPA advisories in ../shared/data/osv/pypa', () => {
  it('finds what PyPA holds by GHSA or CVE and writes only what it lacks', async () => {
    const database = await loadPypaDatabase(sharedDataPath('osv', 'pypa'));
    const result = exportToPypa(
      [
        deskAdvisory({ ghsaId: 'GHSA-r726-vmfq-j9j3', id: 'GHSA-r726-vmfq-j9j3', cveId: 'CVE-2023-39968', vulnerabilities: [pip('jupyter_server', '< 2.7.2', '2.7.2')] }),
        deskAdvisory({ ghsaId: 'GHSA-zzzz-zzzz-zzzz', id: 'GHSA-zzzz-zzzz-zzzz', cveId: null, vulnerabilities: [pip('jupyter_server', '>= 2.0, < 2.99.1', '2.99.1')] }),
      ],
      database,
    );
    expect(result.present).toEqual([
      expect.objectContaining({ advisoryId: 'GHSA-r726-vmfq-j9j3', package: 'jupyter-server', records: [{ id: 'PYSEC-2023-155', path: 'vulns/jupyter-server/PYSEC-2023-155.yaml' }] }),
    ]);
    expect(result.records.map((record) => record.path)).toEqual(['vulns/jupyter-server/PYSEC-0000-GHSA-zzzz-zzzz-zzzz.yaml']);
    expectValidOsv(result.records[0]!.text);
  });
});
