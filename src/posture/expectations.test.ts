/**
 * The 12 shared repositories (../shared/data/projects/<org>/<repo>/), collected
 * with the local collector and evaluated on 2026-09-01 (the fixtures' newest
 * commit is 2026-08-20). Every expectation below was written by reading the
 * fixture files, and each comment cites the file and line that decides it.
 *
 * Three checks need the GitHub API and nothing in a checkout can answer them:
 * private-vulnerability-reporting, branch-protection and best-practices-badge
 * are not-available for every repository (collect/local.ts marks those facts
 * `unknown('needs the GitHub API')`). security-policy is not-available where
 * the repository has no SECURITY.md, because the org's `.github` repository is
 * not among the fixtures.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../core/clock.js';
import { evaluateRepo } from './checks/index.js';
import { collectLocalRepo } from './collect/local.js';
import { SHARED_PROJECTS } from './posture-testing.fixture.js';
import type { CheckId, CheckOutcome, RepoPosture } from './types.js';
import { describeWithSharedData } from '../../test/shared-data.js';

const clock = fixedClock('2026-09-01T00:00:00Z');

interface Expectation {
  outcome: CheckOutcome;
  /** The exact summary sentence, when it carries facts worth pinning down. */
  summary?: string;
  /** [file, line] pairs that must be among the findings. */
  findings?: [string, number][];
}

type RepoExpectations = Record<CheckId, Expectation>;

const NO_SECURITY_MD = 'No SECURITY.md in the repository; whether the org\'s .github repository provides one is unknown (needs the GitHub API, or a checkout of the org\'s .github repository beside this one).';

const EXPECTATIONS: Record<string, RepoExpectations> = {
  'conda-forge/jupyterlab-feedstock': {
    // recipe/meta.yaml is the only file: a conda recipe, which neither Dependabot nor Renovate updates.
    'dependency-update-tool': { outcome: 'not-applicable' },
    // No SECURITY.md (the fixture holds recipe/meta.yaml only); conda-forge/.github is not a fixture.
    'security-policy': { outcome: 'not-available', summary: NO_SECURITY_MD },
    'private-vulnerability-reporting': { outcome: 'not-available' }, // API only
    // No .github/workflows at all.
    'pinned-actions': { outcome: 'not-applicable' },
    'token-permissions': { outcome: 'not-applicable' }, // no workflows
    'dangerous-workflow': { outcome: 'not-applicable' }, // no workflows
    'trusted-publishing': { outcome: 'not-applicable' }, // no workflows publish anything
    'branch-protection': { outcome: 'not-available' }, // API only
    // No .git and no .git-facts.json in the fixture: no history to judge.
    maintained: { outcome: 'not-available', summary: 'Commit and release history is unknown: the checkout has neither .git nor .git-facts.json.' },
    'best-practices-badge': { outcome: 'not-available' }, // API only
  },

  'ipython/ipykernel': {
    // .github/dependabot.yml:3 github-actions and :11 pip; the repo uses workflows and pyproject.toml, nothing else.
    'dependency-update-tool': { outcome: 'pass', summary: 'Dependabot covers every ecosystem the repository uses: github-actions and pip.' },
    // No SECURITY.md in the repository.
    'security-policy': { outcome: 'not-available', summary: NO_SECURITY_MD },
    'private-vulnerability-reporting': { outcome: 'not-available' }, // API only
    // ci.yml:50 actions/checkout@v7 (GitHub-owned) and ci.yml:90 jupyterlab/maintainer-tools/...@v1 (third-party);
    // only nightly.yml:30 scientific-python/upload-nightly-action is pinned.
    'pinned-actions': {
      outcome: 'fail',
      summary: '33 of 34 third-party action references are not pinned to a commit SHA and 20 of 20 GitHub-owned ones are not pinned either.',
      findings: [
        ['.github/workflows/ci.yml', 50],
        ['.github/workflows/ci.yml', 90],
      ],
    },
    // None of the 7 workflows has a top-level `permissions:` (ci.yml:18 `jobs:` follows `on:` directly).
    'token-permissions': { outcome: 'fail', summary: '7 of 7 workflows declare no top-level permissions.', findings: [['.github/workflows/ci.yml', 18]] },
    // No pull_request_target/workflow_run trigger; run: scripts expand only matrix and step outputs (e.g. ci.yml:58).
    'dangerous-workflow': { outcome: 'pass' },
    // publish-release.yml:19-20 `id-token: write` on the job that runs finalize-release (:41); no PyPI/npm token.
    // (nightly.yml:30 uploads to Anaconda's package site with a token: not a PyPI/npm registry.)
    'trusted-publishing': { outcome: 'pass', summary: 'Publishes to PyPI with trusted publishing (id-token: write, no stored token).' },
    'branch-protection': { outcome: 'not-available' }, // API only
    // .git-facts.json: HEAD 2026-08-20, 12 days before the evaluation date.
    maintained: { outcome: 'pass', summary: 'Active: 41 commit(s) in the last 90 days (last 2026-08-20).' },
    'best-practices-badge': { outcome: 'not-available' }, // API only
  },

  'jupyter/docker-stacks': {
    // dependabot.yml:11 github-actions, :30 and :36 docker, :51 pip; used: workflows, images/*/Dockerfile, requirements-dev.txt.
    'dependency-update-tool': { outcome: 'pass', summary: 'Dependabot covers every ecosystem the repository uses: github-actions, pip and docker.' },
    // SECURITY.md:7 "Reporting a Vulnerability", :9 links the handling process.
    'security-policy': { outcome: 'pass', summary: 'SECURITY.md says how to report a vulnerability.' },
    'private-vulnerability-reporting': { outcome: 'not-available' }, // API only
    // Every `uses:` in workflows and in .github/actions/*/action.yml is a 40-character SHA (e.g. codeql.yml:33).
    'pinned-actions': { outcome: 'pass', summary: 'All 37 action references are pinned to full commit SHAs.' },
    // Every workflow starts `permissions: {}` (e.g. codeql.yml); job writes are used: codeql.yml:24 security-events by
    // github/codeql-action, docker-tag-merge.yml:35 id-token by `cosign sign`, docker-wiki-update.yml:17 contents by
    // git-auto-commit-action; docker.yml's write jobs call reusable workflows.
    'token-permissions': { outcome: 'pass' },
    // No pull_request_target/workflow_run trigger; `github.event.pull_request.title` appears only in job `if:` (docker.yml:134).
    'dangerous-workflow': { outcome: 'pass' },
    // Pushes container images with REGISTRY_TOKEN (docker-tag-merge.yml:61), but publishes nothing to PyPI or npm.
    'trusted-publishing': { outcome: 'not-applicable' },
    'branch-protection': { outcome: 'not-available' }, // API only
    // .git-facts.json: HEAD 2026-08-08 (no tags: activity is from commits).
    maintained: { outcome: 'pass' },
    'best-practices-badge': { outcome: 'not-available' }, // API only
  },

  'jupyter/jupyter_client': {
    // dependabot.yml:3 github-actions, :11 pip; used: workflows and pyproject.toml.
    'dependency-update-tool': { outcome: 'pass', summary: 'Dependabot covers every ecosystem the repository uses: github-actions and pip.' },
    // SECURITY.md:5 names security@ipython.org.
    'security-policy': { outcome: 'pass' },
    'private-vulnerability-reporting': { outcome: 'not-available' }, // API only
    // main.yml:25 actions/checkout@v4, main.yml:26 jupyterlab/maintainer-tools/...@v1: nothing is pinned.
    'pinned-actions': {
      outcome: 'fail',
      summary: '35 of 35 third-party action references are not pinned to a commit SHA and 18 of 18 GitHub-owned ones are not pinned either.',
      findings: [
        ['.github/workflows/main.yml', 25],
        ['.github/workflows/main.yml', 26],
      ],
    },
    // None of the 6 workflows declares top-level permissions.
    'token-permissions': { outcome: 'fail', summary: '6 of 6 workflows declare no top-level permissions.' },
    'dangerous-workflow': { outcome: 'pass' }, // no privileged trigger, no untrusted expansion
    // publish-release.yml:19-20 id-token: write, finalize-release at :41, no token secret.
    'trusted-publishing': { outcome: 'pass' },
    'branch-protection': { outcome: 'not-available' }, // API only
    // .git-facts.json: HEAD 2026-06-12, 81 days before the evaluation date (within 90).
    maintained: { outcome: 'pass', summary: 'Active: 6 commit(s) in the last 90 days (last 2026-06-12).' },
    'best-practices-badge': { outcome: 'not-available' }, // API only
  },

  'jupyter/nbconvert': {
    // dependabot.yml:4 github-actions only; pyproject.toml means pip is used and not updated.
    'dependency-update-tool': { outcome: 'partial', summary: 'Dependabot covers github-actions but not pip.', findings: [['.github/dependabot.yml', 0]] },
    // SECURITY.md:5 names security@jupyter.org.
    'security-policy': { outcome: 'pass' },
    'private-vulnerability-reporting': { outcome: 'not-available' }, // API only
    // tests.yml:34 actions/checkout@v6, tests.yml:35 jupyterlab/maintainer-tools/...@v1.
    'pinned-actions': {
      outcome: 'fail',
      findings: [
        ['.github/workflows/tests.yml', 34],
        ['.github/workflows/tests.yml', 35],
      ],
    },
    'token-permissions': { outcome: 'fail', summary: '5 of 5 workflows declare no top-level permissions.' }, // no workflow has `permissions:` at the top
    'dangerous-workflow': { outcome: 'pass' }, // no privileged trigger, no untrusted expansion
    // publish-release.yml:43 `NPM_TOKEN: ${{ secrets.NPM_TOKEN }}` handed to finalize-release (:44): a long-lived token.
    'trusted-publishing': {
      outcome: 'fail',
      summary: 'Publishes to PyPI and npm with a long-lived registry token (NPM_TOKEN) (PyPI already uses trusted publishing).',
      findings: [['.github/workflows/publish-release.yml', 43]],
    },
    'branch-protection': { outcome: 'not-available' }, // API only
    // .git-facts.json: HEAD and tag v7.17.1 on 2026-04-08: 145 days idle, more than 90, less than 365.
    maintained: { outcome: 'partial', summary: 'No commit in the last 90 days; last activity 145 days ago.' },
    'best-practices-badge': { outcome: 'not-available' }, // API only
  },

  'jupyter/nbformat': {
    // dependabot.yml:3 github-actions, :15 pip; package.json (nbformat-schema) declares no dependencies and has no lockfile.
    'dependency-update-tool': { outcome: 'pass', summary: 'Dependabot covers every ecosystem the repository uses: github-actions and pip.' },
    // SECURITY.md:5 names security@ipython.org.
    'security-policy': { outcome: 'pass' },
    'private-vulnerability-reporting': { outcome: 'not-available' }, // API only
    // tests.yml:37 actions/checkout@v7, tests.yml:40 jupyterlab/maintainer-tools/...@v1.
    'pinned-actions': {
      outcome: 'fail',
      findings: [
        ['.github/workflows/tests.yml', 37],
        ['.github/workflows/tests.yml', 40],
      ],
    },
    // Top level: prep-release.yml:27, publish-changelog.yml:12, publish-release.yml:15, zizmor.yml:12 `{}`, tests.yml:11-12
    // contents: read. Job writes are used: prep-release contents by jupyter_releaser, publish-release id-token by
    // finalize-release, zizmor security-events by codeql-action/upload-sarif.
    'token-permissions': { outcome: 'pass' },
    'dangerous-workflow': { outcome: 'pass' }, // no privileged trigger, no untrusted expansion
    // publish-release.yml:21-22 id-token: write for finalize-release (:43); package.json is publishable (not private)
    // and no npm or PyPI token is passed: both go through trusted publishing.
    'trusted-publishing': { outcome: 'pass', summary: 'Publishes to PyPI and npm with trusted publishing (id-token: write, no stored token).' },
    'branch-protection': { outcome: 'not-available' }, // API only
    maintained: { outcome: 'pass' }, // .git-facts.json: HEAD 2026-08-17
    'best-practices-badge': { outcome: 'not-available' }, // API only
  },

  'jupyter/notebook': {
    // dependabot.yml:3 github-actions, :11 pip; package.json + yarn.lock use npm, which nothing updates.
    'dependency-update-tool': { outcome: 'partial', summary: 'Dependabot covers github-actions and pip but not npm.' },
    'security-policy': { outcome: 'not-available', summary: NO_SECURITY_MD }, // no SECURITY.md in the repository
    'private-vulnerability-reporting': { outcome: 'not-available' }, // API only
    // Every `uses:` is a SHA, including .github/actions/build-dist/action.yml:7 and :26.
    'pinned-actions': { outcome: 'pass', summary: 'All 68 action references are pinned to full commit SHAs.' },
    // prep-release.yml, publish-changelog.yml and publish-release.yml have no top-level permissions;
    // upgrade-jupyterlab-dependencies.yml:28-30 grants actions/contents/pull-requests write at the top.
    'token-permissions': {
      outcome: 'fail',
      summary: '3 of 14 workflows declare no top-level permissions and 1 grant write scopes at the top level.',
      findings: [
        ['.github/workflows/upgrade-jupyterlab-dependencies.yml', 28],
        ['.github/workflows/upgrade-jupyterlab-dependencies.yml', 30],
      ],
    },
    // auto_author_assign.yml and binder.yml run on pull_request_target but never check out the head.
    'dangerous-workflow': { outcome: 'pass', summary: '2 workflow(s) use pull_request_target/workflow_run without touching untrusted code; no script expands untrusted input.' },
    // publish-release.yml:43 NPM_TOKEN from secrets.
    'trusted-publishing': { outcome: 'fail', findings: [['.github/workflows/publish-release.yml', 43]] },
    'branch-protection': { outcome: 'not-available' }, // API only
    maintained: { outcome: 'pass' }, // .git-facts.json: HEAD 2026-07-23
    'best-practices-badge': { outcome: 'not-available' }, // API only
  },

  'jupyter-server/jupyter_server': {
    // dependabot.yml:4 github-actions, :13 pip; package.json declares bootstrap/copyfiles and package-lock.json exists: npm missing.
    'dependency-update-tool': { outcome: 'partial', summary: 'Dependabot covers github-actions and pip but not npm.' },
    'security-policy': { outcome: 'not-available', summary: NO_SECURITY_MD }, // no SECURITY.md in the repository
    'private-vulnerability-reporting': { outcome: 'not-available' }, // API only
    // python-tests.yml:29 actions/checkout@v6, :31 jupyterlab/maintainer-tools/...@v1; only the zulip action (publish-release.yml:61) is pinned.
    'pinned-actions': {
      outcome: 'fail',
      summary: '40 of 41 third-party action references are not pinned to a commit SHA and 20 of 20 GitHub-owned ones are not pinned either.',
      findings: [
        ['.github/workflows/python-tests.yml', 29],
        ['.github/workflows/python-tests.yml', 31],
      ],
    },
    'token-permissions': { outcome: 'fail', summary: '6 of 6 workflows declare no top-level permissions.' }, // none declares a top level
    'dangerous-workflow': { outcome: 'pass' }, // no privileged trigger, no untrusted expansion
    // publish-release.yml:19-20 id-token: write, finalize-release :41, no token; package.json is `"private": true`.
    'trusted-publishing': { outcome: 'pass', summary: 'Publishes to PyPI with trusted publishing (id-token: write, no stored token).' },
    'branch-protection': { outcome: 'not-available' }, // API only
    maintained: { outcome: 'pass' }, // .git-facts.json: HEAD 2026-07-22
    'best-practices-badge': { outcome: 'not-available' }, // API only
  },

  'jupyter-widgets/ipywidgets': {
    // dependabot.yml:10 npm only (security updates, :14); the 8 workflows are not covered: github-actions missing.
    'dependency-update-tool': { outcome: 'partial', summary: 'Dependabot covers npm but not github-actions.' },
    'security-policy': { outcome: 'not-available', summary: NO_SECURITY_MD }, // no SECURITY.md in the repository
    'private-vulnerability-reporting': { outcome: 'not-available' }, // API only
    // lock.yml:11 dessant/lock-threads@v2 is the one third-party action; actions/* at tags everywhere.
    'pinned-actions': {
      outcome: 'fail',
      summary: '1 of 1 third-party action references are not pinned to a commit SHA and 31 of 31 GitHub-owned ones are not pinned either.',
      findings: [['.github/workflows/lock.yml', 11]],
    },
    // answered.yml:11 issues: write and binder-on-pr.yml:8 pull-requests: write at the top; 6 workflows declare none.
    'token-permissions': {
      outcome: 'fail',
      summary: '6 of 8 workflows declare no top-level permissions and 2 grant write scopes at the top level.',
      findings: [
        ['.github/workflows/answered.yml', 11],
        ['.github/workflows/binder-on-pr.yml', 8],
      ],
    },
    // binder-on-pr.yml:4 pull_request_target only comments (github-script) and passes the head ref through env (:28).
    'dangerous-workflow': { outcome: 'pass', summary: '1 workflow(s) use pull_request_target/workflow_run without touching untrusted code; no script expands untrusted input.' },
    // packaging.yml builds and uploads artifacts (:74) but publishes nothing.
    'trusted-publishing': { outcome: 'not-applicable' },
    'branch-protection': { outcome: 'not-available' }, // API only
    // .git-facts.json: HEAD 2025-11-07 (297 days idle), newest tag 8.1.8 on 2025-11-01: idle, not yet a year.
    maintained: { outcome: 'partial', summary: 'No commit in the last 90 days; last activity 297 days ago.' },
    'best-practices-badge': { outcome: 'not-available' }, // API only
  },

  'jupyterhub/jupyterhub': {
    // .github/dependabot.yaml (the .yaml spelling):10 github-actions, :22 and :36 npm; pyproject.toml/requirements.txt: pip missing.
    'dependency-update-tool': { outcome: 'partial', summary: 'Dependabot covers github-actions and npm but not pip.' },
    // SECURITY.md:5 links the reporting process after "please report it".
    'security-policy': { outcome: 'pass' },
    'private-vulnerability-reporting': { outcome: 'not-available' }, // API only
    // test-docs.yml:92 manics/action-sphinx-linkcheck-summary@main; everything else is a SHA.
    'pinned-actions': { outcome: 'fail', summary: '1 of 4 third-party action references are not pinned to a commit SHA.', findings: [['.github/workflows/test-docs.yml', 92]] },
    // support-bot.yml:9 `issues: write` at the top level; the other four workflows declare contents: read.
    'token-permissions': { outcome: 'fail', summary: '1 of 5 workflows grant write scopes at the top level.', findings: [['.github/workflows/support-bot.yml', 9]] },
    'dangerous-workflow': { outcome: 'pass' }, // no privileged trigger, no untrusted expansion
    // release.yml:89-90 id-token: write on pypi-publish, :100 pypa/gh-action-pypi-publish without password.
    'trusted-publishing': { outcome: 'pass', summary: 'Publishes to PyPI with trusted publishing (id-token: write, no stored token).' },
    'branch-protection': { outcome: 'not-available' }, // API only
    maintained: { outcome: 'pass' }, // .git-facts.json: HEAD 2026-08-20
    'best-practices-badge': { outcome: 'not-available' }, // API only
  },

  'jupyterlab/jupyterlab': {
    // dependabot.yml:4 github-actions, :16 pip, :33 npm (/jupyterlab/staging): every ecosystem used is covered.
    'dependency-update-tool': { outcome: 'pass', summary: 'Dependabot covers every ecosystem the repository uses: github-actions, pip and npm.' },
    // No SECURITY.md in the repository itself.
    'security-policy': { outcome: 'not-available', summary: NO_SECURITY_MD },
    'private-vulnerability-reporting': { outcome: 'not-available' }, // API only
    // All 108 `uses:` are SHAs (e.g. license-header.yml:16).
    'pinned-actions': { outcome: 'pass', summary: 'All 108 action references are pinned to full commit SHAs.' },
    // enforce-label.yml, galata-pr-comment.yml, license-header.yml, prep-release.yml and publish-release.yml have no
    // top-level block; answered.yml:11 issues: write, labeler.yml:13 pull-requests: write (and four more) at the top.
    'token-permissions': {
      outcome: 'fail',
      summary: '5 of 30 workflows declare no top-level permissions and 6 grant write scopes at the top level.',
      findings: [
        ['.github/workflows/license-header.yml', 6],
        ['.github/workflows/answered.yml', 11],
        ['.github/workflows/labeler.yml', 13],
      ],
    },
    // license-header.yml:4 pull_request_target, :30 `gh pr checkout ${{ github.event.pull_request.number }}` with a write token.
    'dangerous-workflow': {
      outcome: 'fail',
      summary: 'A pull_request_target/workflow_run workflow checks out the untrusted head.',
      findings: [['.github/workflows/license-header.yml', 30]],
    },
    // publish-release.yml:43 NPM_TOKEN from secrets.
    'trusted-publishing': { outcome: 'fail', findings: [['.github/workflows/publish-release.yml', 43]] },
    'branch-protection': { outcome: 'not-available' }, // API only
    maintained: { outcome: 'pass' }, // .git-facts.json: HEAD 2026-08-18
    'best-practices-badge': { outcome: 'not-available' }, // API only
  },

  'jupyterlab/lumino': {
    // dependabot.yml:4 github-actions only; package.json + yarn.lock: npm missing.
    'dependency-update-tool': { outcome: 'partial', summary: 'Dependabot covers github-actions but not npm.' },
    'security-policy': { outcome: 'not-available', summary: NO_SECURITY_MD }, // no SECURITY.md in the repository
    'private-vulnerability-reporting': { outcome: 'not-available' }, // API only
    // tests.yml:30 actions/checkout@v7, tests.yml:31 jupyterlab/maintainer-tools/...@v1.
    'pinned-actions': {
      outcome: 'fail',
      summary: '16 of 16 third-party action references are not pinned to a commit SHA and 16 of 16 GitHub-owned ones are not pinned either.',
      findings: [
        ['.github/workflows/tests.yml', 30],
        ['.github/workflows/tests.yml', 31],
      ],
    },
    // license-header.yml:7-8 contents/pull-requests write at the top level (plus codeql-analysis.yml and lock.yml).
    'token-permissions': {
      outcome: 'fail',
      summary: '6 of 10 workflows declare no top-level permissions and 4 grant write scopes at the top level.',
      findings: [
        ['.github/workflows/license-header.yml', 7],
        ['.github/workflows/license-header.yml', 8],
      ],
    },
    // license-header.yml:4 pull_request_target, :20 `gh pr checkout` of the pull request.
    'dangerous-workflow': { outcome: 'fail', findings: [['.github/workflows/license-header.yml', 20]] },
    // publish-release.yml:42 NPM_TOKEN from secrets.
    'trusted-publishing': { outcome: 'fail', findings: [['.github/workflows/publish-release.yml', 42]] },
    'branch-protection': { outcome: 'not-available' }, // API only
    maintained: { outcome: 'pass' }, // .git-facts.json: HEAD 2026-07-16
    'best-practices-badge': { outcome: 'not-available' }, // API only
  },
};

describeWithSharedData('posture of the 12 shared repositories (local collector)', () => {
  const postures = new Map<string, RepoPosture>();

  beforeAll(async () => {
    for (const repo of Object.keys(EXPECTATIONS)) {
      const facts = await collectLocalRepo(join(SHARED_PROJECTS, repo));
      postures.set(repo, evaluateRepo(facts, { clock }));
    }
  });

  it('covers exactly the 12 fixture repositories', () => {
    expect(Object.keys(EXPECTATIONS)).toHaveLength(12);
    for (const posture of postures.values()) expect(Object.keys(EXPECTATIONS)).toContain(posture.repo);
  });

  describe.each(Object.entries(EXPECTATIONS))('%s', (repo, expectations) => {
    it.each(Object.entries(expectations))('%s', (id, expected) => {
      const result = postures.get(repo)!.checks.find((check) => check.id === id)!;
      expect(result.outcome).toBe(expected.outcome);
      if (expected.summary !== undefined) expect(result.summary).toBe(expected.summary);
      for (const [file, line] of expected.findings ?? []) {
        // line 0: the finding names the file without a line (a file to add to or create).
        const found = result.findings.some((finding) => finding.file === file && (line === 0 ? finding.line === undefined : finding.line === line));
        expect(found, `${repo} ${id}: no finding at ${file}:${line}; got ${JSON.stringify(result.findings.map((finding) => `${finding.file}:${finding.line}`))}`).toBe(true);
      }
    });
  });
});
