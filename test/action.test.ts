/**
 * action.yml at the repository root (issue 10, "A GitHub Action"): its shape, the rules chainwatch
 * itself applies to workflows (every action pinned by SHA with its tag in a comment, no expression
 * pasted into a script), checked both by reading the file and by chainwatch's own posture checks on
 * this repository; and its main script run by bash with a stand-in `chainwatch` on PATH.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { fixedClock } from '../src/core/clock.js';
import { evaluateRepoCheck } from '../src/posture/checks/index.js';
import { collectLocalRepo } from '../src/posture/collect/local.js';
import type { RepoFacts } from '../src/posture/types.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const TEXT = readFileSync(join(ROOT, 'action.yml'), 'utf8');

interface ActionStep {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  shell?: string;
  env?: Record<string, string>;
  with?: Record<string, string>;
}
interface Action {
  name: string;
  description: string;
  inputs: Record<string, { description: string; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

const action = parse(TEXT) as Action;
const steps = action.runs.steps;
const stepNamed = (name: string): ActionStep => {
  const step = steps.find((candidate) => candidate.name === name);
  if (!step) throw new Error(`no step named ${name}`);
  return step;
};

describe('action.yml', () => {
  it('is a composite action whose inputs and outputs are all documented', () => {
    expect(action.runs.using).toBe('composite');
    expect(Object.keys(action.inputs)).toEqual(
      expect.arrayContaining(['command', 'paths', 'fail-on', 'format', 'upload-sarif', 'sarif-category', 'preset', 'config', 'github-token', 'cache', 'node-version']),
    );
    expect(action.inputs.command?.default).toBe('scan');
    expect(action.inputs['upload-sarif']?.default).toBe('false');
    for (const [name, input] of Object.entries(action.inputs)) expect(input.description.length, name).toBeGreaterThan(20);
    expect(Object.keys(action.outputs).sort()).toEqual(['exit-code', 'report', 'sarif', 'summary']);
    for (const [name, output] of Object.entries(action.outputs)) {
      expect(output.description.length, name).toBeGreaterThan(20);
      expect(output.value, name).toMatch(/^\$\{\{ steps\.run\.outputs\.[\w-]+ \}\}$/);
    }
  });

  it('runs its steps in order: node, install, restore, update, save, history restore, run, history save, SARIF upload, summary, gate', () => {
    const what = steps.map((step) => step.uses?.replace(/@.*/, '') ?? step.name);
    expect(what).toEqual([
      'actions/setup-node',
      'Install chainwatch',
      'Locate the advisory database',
      'actions/cache/restore',
      'Update the advisory database',
      'actions/cache/save',
      'actions/cache/restore',
      'Run chainwatch',
      'actions/cache/save',
      'github/codeql-action/upload-sarif',
      'Write the job summary',
      'Gate on the exit code',
    ]);
    // chainwatch is installed from the action's own checkout.
    expect(stepNamed('Install chainwatch')).toMatchObject({ 'working-directory': '${{ github.action_path }}' });
    expect(stepNamed('Install chainwatch').run).toContain('npm ci');
    // Restore and save use one key: the week, with last week's entry as the fallback.
    const restore = steps[3]!;
    const save = steps[5]!;
    expect(restore.with?.key).toBe(save.with?.key);
    expect(restore.with?.key).toContain('steps.database.outputs.week');
    expect(restore.with?.['restore-keys']).toBe('chainwatch-advisories-${{ runner.os }}-');
    expect(save.if).toContain("steps.restore.outputs.cache-hit != 'true'");
    // The upload happens only when asked for (the caller then grants security-events: write).
    // The audit's runs history is restored before the run (the newest entry) and saved after it under a new key, so the report can compare.
    const [historyRestore, historySave] = [steps[6]!, steps[8]!];
    expect(historyRestore.with?.key).toBe(historySave.with?.key);
    expect(historyRestore.with?.key).toContain('github.run_id');
    expect(historyRestore.with?.['restore-keys']).toBe('chainwatch-history-${{ runner.os }}-');
    expect(historyRestore.if).toContain("inputs.command == 'audit'");
    expect(stepNamed('Run chainwatch').env?.CHAINWATCH_GRAPH_DB).toBe('${{ steps.database.outputs.directory }}/history/graph.sqlite');
    expect(steps[9]!.if).toContain("inputs.upload-sarif == 'true'");
    expect(steps[9]!.with?.sarif_file).toBe('${{ steps.run.outputs.sarif }}');
    expect(stepNamed('Write the job summary').run).toContain('$GITHUB_STEP_SUMMARY');
  });

  it('pins every action to a full commit SHA with its release tag in a comment', () => {
    const uses = [...TEXT.matchAll(/^\s*uses:\s*(.+)$/gm)].map((match) => match[1]!);
    expect(uses).toHaveLength(steps.filter((step) => step.uses).length);
    expect(uses.length).toBe(6);
    for (const line of uses) expect(line).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40} # v\d+(?:\.\d+)*$/);
    for (const step of steps.filter((candidate) => candidate.uses)) expect(step.uses).toMatch(/@[0-9a-f]{40}$/);
  });

  it('never pastes an expression into a script: inputs and outputs reach run: through env', () => {
    const scripts = steps.filter((step) => step.run !== undefined);
    expect(scripts.length).toBeGreaterThanOrEqual(5);
    for (const step of scripts) {
      expect(step.run, step.name).not.toContain('${{');
      expect(step.shell, step.name).toBe('bash');
    }
    const env = stepNamed('Run chainwatch').env ?? {};
    for (const input of ['command', 'paths', 'fail-on', 'format', 'upload-sarif', 'preset', 'config', 'github-token']) {
      expect(Object.values(env), input).toContain(`\${{ inputs.${input} }}`);
    }
  });
});

describe("chainwatch's own posture checks on this repository", () => {
  let facts: RepoFacts;
  const clock = fixedClock('2026-12-01T00:00:00Z');
  beforeAll(async () => {
    facts = await collectLocalRepo(ROOT, { repoName: 'chainwatch/chainwatch' });
  });
  const withAction = (text: string): RepoFacts => ({ ...facts, files: facts.files.map((file) => (file.path === 'action.yml' ? { ...file, text } : file)) });

  it('reads action.yml and passes pinned-actions and dangerous-workflow', () => {
    expect(facts.files.map((file) => file.path)).toContain('action.yml');
    const pinned = evaluateRepoCheck('pinned-actions', facts, { clock });
    expect(pinned.outcome, pinned.summary).toBe('pass');
    expect(pinned.summary).toBe('All 6 action references are pinned to full commit SHAs.');
    const dangerous = evaluateRepoCheck('dangerous-workflow', facts, { clock });
    expect(dangerous.outcome, dangerous.summary).toBe('pass');
  });

  it('would fail both with a tag instead of a SHA and an issue title pasted into the script', () => {
    const unpinned = TEXT.replace(/actions\/setup-node@[0-9a-f]{40} # v[\d.]+/, 'actions/setup-node@v7');
    expect(unpinned).not.toBe(TEXT);
    expect(evaluateRepoCheck('pinned-actions', withAction(unpinned), { clock }).outcome).toBe('partial');
    const thirdParty = TEXT.replace(/actions\/setup-node@[0-9a-f]{40} # v[\d.]+/, 'someone/setup@v1');
    expect(evaluateRepoCheck('pinned-actions', withAction(thirdParty), { clock }).outcome).toBe('fail');
    const injected = TEXT.replace('npm ci --no-audit --no-fund', 'echo "${{ github.event.pull_request.title }}"; npm ci --no-audit --no-fund');
    expect(injected).not.toBe(TEXT);
    expect(evaluateRepoCheck('dangerous-workflow', withAction(injected), { clock }).outcome).toBe('fail');
  });
});

describe('the example workflows of docs/github-action.md', () => {
  const clock = fixedClock('2026-12-01T00:00:00Z');
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chainwatch-action-docs-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('pass chainwatch\'s token-permissions, pinned-actions and dangerous-workflow checks once the placeholder pin is filled in', async () => {
    const docs = readFileSync(join(ROOT, 'docs/github-action.md'), 'utf8');
    const blocks = [...docs.matchAll(/```yaml\n# (\.github\/workflows\/[\w.-]+)\n([\s\S]*?)```/g)];
    expect(blocks.map((block) => block[1])).toEqual(['.github/workflows/chainwatch.yml', '.github/workflows/chainwatch-audit.yml']);
    mkdirSync(join(dir, '.github/workflows'), { recursive: true });
    for (const [, path, text] of blocks) {
      expect(text).toContain('OWNER/chainwatch@<commit-sha> # vX.Y.Z');
      writeFileSync(join(dir, path!), text!.replaceAll('OWNER/chainwatch@<commit-sha> # vX.Y.Z', `acme/chainwatch@${'a'.repeat(40)} # v1.0.0`));
    }
    const facts = await collectLocalRepo(dir, { repoName: 'acme/site' });
    for (const id of ['token-permissions', 'pinned-actions', 'dangerous-workflow'] as const) {
      const result = evaluateRepoCheck(id, facts, { clock });
      expect(result.outcome, `${id}: ${result.summary} ${JSON.stringify(result.findings)}`).toBe('pass');
    }
    // The same reading fails a workflow that grants write at the top.
    const writeAll = join(dir, '.github/workflows/chainwatch.yml');
    writeFileSync(writeAll, readFileSync(writeAll, 'utf8').replace('permissions: {}', 'permissions: write-all'));
    expect(evaluateRepoCheck('token-permissions', await collectLocalRepo(dir, { repoName: 'acme/site' }), { clock }).outcome).toBe('fail');
  });
});

describe('the Run chainwatch script, by bash with a stand-in chainwatch', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'chainwatch-action-'));
    mkdirSync(join(dir, 'bin'));
    // Records its arguments, writes "<format> report" to --output, exits with $FAKE_EXIT for the first call.
    const fake = [
      '#!/usr/bin/env bash',
      'printf "%s\\n" "$*" >> "$CALLS"',
      'format=""; output=""',
      'while [ $# -gt 0 ]; do case "$1" in --format) format="$2"; shift;; --output) output="$2"; shift;; esac; shift; done',
      'if [ -n "$output" ]; then echo "$format report" > "$output"; fi',
      'if [ ! -e "$CALLS.first" ]; then touch "$CALLS.first"; exit "${FAKE_EXIT:-0}"; fi',
    ].join('\n');
    writeFileSync(join(dir, 'bin/chainwatch'), `${fake}\n`);
    chmodSync(join(dir, 'bin/chainwatch'), 0o755);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function runStep(inputs: Record<string, string>, fakeExit = 0) {
    const env: Record<string, string> = {
      PATH: `${join(dir, 'bin')}:${process.env.PATH ?? ''}`,
      RUNNER_TEMP: dir,
      GITHUB_OUTPUT: join(dir, 'output'),
      CALLS: join(dir, 'calls'),
      FAKE_EXIT: String(fakeExit),
      INPUT_COMMAND: 'scan',
      INPUT_PATHS: '.',
      INPUT_FAIL_ON: '',
      INPUT_FORMAT: '',
      INPUT_UPLOAD_SARIF: 'false',
      INPUT_PRESET: '',
      INPUT_CONFIG: '',
      INPUT_GITHUB_TOKEN: '',
      ...inputs,
    };
    const result = spawnSync('bash', ['-e', '-c', stepNamed('Run chainwatch').run!], { env, encoding: 'utf8' });
    const read = (name: string) => {
      try {
        return readFileSync(join(dir, name), 'utf8');
      } catch {
        return '';
      }
    };
    const outputs = Object.fromEntries(
      read('output')
        .split('\n')
        .filter(Boolean)
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    return { status: result.status, stdout: result.stdout, calls: read('calls').split('\n').filter(Boolean), outputs };
  }

  it('scan: the gated run first, then the Markdown for the summary, paths split on spaces and lines and never globbed', () => {
    const out = join(dir, 'chainwatch');
    const run = runStep({ INPUT_PATHS: 'a b\n*.lock\n', INPUT_FAIL_ON: 'high', INPUT_UPLOAD_SARIF: 'true' }, 1);
    expect(run.status).toBe(0);
    expect(run.calls).toEqual([`scan --format sarif --output ${out}/report.sarif --fail-on high -- a b *.lock`, `scan --offline --format markdown --output ${out}/report.md -- a b *.lock`]);
    expect(run.outputs).toEqual({ 'exit-code': '1', report: `${out}/report.sarif`, sarif: `${out}/report.sarif`, summary: `${out}/report.md` });
  });

  it('scan to JSON with upload: a SARIF rendering beside it; without upload no SARIF output', () => {
    const out = join(dir, 'chainwatch');
    const run = runStep({ INPUT_FORMAT: 'json', INPUT_UPLOAD_SARIF: 'true' });
    expect(run.calls).toEqual([`scan --format json --output ${out}/report.json -- .`, `scan --offline --format markdown --output ${out}/report.md -- .`, `scan --offline --format sarif --output ${out}/report.sarif -- .`]);
    expect(run.outputs).toMatchObject({ 'exit-code': '0', report: `${out}/report.json`, sarif: `${out}/report.sarif` });
    rmSync(join(dir, 'output'));
    expect(runStep({ INPUT_FORMAT: 'markdown' }).outputs).toEqual({ 'exit-code': '0', report: `${out}/report.md`, sarif: '', summary: `${out}/report.md` });
  });

  it('the summary step appends the Markdown, cut at GitHub\'s 1 MiB limit, or says there is none', () => {
    const summary = join(dir, 'summary.md');
    const report = join(dir, 'report.md');
    writeFileSync(report, `# chainwatch scan report\n${'x'.repeat(2_000_000)}`);
    const script = stepNamed('Write the job summary').run!;
    const run = (file: string) => spawnSync('bash', ['-e', '-c', script], { env: { PATH: process.env.PATH ?? '', SUMMARY_FILE: file, GITHUB_STEP_SUMMARY: summary }, encoding: 'utf8' });
    expect(run(report).status).toBe(0);
    const written = readFileSync(summary, 'utf8');
    expect(written.startsWith('# chainwatch scan report\n')).toBe(true);
    expect(written.length).toBe(1_000_000);
    rmSync(summary);
    expect(run(join(dir, 'missing.md')).status).toBe(0);
    expect(readFileSync(summary, 'utf8')).toContain('chainwatch wrote no Markdown report');
  });

  it('audit: one run to Markdown, the HTML rendered from the saved run; an unknown command stops with 2', () => {
    const out = join(dir, 'chainwatch');
    const run = runStep({ INPUT_COMMAND: 'audit', INPUT_PRESET: 'jupyter', INPUT_FORMAT: 'html' });
    expect(run.calls).toEqual([`audit --preset jupyter --format markdown --output ${out}/report.md`, `report --format html --output ${out}/report.html`]);
    expect(run.outputs).toEqual({ 'exit-code': '0', report: `${out}/report.html`, sarif: '', summary: `${out}/report.md` });
    const bad = runStep({ INPUT_COMMAND: 'scan; rm -rf /' });
    expect(bad.status).toBe(2);
    expect(bad.stdout).toContain("::error title=chainwatch::command must be scan or audit, not 'scan; rm -rf /'");
  });
});
