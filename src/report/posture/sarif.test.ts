import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { samplePostureReport, samplePostureReportWithWaivedFindings } from './sample-posture.fixture.js';
import { buildPostureSarifLog, renderPostureSarif } from './sarif.js';

/** The official SARIF 2.1.0 schema from @microsoft/jest-sarif, loaded as src/report/sarif.test.ts explains. */
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

describe('renderPostureSarif', () => {
  it.each([
    ['the sample report', samplePostureReport()],
    ['an empty report', { repos: [], orgs: [], expiredWaivers: [], sources: [] }],
    ['a report with waived findings', samplePostureReportWithWaivedFindings()],
  ])('is valid SARIF 2.1.0: %s', (_name, report) => {
    const log = JSON.parse(renderPostureSarif(report, { toolVersion: '0.1.0' })) as unknown;
    const valid = validateSarif(log);
    expect(validateSarif.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check can fail: a result without a message is rejected', () => {
    const log = buildPostureSarifLog(samplePostureReport());
    delete (log.runs[0]!.results![0] as { message?: unknown }).message;
    expect(validateSarif(log)).toBe(false);
  });

  it("takes each rule's texts from the check's definition (src/posture/checks/pinned-actions.ts)", () => {
    const rules = buildPostureSarifLog(samplePostureReport()).runs[0]!.tool.driver.rules!;
    const why = 'A tag can be moved to malicious code (as happened to tj-actions/changed-files); a full commit SHA cannot.';
    const fix = 'Replace each `uses: owner/repo@tag` by `@<40-hex sha> # tag` (`chainwatch fix pinned-actions`); keep Dependabot on github-actions to update the SHAs.';
    expect(rules.find((rule) => rule.id === 'pinned-actions')).toMatchObject({
      name: 'PinnedActions',
      shortDescription: { text: 'Actions are pinned to full commit SHAs' },
      fullDescription: { text: why },
      help: { text: fix, markdown: `**Why:** ${why}\n\n**Fix:** ${fix}` },
    });
  });

  it('names a check it does not know (a report read back from elsewhere) by its id', () => {
    const report = { repos: [{ repo: 'o/r', checks: [{ id: 'retired-check' as never, outcome: 'fail' as const, summary: 's', findings: [] }] }], orgs: [], expiredWaivers: [], sources: [] };
    const rule = buildPostureSarifLog(report).runs[0]!.tool.driver.rules![0]!;
    expect([rule.shortDescription, rule.fullDescription, rule.help]).toEqual([{ text: 'retired-check' }, { text: 'retired-check' }, { text: 'retired-check', markdown: '**Why:** \n\n**Fix:** ' }]);
  });

  it('has one rule per check in report order, and one result per finding of a failing or partial check', () => {
    const run = buildPostureSarifLog(samplePostureReport(), { toolVersion: '0.1.0' }).runs[0]!;
    expect(run.tool.driver).toMatchObject({ name: 'chainwatch', version: '0.1.0' });
    expect(run.tool.driver.rules!.map((rule) => rule.id)).toEqual(['dependency-update-tool', 'security-policy', 'pinned-actions', 'org-two-factor']);
    const summary = run.results!.map((result) => ({
      rule: result.ruleId,
      index: result.ruleIndex,
      level: result.level,
      uri: result.locations?.[0]?.physicalLocation?.artifactLocation?.uri,
      line: result.locations?.[0]?.physicalLocation?.region?.startLine,
      repo: result.locations?.[0]?.logicalLocations?.[0]?.fullyQualifiedName,
      suppressed: result.suppressions?.[0]?.status,
    }));
    expect(summary).toEqual([
      { rule: 'dependency-update-tool', index: 0, level: 'warning', uri: '.github/dependabot.yml', line: 1, repo: 'jupyter/notebook', suppressed: undefined },
      { rule: 'pinned-actions', index: 2, level: 'error', uri: '.github/workflows/build.yml', line: 12, repo: 'jupyter/notebook', suppressed: undefined },
      { rule: 'pinned-actions', index: 2, level: 'error', uri: '.github/workflows/build.yml', line: 30, repo: 'jupyter/notebook', suppressed: undefined },
      // The waived security-policy failure stays, suppressed, without a file (its finding has none).
      { rule: 'security-policy', index: 1, level: 'error', uri: undefined, line: undefined, repo: 'jupyterlab/jupyterlab', suppressed: 'accepted' },
    ]);
    expect(run.results![1]!.message.text).toBe('jupyter/notebook: GitHub-owned actions/checkout@v4 is not pinned — fix: pin to a SHA');
    expect(run.results![3]!.suppressions![0]!.justification).toBe('policy in the org .github (approved by council, expires 2026-12-31)');
  });

  it('keeps a waived finding as a result suppressed by its own waiver; the others of the check stay open', () => {
    const results = buildPostureSarifLog(samplePostureReportWithWaivedFindings()).runs[0]!.results!.filter((result) => result.ruleId === 'pinned-actions');
    expect(results.map((result) => [result.locations?.[0]?.physicalLocation?.region?.startLine, result.suppressions?.[0]?.justification])).toEqual([
      [12, undefined],
      [30, 'our own actions (approved by council, expires 2026-12-31)'],
    ]);
    const notifications = buildPostureSarifLog(samplePostureReportWithWaivedFindings()).runs[0]!.invocations![0]!.toolExecutionNotifications!;
    expect(notifications.map((notification) => notification.message.text)).toContain('waiver for jupyter/* pinned-actions (action actions/*) expired on 2026-01-31 (not applied): until the pins land');
  });

  it('reports unreachable sources and expired waivers as notifications', () => {
    const notifications = buildPostureSarifLog(samplePostureReport()).runs[0]!.invocations![0]!.toolExecutionNotifications!;
    expect(notifications.map((notification) => [notification.level, notification.message.text])).toEqual([
      ['warning', 'source github unreachable: no GH_TOKEN or GITHUB_TOKEN; the checks that need it are not-available'],
      ['warning', 'waiver for jupyter/nbformat maintained expired on 2025-01-01 (not applied): finished'],
    ]);
  });

  it('fingerprints ignore the line, so a moved finding keeps its alert', () => {
    const report = samplePostureReport();
    const moved = samplePostureReport();
    moved.repos[1]!.checks[0]!.findings[0]!.line = 31;
    const fingerprints = (value: typeof report) => buildPostureSarifLog(value).runs[0]!.results!.map((result) => result.partialFingerprints!['chainwatch-posture/v1']);
    expect(fingerprints(moved)).toEqual(fingerprints(report));
    expect(new Set(fingerprints(report)).size).toBe(4);
  });

  it('turns error outcomes into error notifications, not results', () => {
    const log = buildPostureSarifLog({ repos: [{ repo: 'o/r', checks: [{ id: 'maintained', outcome: 'error', summary: 'git facts unreadable', findings: [] }] }], orgs: [], expiredWaivers: [], sources: [] });
    expect(log.runs[0]!.results).toEqual([]);
    expect(log.runs[0]!.invocations![0]!.toolExecutionNotifications).toEqual([{ level: 'error', message: { text: 'o/r maintained: git facts unreadable' }, descriptor: { id: 'maintained', index: 0 } }]);
  });
});
