import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { lines } from './posture-testing.fixture.js';
import type { CheckResult, PostureReport } from './types.js';
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
