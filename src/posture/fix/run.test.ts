/** The fix pipeline as a library: an in-memory GitHub for writes, a fake collector, an injected issue text. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { silentSink } from '../../core/events.js';
import { orgFacts, repoFacts } from '../posture-testing.fixture.js';
import { known, type CheckResult } from '../types.js';
import { memoryGithub } from './memory-github.fixture.js';
import { unavailableResolver } from './pin-actions.js';
import { runFix, type FixDependencies, type FixRequest, type RepositoryFix } from './run.js';

const clock = fixedClock('2026-03-01T00:00:00Z');
const UNPROTECTED = 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make test\n';
const PROTECTED = `permissions:\n  contents: read\n${UNPROTECTED}`;
const FILES: Record<string, Record<string, string>> = {
  'acme/b-needs-it': { '.github/workflows/ci.yml': UNPROTECTED },
  'acme/a-fine': { '.github/workflows/ci.yml': PROTECTED },
  'acme/c-needs-it': { '.github/workflows/ci.yml': UNPROTECTED },
};

let dir = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'chainwatch-fix-run-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function dependencies(writes: FixDependencies['writes']): FixDependencies & { texts: string[] } {
  const texts: string[] = [];
  return {
    texts,
    clock,
    events: silentSink,
    async connectGithub() {
      return {
        collector: {
          async collectOrg() {
            return { org: orgFacts({ org: 'acme' }), repos: Object.entries(FILES).map(([repo, files]) => repoFacts(files, { repo, source: 'api', orgSecurityPolicy: known(null) })) };
          },
          async collectRepo() {
            throw new Error('not in this test');
          },
        },
        async close() {},
      };
    },
    describeError: (error) => String(error),
    resolver: unavailableResolver('no tags in this test'),
    writes,
    issueText(repo: string, result: CheckResult, patch?: string) {
      texts.push(`${repo} ${result.outcome}${result.waiver ? ' waived' : ''}${patch ? ' with patch' : ''}`);
      return { title: `${result.id} in ${repo}`, body: result.summary };
    },
  };
}

function request(overrides: Partial<FixRequest>): FixRequest {
  return { check: 'token-permissions', orgs: ['acme'], repos: [], local: [], apply: false, issue: false, ...overrides };
}

async function all(fixes: AsyncIterable<RepositoryFix>): Promise<RepositoryFix[]> {
  const result: RepositoryFix[] = [];
  for await (const fix of fixes) result.push(fix);
  return result;
}

describe('runFix', () => {
  it('plans each repository, sorted by name: a diff where the check fails, none where it passes', async () => {
    const outcome = await runFix(request({}), dependencies(null));
    expect(outcome.kind).toBe('ready');
    if (outcome.kind !== 'ready') return;
    expect(outcome.repos).toEqual(['acme/a-fine', 'acme/b-needs-it', 'acme/c-needs-it']);
    const fixes = await all(outcome.fixes);
    expect(fixes.map((fix) => [fix.repo, fix.diff.startsWith('diff --git a/.github/workflows/ci.yml'), fix.pullRequest, fix.issue])).toEqual([
      ['acme/a-fine', false, undefined, undefined],
      ['acme/b-needs-it', true, undefined, undefined],
      ['acme/c-needs-it', true, undefined, undefined],
    ]);
  });

  it('--apply and --issue: a pull request and an issue per repository that needs one, the issue text from the front end', async () => {
    const github = memoryGithub(Object.fromEntries(Object.entries(FILES).map(([repo, files]) => [repo, { files }])));
    const deps = dependencies(github);
    const outcome = await runFix(request({ apply: true, issue: true }), deps);
    const fixes = outcome.kind === 'ready' ? await all(outcome.fixes) : [];
    expect(fixes.map((fix) => [fix.repo, fix.pullRequest?.kind, fix.issue?.outcome.kind])).toEqual([
      ['acme/a-fine', 'nothing-to-change', 'unchanged'],
      ['acme/b-needs-it', 'created', 'opened'],
      ['acme/c-needs-it', 'created', 'opened'],
    ]);
    expect(deps.texts).toEqual(['acme/a-fine pass', 'acme/b-needs-it fail with patch', 'acme/c-needs-it fail with patch']);
    expect(github.issues('acme/b-needs-it').map((issue) => issue.title)).toEqual(['token-permissions in acme/b-needs-it']);
  });

  it('a repository GitHub refuses is reported with what was done before, and the next one is still handled', async () => {
    const github = memoryGithub({ 'acme/a-fine': { files: FILES['acme/a-fine']! }, 'acme/c-needs-it': { files: FILES['acme/c-needs-it']! } });
    const outcome = await runFix(request({ apply: true }), dependencies(github));
    const fixes = outcome.kind === 'ready' ? await all(outcome.fixes) : [];
    expect(fixes.map((fix) => [fix.repo, fix.pullRequest?.kind, fix.error === undefined ? null : String(fix.error)])).toEqual([
      ['acme/a-fine', 'nothing-to-change', null],
      ['acme/b-needs-it', undefined, 'Error: 404 acme/b-needs-it'],
      ['acme/c-needs-it', 'created', null],
    ]);
  });

  it('waivers are read once; a waived failure closes rather than opens; a bad waiver file stops the run where it is first needed', async () => {
    const github = memoryGithub(Object.fromEntries(Object.entries(FILES).map(([repo, files]) => [repo, { files }])));
    const waivers = join(dir, 'waivers.yaml');
    writeFileSync(waivers, 'waivers:\n  - {repo: acme/b-needs-it, check: token-permissions, reason: r, approved-by: council, expires: 2026-12-31}\n');
    const deps = dependencies(github);
    const outcome = await runFix(request({ check: 'security-policy', issue: true, waiversPath: waivers }), deps);
    const fixes = outcome.kind === 'ready' ? await all(outcome.fixes) : [];
    // security-policy has no automatic fix: no plan, no diff, an issue each (no SECURITY.md anywhere).
    expect(fixes.map((fix) => [fix.repo, fix.diff, fix.issue?.outcome.kind])).toEqual([
      ['acme/a-fine', '', 'opened'],
      ['acme/b-needs-it', '', 'opened'],
      ['acme/c-needs-it', '', 'opened'],
    ]);

    const waived = await runFix(request({ issue: true, waiversPath: waivers }), dependencies(github));
    const waivedFixes: RepositoryFix[] = [];
    if (waived.kind === 'ready') {
      for await (const fix of waived.fixes) {
        waivedFixes.push(fix);
        // Read once: spoiling the file after the first repository changes nothing.
        writeFileSync(waivers, 'not: [a waiver file\n');
      }
    }
    expect(waivedFixes.map((fix) => [fix.repo, fix.issue?.result.waiver?.reason])).toEqual([
      ['acme/a-fine', undefined],
      ['acme/b-needs-it', 'r'],
      ['acme/c-needs-it', undefined],
    ]);

    const bad = await runFix(request({ issue: true, waiversPath: waivers }), dependencies(github));
    const badFixes = bad.kind === 'ready' ? await all(bad.fixes) : [];
    expect(badFixes.map((fix) => [fix.repo, fix.waiversError?.describe().startsWith(`${waivers}:2: invalid YAML`)])).toEqual([['acme/a-fine', true]]);
  });

  it('nothing collected is its own outcome', async () => {
    const outcome = await runFix(request({ orgs: [], local: [dir] }), dependencies(null));
    expect(outcome).toEqual({ kind: 'nothing-collected', sources: [{ name: 'local', reachable: true }] });
  });
});
