import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { lines } from './posture-testing.fixture.js';
import type { CheckResult, PostureFinding, PostureReport } from './types.js';
import { applyWaivers, isExpired, loadWaivers, parseWaivers, unusedWaivers, type Waiver } from './waivers.js';

const FILE = 'waivers.yaml';

function parsed(text: string): Waiver[] {
  const result = parseWaivers(text, FILE);
  if (!result.ok) throw new Error(result.error.describe());
  return result.value;
}

describe('parseWaivers', () => {
  it('reads a `waivers:` list, keeping expires as written and the line of each waiver', () => {
    const waivers = parsed(
      lines(
        '# accepted risks', // 1
        'waivers:', // 2
        '  - repo: jupyter/nbconvert', // 3
        '    check: trusted-publishing', // 4
        '    reason: npm token needed until the releaser supports OIDC', // 5
        '    approved-by: security council', // 6
        '    expires: 2026-12-31', // 7
        '  - repo: jupyterlab/*', // 8
        '    check: pinned-actions', // 9
        '    reason: "pinning lands with the next maintainer-tools release"', // 10
        "    approved-by: '@alice'", // 11
        '    expires: "2026-10-01"', // 12
      ),
    );
    expect(waivers).toEqual([
      {
        repo: 'jupyter/nbconvert',
        check: 'trusted-publishing',
        reason: 'npm token needed until the releaser supports OIDC',
        approvedBy: 'security council',
        expires: '2026-12-31',
        location: { path: FILE, line: 3 },
      },
      { repo: 'jupyterlab/*', check: 'pinned-actions', reason: 'pinning lands with the next maintainer-tools release', approvedBy: '@alice', expires: '2026-10-01', location: { path: FILE, line: 8 } },
    ]);
  });

  it('reads a bare list and an org-level waiver', () => {
    expect(parsed(lines('- repo: jupyter', '  check: org-outside-collaborators', '  reason: r', '  approved-by: a', '  expires: 2027-01-01'))).toMatchObject([{ repo: 'jupyter', check: 'org-outside-collaborators' }]);
  });

  it('reads an empty file as no waivers', () => {
    expect(parsed('')).toEqual([]);
    expect(parsed('waivers: []\n')).toEqual([]);
  });

  const valid = ['  - repo: a/b', '    check: maintained', '    reason: r', '    approved-by: x', '    expires: 2026-12-31'];
  it.each([
    { name: 'unknown check', text: lines('waivers:', '  - repo: a/b', '    check: pinned', '    reason: r', '    approved-by: x', '    expires: 2026-12-31'), line: 3, message: /waiver 1: check: expected one of dependency-update-tool/ },
    { name: 'missing reason', text: lines('waivers:', '  - repo: a/b', '    check: maintained', '    approved-by: x', '    expires: 2026-12-31'), line: 2, message: /waiver 1: reason/ },
    { name: 'blank reason', text: lines('waivers:', ...valid.slice(0, 2), '    reason: "  "', ...valid.slice(3)), line: 4, message: /waiver 1: reason: a waiver needs a reason/ },
    { name: 'bad date', text: lines('waivers:', ...valid.slice(0, 4), '    expires: next year'), line: 6, message: /waiver 1: expires: expected a date as YYYY-MM-DD/ },
    { name: 'impossible date', text: lines('waivers:', ...valid.slice(0, 4), '    expires: 2026-02-30'), line: 6, message: /waiver 1: expires: not a real date/ },
    { name: 'bad repo', text: lines('waivers:', '  - repo: https://example.org/a/b', ...valid.slice(1)), line: 2, message: /waiver 1: repo: expected owner\/name/ },
    { name: 'unknown field', text: lines('waivers:', ...valid, '    approver: y'), line: 7, message: /waiver 1: approver: unknown field/ },
    { name: 'second waiver is wrong', text: lines('waivers:', ...valid, '  - repo: a/c', '    check: maintained'), line: 7, message: /waiver 2: reason/ },
    { name: 'not a list', text: lines('waivers:', '  repo: a/b'), line: 2, message: /expected a `waivers:` list/ },
    { name: 'broken YAML', text: lines('waivers:', '  - repo: [a/b'), line: 3, message: /invalid YAML/ },
  ])('$name → error at line $line', ({ text, line, message }) => {
    const result = parseWaivers(text, FILE);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.location).toEqual({ path: FILE, line });
    expect(result.error.message).toMatch(message);
  });

  it('loadWaivers reads a file and reports an unreadable one with its path', () => {
    const directory = mkdtempSync(join(tmpdir(), 'chainwatch-waivers-'));
    try {
      const path = join(directory, 'w.yaml');
      writeFileSync(path, lines('waivers:', ...valid));
      expect(loadWaivers(path)).toMatchObject({ ok: true, value: [{ repo: 'a/b', location: { path, line: 2 } }] });
      const missing = loadWaivers(join(directory, 'missing.yaml'));
      expect(missing.ok).toBe(false);
      if (!missing.ok) expect([missing.error.code, missing.error.location?.path]).toEqual(['unreadable-file', join(directory, 'missing.yaml')]);
      const fifo = join(directory, 'fifo.yaml');
      execFileSync('mkfifo', [fifo]);
      const fromFifo = loadWaivers(fifo);
      expect(!fromFifo.ok && fromFifo.error.describe()).toBe(`${fifo}: cannot read waivers: is not a regular file (a device, FIFO or socket is never read)`);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it.skipIf(process.platform === 'win32')('loadWaivers never reads a FIFO or a device: it is refused at once', () => {
    const directory = mkdtempSync(join(tmpdir(), 'chainwatch-waivers-'));
    try {
      const fifo = join(directory, 'fifo.yaml');
      execFileSync('mkfifo', [fifo]);
      for (const path of [fifo, '/dev/zero']) {
        const refused = loadWaivers(path);
        expect(refused.ok || refused.error.describe()).toBe(`${path}: cannot read waivers: is not a regular file (a device, FIFO or socket is never read)`);
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});

describe('applyWaivers', () => {
  const result = (id: CheckResult['id'], outcome: CheckResult['outcome']): CheckResult => ({ id, outcome, summary: `${id} ${outcome}`, findings: [] });
  const report: PostureReport = {
    repos: [
      { repo: 'jupyter/nbconvert', checks: [result('trusted-publishing', 'fail'), result('pinned-actions', 'fail'), result('maintained', 'pass')] },
      { repo: 'jupyterlab/lumino', checks: [result('pinned-actions', 'fail'), result('trusted-publishing', 'fail')] },
    ],
    orgs: [{ org: 'jupyter', checks: [result('org-outside-collaborators', 'partial')] }],
    expiredWaivers: [],
    sources: [],
  };
  const waiver = (repo: string, check: Waiver['check'], expires: string, reason = 'accepted'): Waiver => ({ repo, check, reason, approvedBy: 'council', expires, location: { path: FILE, line: 1 } });
  const clock = fixedClock('2026-09-01T12:00:00Z');

  it('marks covered results, keeps the real outcome, and leaves the rest alone', () => {
    const waived = applyWaivers(report, [waiver('jupyter/nbconvert', 'trusted-publishing', '2026-12-31', 'token until OIDC'), waiver('jupyterlab/*', 'pinned-actions', '2026-09-01'), waiver('jupyter', 'org-outside-collaborators', '2027-01-01')], clock);
    expect(waived.repos[0]!.checks[0]).toEqual({ ...result('trusted-publishing', 'fail'), waiver: { reason: 'token until OIDC', approvedBy: 'council', expires: '2026-12-31' } });
    expect(waived.repos[0]!.checks[1]!.waiver).toBeUndefined();
    // expires 2026-09-01 still applies during that day
    expect(waived.repos[1]!.checks[0]).toMatchObject({ outcome: 'fail', waiver: { expires: '2026-09-01' } });
    expect(waived.repos[1]!.checks[1]!.waiver).toBeUndefined();
    expect(waived.orgs[0]!.checks[0]).toMatchObject({ outcome: 'partial', waiver: { expires: '2027-01-01' } });
    expect(waived.expiredWaivers).toEqual([]);
    // the input report is not changed
    expect(report.repos[0]!.checks[0]!.waiver).toBeUndefined();
  });

  it('reports expired waivers separately and does not apply them', () => {
    const waived = applyWaivers(report, [waiver('jupyter/nbconvert', 'trusted-publishing', '2026-08-31', 'old excuse')], clock);
    expect(waived.repos[0]!.checks[0]!.waiver).toBeUndefined();
    expect(waived.expiredWaivers).toEqual([{ repo: 'jupyter/nbconvert', check: 'trusted-publishing', expires: '2026-08-31', reason: 'old excuse' }]);
  });

  it('uses the longest-lasting waiver when several match, and never waives a pass', () => {
    const waived = applyWaivers(report, [waiver('jupyter/*', 'trusted-publishing', '2026-10-01'), waiver('jupyter/nbconvert', 'trusted-publishing', '2027-03-01'), waiver('jupyter/nbconvert', 'maintained', '2027-01-01')], clock);
    expect(waived.repos[0]!.checks[0]!.waiver?.expires).toBe('2027-03-01');
    expect(waived.repos[0]!.checks[2]!.waiver).toBeUndefined();
  });

  it('isExpired counts the whole expiry day', () => {
    expect(isExpired({ expires: '2026-09-01' }, fixedClock('2026-09-01T23:59:59Z'))).toBe(false);
    expect(isExpired({ expires: '2026-09-01' }, fixedClock('2026-09-02T00:00:00Z'))).toBe(true);
  });

  it('unusedWaivers lists waivers that match nothing in the report', () => {
    const stale = waiver('jupyter/gone', 'maintained', '2027-01-01');
    expect(unusedWaivers(report, [waiver('jupyterlab/*', 'pinned-actions', '2027-01-01'), stale])).toEqual([stale]);
  });
});

describe('waivers that name findings (file, action, package)', () => {
  const clock = fixedClock('2026-09-01T12:00:00Z');
  const waiver = (selector: Pick<Waiver, 'file' | 'action' | 'package'>, expires = '2027-01-01', repo = 'jupyter/*', check: Waiver['check'] = 'pinned-actions'): Waiver => ({
    repo,
    check,
    ...selector,
    reason: `ours: ${JSON.stringify(selector)}`,
    approvedBy: 'council',
    expires,
    location: { path: FILE, line: 1 },
  });
  const checkout = { file: '.github/workflows/ci.yml', line: 12, message: 'GitHub-owned action `actions/checkout@v4` is not pinned to a full commit SHA', action: 'actions/checkout' };
  const baseSetup = { file: '.github/workflows/ci.yml', line: 14, message: 'third-party action `jupyterlab/maintainer-tools/.github/actions/base-setup@v1` is not pinned', action: 'jupyterlab/maintainer-tools/.github/actions/base-setup' };
  const releaser = { file: '.github/workflows/publish-release.yml', line: 20, message: 'third-party action `jupyter-server/jupyter_releaser/.github/actions/publish-release@v2` is not pinned', action: 'jupyter-server/jupyter_releaser/.github/actions/publish-release' };
  const image = { file: '.github/workflows/docker.yml', line: 7, message: 'docker image `docker://alpine:3` is not pinned by digest', package: 'alpine' };
  const noSubject = { message: 'a finding without file, action or package' };
  const report = (findings: PostureFinding[], outcome: CheckResult['outcome'] = 'fail'): PostureReport => ({
    repos: [{ repo: 'jupyter/nbformat', checks: [{ id: 'pinned-actions', outcome, summary: 'not pinned', findings }] }],
    orgs: [],
    expiredWaivers: [],
    sources: [],
  });
  const applied = (findings: PostureFinding[], waivers: Waiver[], outcome?: CheckResult['outcome']) => applyWaivers(report(findings, outcome), waivers, clock).repos[0]!.checks[0]!;
  const messages = (list: readonly PostureFinding[] | undefined) => (list ?? []).map((finding) => finding.message);

  it.each([
    { name: 'our own actions: actions/checkout@v4 still fails', waivers: [waiver({ action: 'jupyterlab/maintainer-tools/*' })], left: [checkout, releaser], covered: [baseSetup], waived: false },
    { name: 'an action pattern is case-insensitive', waivers: [waiver({ action: 'JupyterLab/Maintainer-Tools/*' })], left: [checkout, releaser], covered: [baseSetup], waived: false },
    { name: 'owner/repo/* covers the repository root action too', waivers: [waiver({ action: 'actions/checkout/*' })], left: [baseSetup, releaser], covered: [checkout], waived: false },
    { name: 'owner/repo names only that action, not actions below it', waivers: [waiver({ action: 'jupyterlab/maintainer-tools' })], left: [checkout, baseSetup, releaser], covered: [], waived: false },
    { name: 'a look-alike repository is not covered', waivers: [waiver({ action: 'jupyterlab/maintainer-tool*/x' })], left: [checkout, baseSetup, releaser], covered: [], waived: false },
    { name: 'a workflow file', waivers: [waiver({ file: '.github/workflows/publish-release.yml' })], left: [checkout, baseSetup], covered: [releaser], waived: false },
    { name: 'a file glob stays within its directory', waivers: [waiver({ file: '.github/*.yml' })], left: [checkout, baseSetup, releaser], covered: [], waived: false },
    { name: 'a ** glob crosses directories', waivers: [waiver({ file: '**/ci.yml' })], left: [releaser], covered: [checkout, baseSetup], waived: false },
    { name: 'file and action together: both must match', waivers: [waiver({ file: '.github/workflows/ci.yml', action: 'actions/*' })], left: [baseSetup, releaser], covered: [checkout], waived: false },
    { name: 'several waivers covering every finding waive the check', waivers: [waiver({ action: 'jupyterlab/maintainer-tools/*' }), waiver({ action: 'jupyter-server/*' }), waiver({ action: 'actions/*' })], left: [], covered: [checkout, baseSetup, releaser], waived: true },
    { name: 'a package: a docker image', waivers: [waiver({ package: 'alpine' })], findings: [checkout, image], left: [checkout], covered: [image], waived: false },
    { name: 'an action waiver never covers a finding that names no action', waivers: [waiver({ action: '*/*' })], findings: [noSubject, image], left: [noSubject, image], covered: [], waived: false },
  ])('$name', ({ waivers, findings = [checkout, baseSetup, releaser], left, covered, waived }) => {
    const result = applied(findings, waivers);
    expect(result.outcome).toBe('fail');
    expect(messages(result.findings)).toEqual(messages(left));
    expect(messages(result.waivedFindings)).toEqual(messages(covered));
    expect(result.waiver !== undefined).toBe(waived);
    if (covered.length === 0) expect(result.waivedFindings).toBeUndefined();
  });

  it('each waived finding carries the waiver that covers it, with what the waiver named', () => {
    const result = applied([checkout, baseSetup], [waiver({ action: 'jupyterlab/maintainer-tools/*' }, '2026-12-31')]);
    expect(result.waivedFindings).toEqual([{ ...baseSetup, waiver: { reason: 'ours: {"action":"jupyterlab/maintainer-tools/*"}', approvedBy: 'council', expires: '2026-12-31', action: 'jupyterlab/maintainer-tools/*' } }]);
    expect(result.findings).toEqual([checkout]);
  });

  it('a check waived finding by finding is waived until the first of its waivers expires', () => {
    const result = applied([checkout, baseSetup], [waiver({ action: 'actions/*' }, '2027-06-30'), waiver({ action: 'jupyterlab/*' }, '2026-10-15')]);
    expect(result.waiver).toEqual({ reason: 'ours: {"action":"jupyterlab/*"}', approvedBy: 'council', expires: '2026-10-15', action: 'jupyterlab/*' });
    expect(result.findings).toEqual([]);
  });

  it('the longest-lasting of several waivers covering one finding is shown', () => {
    const result = applied([baseSetup, checkout], [waiver({ action: 'jupyterlab/*' }, '2026-10-01'), waiver({ file: '.github/workflows/ci.yml' }, '2027-03-01')]);
    expect(result.waivedFindings?.map((finding) => finding.waiver.expires)).toEqual(['2027-03-01', '2027-03-01']);
  });

  it('a waiver of the whole check wins over waivers of findings, and nothing is moved', () => {
    const result = applied([checkout, baseSetup], [waiver({ action: 'jupyterlab/*' }), { ...waiver({}), reason: 'the whole check' }]);
    expect(result.waiver?.reason).toBe('the whole check');
    expect(result.findings).toEqual([checkout, baseSetup]);
    expect(result.waivedFindings).toBeUndefined();
  });

  it('expired waivers of findings are not applied and are reported with what they named', () => {
    const waived = applyWaivers(report([checkout, baseSetup]), [waiver({ action: 'jupyterlab/maintainer-tools/*' }, '2026-08-31')], clock);
    expect(waived.repos[0]!.checks[0]!.findings).toEqual([checkout, baseSetup]);
    expect(waived.repos[0]!.checks[0]!.waivedFindings).toBeUndefined();
    expect(waived.expiredWaivers).toEqual([{ repo: 'jupyter/*', check: 'pinned-actions', action: 'jupyterlab/maintainer-tools/*', expires: '2026-08-31', reason: 'ours: {"action":"jupyterlab/maintainer-tools/*"}' }]);
  });

  it('a passing check is never touched', () => {
    expect(applied([], [waiver({ action: 'actions/*' })], 'pass')).toEqual({ id: 'pinned-actions', outcome: 'pass', summary: 'not pinned', findings: [] });
  });

  it('unusedWaivers: a waiver naming findings is used only when it covers one', () => {
    const used = waiver({ action: 'jupyterlab/maintainer-tools/*' });
    const pinnedNow = waiver({ action: 'octo/gone/*' });
    const otherRepo = waiver({ action: 'actions/*' }, '2027-01-01', 'jupyterlab/*');
    expect(unusedWaivers(report([checkout, baseSetup]), [used, pinnedNow, otherRepo])).toEqual([pinnedNow, otherRepo]);
  });

  it('parses file, action and package, and refuses what cannot name a finding', () => {
    const base = ['  - repo: jupyter/*', '    check: pinned-actions', '    reason: r', '    approved-by: x', '    expires: 2026-12-31'];
    expect(parsed(lines('waivers:', ...base, '    action: jupyterlab/maintainer-tools/*', '    file: .github/workflows/*.yml', "    package: '@jupyterlab/*'"))).toEqual([
      { repo: 'jupyter/*', check: 'pinned-actions', action: 'jupyterlab/maintainer-tools/*', file: '.github/workflows/*.yml', package: '@jupyterlab/*', reason: 'r', approvedBy: 'x', expires: '2026-12-31', location: { path: FILE, line: 2 } },
    ]);
    const refused = [
      { extra: '    action: actions/checkout@v4', message: /waiver 1: action: expected owner\/repo, owner\/repo\/path or a pattern such as owner\/repo\/\* \(without @ref\)/ },
      { extra: '    action: checkout', message: /waiver 1: action: expected owner\/repo/ },
      { extra: '    file: ../outside.yml', message: /waiver 1: file: expected a repository-relative path or glob/ },
      { extra: '    file: /etc/passwd', message: /waiver 1: file: expected a repository-relative path or glob/ },
      { extra: "    package: ''", message: /waiver 1: package: expected a package name or glob/ },
    ];
    for (const { extra, message } of refused) {
      const result = parseWaivers(lines('waivers:', ...base, extra), FILE);
      expect(result.ok ? 'parsed' : result.error.message).toMatch(message);
      if (!result.ok) expect(result.error.location).toEqual({ path: FILE, line: 7 });
    }
    const orgCheck = parseWaivers(lines('- repo: jupyter', '  check: org-two-factor', '  file: x.yml', '  reason: r', '  approved-by: a', '  expires: 2027-01-01'), FILE);
    expect(!orgCheck.ok && orgCheck.error.message).toBe('waiver 1: check: an organisation check has no files, actions or packages: waive the whole check');
  });
});
