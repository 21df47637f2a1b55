/**
 * Hostile repository files through the whole posture pipeline: each is an
 * error of that file (or a fact the checks cannot tell), never a crash of the
 * run, and quick.
 */
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { evaluateRepo } from './checks/index.js';
import { findDependabotGap } from './fix/dependabot.js';
import { planTokenPermissions } from './fix/token-permissions.js';
import { MAX_NESTING } from './parse-text.js';
import { DEEP, HOSTILE_YAML, indented, repoFacts } from './posture-testing.fixture.js';
import { publishing } from './probes/common/publishing.js';
import { parseWaivers } from './waivers.js';
import { parseWorkflow } from './workflows/parse.js';

describe('deeply nested repository files', () => {
  const deepJson = `{"a": ${'['.repeat(DEEP)}${']'.repeat(DEEP)}}`;
  const clock = fixedClock('2026-09-01T00:00:00Z');

  it.each([
    ['package.json', { 'package.json': deepJson, '.github/workflows/ci.yml': 'on: push\njobs: {}\n' }],
    ['renovate.json', { 'renovate.json': deepJson, 'pyproject.toml': '' }],
    ['dependabot.yml', { '.github/dependabot.yml': HOSTILE_YAML[0]![1], 'pyproject.toml': '' }],
    ['a workflow', { '.github/workflows/ci.yml': HOSTILE_YAML[1]![1] }],
    ['an action', { 'action.yml': HOSTILE_YAML[4]![1] }],
  ])('%s: every check answers, quickly', (_, files) => {
    const facts = repoFacts(files);
    const report = evaluateRepo(facts, { clock });
    expect(report.checks.length).toBeGreaterThan(0);
    expect(findDependabotGap(facts.paths.known ? facts.paths.value : [], facts.files)).toBeDefined();
  });

  it('a workflow parse that once ended the process (closed, then unclosed nesting) is two errors with a line', () => {
    for (const [, text] of HOSTILE_YAML.slice(0, 2)) {
      const parsed = parseWorkflow('.github/workflows/deep.yml', text);
      expect(parsed.ok || parsed.error.describe()).toBe(`.github/workflows/deep.yml:1: invalid YAML: nested deeper than ${MAX_NESTING} levels`);
    }
  });

  it('a waivers file nested too deeply is a parse error naming the line', () => {
    const parsed = parseWaivers(indented(3000), 'waivers.yaml');
    expect(parsed.ok || parsed.error.describe()).toBe(`waivers.yaml:${MAX_NESTING + 1}: invalid YAML: nested deeper than ${MAX_NESTING} levels`);
  });
});

describe('repository files with more entries than a call takes arguments', () => {
  const many = 150_000;

  it('a workflow whose env names a registry secret 150,000 times: every use is listed', () => {
    const workflow = `on: push\nenv:\n  MANY: "${'${{ secrets.PYPI_TOKEN }} '.repeat(many)}"\njobs: {}\n`;
    const found = publishing(repoFacts({ '.github/workflows/ci.yml': workflow }));
    expect(found.tokens).toHaveLength(many);
  });

  it('top-level write scopes moved to a job whatever their number', () => {
    const scopes = Array.from({ length: many }, (_, index) => `  scope${index}: write`).join('\n');
    const workflow = `on: push\npermissions:\n${scopes}\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps: []\n`;
    const plan = planTokenPermissions('example/repo', [{ path: '.github/workflows/ci.yml', text: workflow }]);
    const after = plan.changes[0]!.after;
    expect(after.split('\n').filter((line) => /^ {6}scope\d+: write$/.test(line))).toHaveLength(many);
    expect(after).toMatch(/^permissions: \{\}$/m);
  });
});
