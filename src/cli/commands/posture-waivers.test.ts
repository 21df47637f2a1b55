/**
 * `chainwatch posture --local --waivers` with waivers that name findings, on
 * a shared repository: jupyter/jupyter_client's workflows use 27 actions of
 * jupyterlab/maintainer-tools and 26 other unpinned references (actions/checkout@v4
 * among them), counted from its .github/workflows/*.yml.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeWithSharedData, SHARED_PROJECTS } from '../../../test/shared-data.js';
import { fixedClock } from '../../core/clock.js';
import { captureIo, useTemporaryDirectory } from './command-fakes.fixture.js';
import { runPosture, type PostureCommandOptions } from './posture.js';

const clock = fixedClock('2026-09-01T00:00:00Z');
const dir = useTemporaryDirectory(beforeEach, afterEach);
const CLIENT = join(SHARED_PROJECTS, 'jupyter/jupyter_client');

interface Finding {
  file?: string;
  line?: number;
  message: string;
  action?: string;
  waiver?: { reason: string; action?: string; expires: string };
}
interface Check {
  id: string;
  outcome: string;
  findings: Finding[];
  waivedFindings?: Finding[];
  waiver?: { reason: string; expires: string; action?: string };
}
interface Document {
  repos: { repo: string; checks: Check[] }[];
  expiredWaivers: object[];
}

function waiversFile(...entries: { action: string; expires?: string; reason?: string }[]): string {
  const path = join(dir.path, 'waivers.yaml');
  const lines = ['waivers:'];
  for (const entry of entries) {
    lines.push(
      '  - repo: jupyter/*',
      '    check: pinned-actions',
      `    action: ${entry.action}`,
      `    reason: ${entry.reason ?? `we accept ${entry.action}`}`,
      '    approved-by: security council',
      `    expires: ${entry.expires ?? '2026-12-31'}`,
    );
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

async function run(waivers: string, format: PostureCommandOptions['format'] = 'json') {
  const io = captureIo(dir.path);
  io.env = { CHAINWATCH_HTTP_CACHE: join(dir.path, 'http.sqlite'), CHAINWATCH_GRAPH_DB: join(dir.path, 'graph.sqlite') };
  const code = await runPosture(io, { org: [], local: [CLIENT], check: ['pinned-actions'], waivers, format, failOn: 'fail' }, { clock });
  return { code, out: io.out(), err: io.err() };
}

function pinned(text: string): Check {
  return (JSON.parse(text) as Document).repos[0]!.checks.find((check) => check.id === 'pinned-actions')!;
}

describeWithSharedData('chainwatch posture --local --waivers: waivers that name an action', () => {
  it('waiving jupyterlab/maintainer-tools/* leaves actions/checkout@v4 failing', async () => {
    const { code, out } = await run(waiversFile({ action: 'jupyterlab/maintainer-tools/*', reason: 'our own actions' }));
    const check = pinned(out);
    expect(code).toBe(1);
    expect(check.outcome).toBe('fail');
    expect(check.waiver).toBeUndefined();
    expect(check.findings).toHaveLength(26);
    expect(check.findings.some((finding) => finding.action?.startsWith('jupyterlab/maintainer-tools'))).toBe(false);
    expect(check.findings.filter((finding) => finding.action === 'actions/checkout')).toHaveLength(15);
    expect(check.waivedFindings).toHaveLength(27);
    for (const finding of check.waivedFindings!) {
      expect(finding.action).toMatch(/^jupyterlab\/maintainer-tools\/\.github\/actions\//);
      expect(finding.waiver).toMatchObject({ reason: 'our own actions', action: 'jupyterlab/maintainer-tools/*', expires: '2026-12-31' });
      expect(finding.file).toMatch(/^\.github\/workflows\/.+\.yml$/);
    }
  });

  it('the table says how many findings the waiver covered and that the check still fails', async () => {
    const { out } = await run(waiversFile({ action: 'jupyterlab/maintainer-tools/*', reason: 'our own actions' }), 'table');
    expect(out).toContain('jupyter/jupyter_client  FAIL\n');
    expect(out).toContain(
      'Waived:\n  jupyter/jupyter_client pinned-actions (fail, 26 finding(s) not waived): 27 finding(s) for action jupyterlab/maintainer-tools/*: our own actions (approved by security council, expires 2026-12-31)\n',
    );
  });

  it('waivers that together cover every finding waive the check (until the first expires)', async () => {
    const file = waiversFile(
      { action: 'jupyterlab/maintainer-tools/*' },
      { action: 'jupyter-server/jupyter_releaser/*' },
      { action: 're-actors/alls-green' },
      { action: 'conda-incubator/*' },
      { action: 'actions/*', expires: '2026-10-31', reason: 'pins land in October' },
    );
    const { code, out } = await run(file);
    const check = pinned(out);
    expect(check.findings).toEqual([]);
    expect(check.waivedFindings).toHaveLength(53);
    expect(check.waiver).toMatchObject({ reason: 'pins land in October', action: 'actions/*', expires: '2026-10-31' });
    expect(code).toBe(0);
    expect((await run(file, 'table')).out).toContain('jupyter/jupyter_client  FAIL(w)\n');
  });

  it('an expired waiver of an action is listed, not applied', async () => {
    const { code, out } = await run(waiversFile({ action: 'jupyterlab/maintainer-tools/*', expires: '2026-08-31', reason: 'lapsed' }));
    const document = JSON.parse(out) as Document;
    expect(code).toBe(1);
    expect(pinned(out).waivedFindings).toBeUndefined();
    expect(pinned(out).findings).toHaveLength(53);
    expect(document.expiredWaivers).toEqual([{ repo: 'jupyter/*', check: 'pinned-actions', action: 'jupyterlab/maintainer-tools/*', expires: '2026-08-31', reason: 'lapsed' }]);
  });
});

describeWithSharedData('chainwatch posture --local --waivers: an action waiver that matches nothing', () => {
  it('is noted with what it named (the action was pinned since, or never used)', async () => {
    const io = captureIo(dir.path);
    io.env = { CHAINWATCH_HTTP_CACHE: join(dir.path, 'http.sqlite'), CHAINWATCH_GRAPH_DB: join(dir.path, 'graph.sqlite') };
    const waivers = waiversFile({ action: 'jupyterlab/maintainer-tools/*' }, { action: 'octo/gone/*' });
    await runPosture(io, { org: [], local: [CLIENT], check: [], waivers, format: 'json', failOn: 'never' }, { clock });
    expect(io.err()).toContain(`chainwatch: ${waivers}:8: the waiver for jupyter/* pinned-actions (action octo/gone/*) matches no result\n`);
    expect(io.err()).not.toContain('maintainer-tools/*) matches no result');
  });
});
