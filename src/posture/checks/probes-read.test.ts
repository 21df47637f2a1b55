/**
 * Each check's evaluation reads exactly the probes its definition lists: never
 * another one (the types already forbid it; this catches a cast), and every
 * listed probe on some input (a listed probe nobody reads is a stale
 * declaration). Evaluations run over a recording proxy of the probes' answers,
 * on synthetic facts that reach every branch and on the shared repositories.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../core/clock.js';
import { collectLocalRepo, findLocalRepos } from '../collect/local.js';
import { lines, orgFacts, repoFacts, SHARED_PROJECTS } from '../posture-testing.fixture.js';
import { DEFAULT_POSTURE_SETTINGS, ORG_PROBES, REPO_PROBES, type ProbeContext } from '../probes/index.js';
import { known } from '../../core/known.js';
import type { CheckResult, OrgFacts, RepoFacts } from '../types.js';
import { evaluateOrg, evaluateRepo, ORG_CHECKS, REPO_CHECKS } from './index.js';
import { describeWithSharedData } from '../../../test/shared-data.js';

const clock = fixedClock('2026-09-01T00:00:00Z');
const context: ProbeContext = { now: clock.now(), settings: DEFAULT_POSTURE_SETTINGS };

interface Evaluated {
  /** Probes the evaluation read, in the order it first read them. */
  read: string[];
  result: CheckResult;
}

interface AnyDefinition {
  probes: readonly string[];
  evaluate(answers: never, context: ProbeContext): CheckResult;
}

/** Runs one evaluation over a proxy that answers any probe (listed or not) and records what was read. */
function evaluateRecording(definition: AnyDefinition, run: (probe: string) => unknown): Evaluated {
  const read: string[] = [];
  const answers = new Proxy(
    {},
    {
      get(_target, key) {
        if (typeof key !== 'string') return undefined;
        if (!read.includes(key)) read.push(key);
        return run(key);
      },
    },
  );
  return { read, result: definition.evaluate(answers as never, context) };
}

function onRepo(facts: RepoFacts) {
  return (probe: string) => REPO_PROBES[probe as keyof typeof REPO_PROBES].run(facts, context);
}

function onOrg(facts: OrgFacts) {
  return (probe: string) => ORG_PROBES[probe as keyof typeof ORG_PROBES].run(facts, context);
}

const WORKFLOW = '.github/workflows/ci.yml';
const protectedBranch = known({
  branch: 'main',
  classic: { requiredReviews: 1, dismissStaleReviews: false, requireCodeOwnerReviews: false, requiredStatusChecks: true, enforceAdmins: false, allowForcePushes: false, allowDeletions: false },
  rulesets: [],
});

/** Together these reach every branch that reads a probe: an empty repository, and one with everything (covered updates, protection, long idle). */
const SYNTHETIC_REPOS: readonly RepoFacts[] = [
  repoFacts(),
  repoFacts(
    {
      [WORKFLOW]: lines('on: release', 'permissions: {}', 'jobs:', '  a:', '    permissions:', '      id-token: write', '    steps:', '      - uses: pypa/gh-action-pypi-publish@release/v1'),
      '.github/dependabot.yml': lines('version: 2', 'updates:', '  - package-ecosystem: github-actions', '    directory: /', '  - package-ecosystem: pip', '    directory: /'),
      'pyproject.toml': '',
      'SECURITY.md': 'Report to security@example.org',
    },
    {
      branchProtection: protectedBranch,
      commits: known([{ sha: 'a', date: '2024-01-01T00:00:00Z', author: 'x' }]),
      releases: known([{ tag: 'v1', date: '2024-01-01T00:00:00Z' }]),
      openAdvisories: known(0),
    },
  ),
];

const SYNTHETIC_ORGS: readonly OrgFacts[] = [
  orgFacts(),
  orgFacts({ members: known([{ login: 'a', role: 'admin', lastActivity: known('2026-08-01') }, { login: 'b', role: 'member', lastActivity: known('2024-01-01') }]) }),
];

/** Every listed probe is read on some input, and nothing else is ever read. */
function expectReadsExactly(definition: AnyDefinition & { id: string }, runs: readonly Evaluated[]): void {
  const listed = [...definition.probes].sort();
  for (const run of runs) expect({ check: definition.id, unlisted: run.read.filter((probe) => !listed.includes(probe)) }).toEqual({ check: definition.id, unlisted: [] });
  const read = [...new Set(runs.flatMap((run) => run.read))].sort();
  expect({ check: definition.id, read }).toEqual({ check: definition.id, read: listed });
}

describe('each check reads exactly the probes it lists (synthetic facts)', () => {
  it.each(Object.values(REPO_CHECKS))('$id', (definition) => {
    const runs = SYNTHETIC_REPOS.map((facts) => evaluateRecording(definition, onRepo(facts)));
    expectReadsExactly(definition, runs);
    // The recorded runs decide what the real evaluation decides.
    expect(runs.map((run) => run.result)).toEqual(SYNTHETIC_REPOS.map((facts) => evaluateRepo(facts, { clock }).checks.find((check) => check.id === definition.id)));
  });

  it.each(Object.values(ORG_CHECKS))('$id', (definition) => {
    const runs = SYNTHETIC_ORGS.map((facts) => evaluateRecording(definition, onOrg(facts)));
    expectReadsExactly(definition, runs);
    expect(runs.map((run) => run.result)).toEqual(SYNTHETIC_ORGS.map((facts) => evaluateOrg(facts, { clock }).checks.find((check) => check.id === definition.id)));
  });

  it('notices a listed probe the evaluation never reads, and an unlisted one it does', () => {
    const runs = SYNTHETIC_REPOS.map((facts) => evaluateRecording(REPO_CHECKS['pinned-actions'], onRepo(facts)));
    expect(() => expectReadsExactly({ ...REPO_CHECKS['pinned-actions'], probes: [...REPO_CHECKS['pinned-actions'].probes, 'isArchived'] }, runs)).toThrow();
    expect(() => expectReadsExactly({ ...REPO_CHECKS['pinned-actions'], probes: REPO_CHECKS['pinned-actions'].probes.slice(1) }, runs)).toThrow();
  });
});

describeWithSharedData('each check reads only the probes it lists (the shared repositories in ../shared/data/projects)', () => {
  const facts: RepoFacts[] = [];

  beforeAll(async () => {
    for (const dir of await findLocalRepos(SHARED_PROJECTS)) facts.push(await collectLocalRepo(dir));
  });

  it.each(Object.values(REPO_CHECKS))('$id', (definition) => {
    expect(facts.length).toBe(12);
    for (const repo of facts) {
      const { read } = evaluateRecording(definition, onRepo(repo));
      expect({ repo: repo.repo, unlisted: read.filter((probe) => !(definition.probes as readonly string[]).includes(probe)) }).toEqual({ repo: repo.repo, unlisted: [] });
    }
  });
});
