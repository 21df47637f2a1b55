import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Severity } from '../advisories/types.js';
import { cleanReport, GHSA_4952, sampleReport } from './sample-report.fixture.js';
import {
  buildSarifLog,
  FINGERPRINT_KEY,
  renderSarif,
  resultFingerprint,
  sarifLevel,
  securitySeverity,
  SOURCE_ROOT_BASE_ID,
  toArtifactLocation,
} from './sarif.js';
import type { ScanReport } from '../scan/types.js';

/**
 * The official SARIF 2.1.0 schema (final rtm.5 text) as shipped in the npm
 * package @microsoft/jest-sarif. That copy declares draft-04 only through its
 * top-level `id`; it uses no keyword whose meaning changed in draft-07, so it
 * is compiled as draft-07 with `id` read as `$id`. Its `language` pattern has a
 * stray `]` that is a syntax error under the `u` flag Ajv uses by default, so
 * patterns are compiled without it (as JSON Schema draft-07 itself does).
 * `strict: false` because Ajv's strict mode rejects the schema's own style
 * (`required` naming properties declared elsewhere), not our output.
 */
function compileSarifSchema() {
  const require = createRequire(import.meta.url);
  const schemaPath = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
  type DraftFourSchema = { $schema: string; id: string } & Record<string, unknown>;
  const { $schema: _draft04, id, ...schema } = JSON.parse(readFileSync(schemaPath, 'utf8')) as DraftFourSchema;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv);
  return ajv.compile({ ...schema, $id: id });
}

const validateSarif = compileSarifSchema();

function run(report: ScanReport) {
  const log = buildSarifLog(report);
  expect(log.runs).toHaveLength(1);
  return log.runs[0]!;
}

describe('renderSarif', () => {
  it.each([
    ['a scan with findings, errors and an unreachable source', sampleReport()],
    ['a clean scan', cleanReport()],
  ])('is valid against the SARIF 2.1.0 schema: %s', (_name, report) => {
    const log = JSON.parse(renderSarif(report)) as unknown;
    const valid = validateSarif(log);
    expect(validateSarif.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check can fail: a result without a message is rejected', () => {
    const log = buildSarifLog(sampleReport());
    delete (log.runs[0]!.results![0] as { message?: unknown }).message;
    expect(validateSarif(log)).toBe(false);
  });

  it('has the top-level fields GitHub reads', () => {
    const log = buildSarifLog(sampleReport());
    expect(log.version).toBe('2.1.0');
    expect(log.$schema).toMatch(/sarif-schema-2\.1\.0\.json$/);
    expect(log.runs[0]!.tool.driver).toMatchObject({ name: 'chainwatch', version: '0.1.0' });
  });

  it('makes one rule per advisory id, most severe first', () => {
    const rules = run(sampleReport()).tool.driver.rules ?? [];
    expect(rules.map((rule) => rule.id)).toEqual([
      'GHSA-hrw6-wg82-cm62',
      'GHSA-4952-p58q-6crx',
      'PYSEC-2022-212',
      'PYSEC-2022-211',
    ]);
  });

  it('describes a rule with summary, fixed versions, severity and tags', () => {
    const rule = run(sampleReport()).tool.driver.rules!.find((candidate) => candidate.id === 'GHSA-4952-p58q-6crx')!;
    expect(rule.shortDescription?.text).toBe(
      'JupyterLab: XSS due to lack of sanitization of the action attribute of an html <form>',
    );
    expect(rule.fullDescription?.text).toBe(
      'JupyterLab: XSS due to lack of sanitization of the action attribute of an html <form>. Affects notebook 6.4.0. Also known as CVE-2021-32797.',
    );
    expect(rule.help?.text).toContain('notebook 6.4.0 (PyPI): Fixed in 5.7.11, 6.4.1.');
    expect(rule.help?.markdown).toContain('| notebook | PyPI | `6.4.0` | `5.7.11`, `6.4.1` |');
    expect(rule.help?.markdown).toContain('**GHSA-4952-p58q-6crx** (also CVE-2021-32797)');
    expect(rule.help?.markdown).toContain('html \\<form\\>');
    expect(rule.help?.markdown).toContain('Severity: high (CVSS_V3 7.4) `CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:H/I:N/A:N`');
    expect(rule.help?.markdown).toContain(
      'References:\n- <https://github.com/jupyterlab/jupyterlab/security/advisories/GHSA-4952-p58q-6crx>',
    );
    expect(rule.helpUri).toBe('https://github.com/jupyterlab/jupyterlab/security/advisories/GHSA-4952-p58q-6crx');
    expect(rule.defaultConfiguration?.level).toBe('error');
    expect(rule.properties?.['security-severity']).toBe('7.4');
    expect(rule.properties?.tags).toEqual(['security', 'vulnerability', 'dependency', 'PyPI']);
  });

  it('maps the level when there is no score, and leaves security-severity out when nothing is known', () => {
    const rules = run(sampleReport()).tool.driver.rules!;
    const medium = rules.find((rule) => rule.id === 'PYSEC-2022-212')!;
    expect(medium.properties?.['security-severity']).toBe('5.5');
    expect(medium.shortDescription?.text).toBe('Known vulnerability PYSEC-2022-212');
    expect(medium.helpUri).toBe('https://github.com/jupyter/notebook/security/advisories/GHSA-v7vq-3x77-87vg');
    const unknown = rules.find((rule) => rule.id === 'PYSEC-2022-211')!;
    expect(unknown.properties).not.toHaveProperty('security-severity');
    expect(unknown.defaultConfiguration?.level).toBe('warning');
    expect(unknown).not.toHaveProperty('helpUri');
  });

  it('makes one result per finding and location, pointing at its rule', () => {
    const { results = [], tool } = run(sampleReport());
    const rules = tool.driver.rules!;
    expect(
      results.map((result) => {
        const physical = result.locations![0]!.physicalLocation!;
        return [result.ruleId, result.level, physical.artifactLocation!.uri, physical.region!.startLine];
      }),
    ).toEqual([
      ['GHSA-hrw6-wg82-cm62', 'error', 'poetry.lock', 790],
      ['GHSA-4952-p58q-6crx', 'error', 'poetry.lock', 812],
      ['GHSA-4952-p58q-6crx', 'error', 'requirements.txt', 4],
      ['PYSEC-2022-212', 'warning', 'poetry.lock', 812],
      ['PYSEC-2022-212', 'warning', 'requirements.txt', 4],
      ['PYSEC-2022-211', 'warning', 'poetry.lock', 790],
    ]);
    for (const result of results) {
      expect(rules[result.ruleIndex!]!.id).toBe(result.ruleId);
      expect(result.locations![0]!.physicalLocation!.artifactLocation!.uriBaseId).toBe(SOURCE_ROOT_BASE_ID);
      expect(result.partialFingerprints?.[FINGERPRINT_KEY]).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(results[1]!.message.text).toBe(
      'notebook 6.4.0 (PyPI) is affected by GHSA-4952-p58q-6crx: JupyterLab: XSS due to lack of sanitization of the action attribute of an html <form>. Fixed in 5.7.11, 6.4.1.',
    );
    expect(results[5]!.message.text).toBe(
      'jupyter-server 1.13.1 (PyPI) is affected by PYSEC-2022-211. Fixed in 1.17.0.',
    );
  });

  it('uses line 1 when the location has no line, and the package location when the finding has none', () => {
    const report = sampleReport();
    report.findings = [
      { ...GHSA_4952, locations: [{ path: 'environment.yml' }] },
      { ...GHSA_4952, id: 'GHSA-4m77-cmpx-vjc4', ids: ['CVE-2024-22420', 'GHSA-4m77-cmpx-vjc4'], locations: [] },
    ];
    const results = run(report).results!;
    expect(results.map((result) => [result.ruleId, result.locations![0]!.physicalLocation!.artifactLocation!.uri, result.locations![0]!.physicalLocation!.region!.startLine])).toEqual([
      ['GHSA-4952-p58q-6crx', 'environment.yml', 1],
      ['GHSA-4m77-cmpx-vjc4', 'poetry.lock', 812],
      ['GHSA-4m77-cmpx-vjc4', 'requirements.txt', 4],
    ]);
  });

  it('fingerprints ignore the line but not the file, package version or advisory', () => {
    const base = resultFingerprint(GHSA_4952, { path: 'poetry.lock', line: 812 });
    expect(resultFingerprint(GHSA_4952, { path: 'poetry.lock', line: 900 })).toBe(base);
    expect(resultFingerprint(GHSA_4952, { path: 'requirements.txt', line: 812 })).not.toBe(base);
    const otherVersion = { ...GHSA_4952, package: { ...GHSA_4952.package, version: '6.0.0', purl: 'pkg:pypi/notebook@6.0.0' } };
    expect(resultFingerprint(otherVersion, { path: 'poetry.lock', line: 812 })).not.toBe(base);
    expect(resultFingerprint({ ...GHSA_4952, id: 'PYSEC-2022-212' }, { path: 'poetry.lock', line: 812 })).not.toBe(base);
  });

  it('reports errors, not-scannable lines and unreachable sources as notifications', () => {
    const [invocation] = run(sampleReport()).invocations!;
    expect(invocation!.executionSuccessful).toBe(true);
    expect(
      invocation!.toolExecutionNotifications!.map((notification) => [
        notification.level,
        notification.descriptor?.id,
        notification.message.text,
        notification.locations?.[0]?.physicalLocation?.artifactLocation?.uri,
        notification.locations?.[0]?.physicalLocation?.region?.startLine,
      ]),
    ).toEqual([
      ['error', 'invalid-requirement', "requirements-dev.txt:3: expected a version after '=='", 'requirements-dev.txt', 3],
      ['note', 'not-scannable', 'jupyterlab-git cannot be checked: unpinned requirement: >=0.50', 'requirements.txt', 7],
      [
        'warning',
        'source-unreachable',
        'Advisory source osv-api was unreachable: connect ECONNREFUSED 127.0.0.1:8443; findings from it are missing.',
        undefined,
        undefined,
      ],
    ]);
  });

  it('warns that an ecosystem without advisories was not checked (issue 10)', () => {
    const report = { ...cleanReport(), coverage: [{ ecosystem: 'npm' as const, packages: 3, advisories: 0, newestModified: null, checked: false }] };
    expect(run(report).invocations![0]!.toolExecutionNotifications).toEqual([
      { level: 'warning', message: { text: '3 npm packages were not checked: the advisory sources hold no npm advisories.' }, descriptor: { id: 'ecosystem-not-checked' } },
    ]);
  });

  it('a clean scan has no rules, no results and no notifications', () => {
    const cleanRun = run(cleanReport());
    expect(cleanRun.tool.driver.rules).toEqual([]);
    expect(cleanRun.results).toEqual([]);
    expect(cleanRun.invocations).toEqual([{ executionSuccessful: true }]);
  });

  it('is deterministic', () => {
    const report = sampleReport();
    expect(renderSarif({ ...report, findings: [...report.findings].reverse() })).toBe(renderSarif(report));
  });
});

describe('toArtifactLocation', () => {
  it.each([
    ['requirements.txt', { uri: 'requirements.txt', uriBaseId: '%SRCROOT%' }],
    ['./services/api/poetry.lock', { uri: 'services/api/poetry.lock', uriBaseId: '%SRCROOT%' }],
    ['sub\\requirements.txt', { uri: 'sub/requirements.txt', uriBaseId: '%SRCROOT%' }],
    [
      'node_modules/@jupyterlab/services/package.json',
      { uri: 'node_modules/@jupyterlab/services/package.json', uriBaseId: '%SRCROOT%' },
    ],
    ['my project/req #1.txt', { uri: 'my%20project/req%20%231.txt', uriBaseId: '%SRCROOT%' }],
    ['/srv/app/poetry.lock', { uri: 'file:///srv/app/poetry.lock' }],
    ['C:\\work\\app\\poetry.lock', { uri: 'file:///C:/work/app/poetry.lock' }],
  ])('%s', (path, expected) => {
    expect(toArtifactLocation(path)).toEqual(expected);
  });
});

describe('severity mapping', () => {
  it.each<[Severity, string | undefined]>([
    [{ level: 'high', score: 7.5, source: 'CVSS_V3' }, '7.5'],
    [{ level: 'critical', score: 10, source: 'CVSS_V3' }, '10.0'],
    [{ level: 'critical', source: 'database' }, '9.5'],
    [{ level: 'high', source: 'database' }, '8.0'],
    [{ level: 'medium', source: 'database' }, '5.5'],
    [{ level: 'low', source: 'database' }, '2.0'],
    [{ level: 'none', source: 'database' }, '0.0'],
    [{ level: 'unknown', source: 'none' }, undefined],
  ])('security-severity of %j is %s', (severity, expected) => {
    expect(securitySeverity(severity)).toBe(expected);
  });

  it.each([
    ['critical', 'error'],
    ['high', 'error'],
    ['medium', 'warning'],
    ['unknown', 'warning'],
    ['low', 'note'],
    ['none', 'note'],
  ] as const)('level %s is SARIF %s', (level, expected) => {
    expect(sarifLevel(level)).toBe(expected);
  });
});
