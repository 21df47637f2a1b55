import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChainwatchError } from '../../core/errors.js';
import { collectingSink } from '../../core/events.js';
import { SHARED_PROJECTS } from '../posture-testing.fixture.js';
import { API_ONLY_FACTS } from './conformance.fixture.js';
import { collectLocalRepo, findLocalRepos, NEEDS_API, repoFromRemoteUrl } from './local.js';
import { itWithSharedData } from '../../../test/shared-data.js';

let scratch: string;
beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'chainwatch-local-'));
});
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

/** git with a fixed identity and dates, and no user configuration (no signing, no hooks). */
function git(root: string, args: string[], date = '2026-05-01T10:00:00+00:00', authorDate = date): string {
  return execFileSync('git', ['-C', root, '-c', 'user.name=Ada', '-c', 'user.email=ada@example.test', '-c', 'commit.gpgsign=false', '-c', 'tag.gpgsign=false', ...args], {
    env: { PATH: process.env.PATH, HOME: scratch, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_DATE: authorDate, GIT_COMMITTER_DATE: date },
    encoding: 'utf8',
  });
}

const TOKEN = `ghp_${'A1b2C3d4E5'.repeat(4)}`;

describe('collectLocalRepo on a git checkout', () => {
  let root: string;
  let firstSha: string;
  let secondSha: string;

  beforeAll(() => {
    root = join(scratch, 'clones', 'widget');
    mkdirSync(root, { recursive: true });
    git(root, ['init', '-q', '-b', 'main']);
    write(root, {
      '.github/workflows/ci.yml': 'on: push\njobs: {}\n',
      '.github/workflows/nested/skip.yml': 'on: push\n',
      '.github/dependabot.yml': 'version: 2\nupdates: []\n',
      '.github/actions/setup/action.yml': 'runs:\n  using: composite\n  steps: []\n',
      'SECURITY.md': 'Report to security@example.test\n',
      'package.json': '{"name": "widget", "dependencies": {"a": "1"}}\n',
      'src/index.ts': 'export {};\n',
      'images/app/Dockerfile': 'FROM alpine\n',
      'node_modules/dep/package.json': '{"name": "dep"}\n',
    });
    git(root, ['add', '-A']);
    git(root, ['commit', '-q', '-m', 'first'], '2026-05-01T10:00:00+00:00');
    git(root, ['tag', 'v1.0.0']);
    write(root, { 'README.md': 'widget\n' });
    git(root, ['add', 'README.md']);
    // Written in May, committed (rebased) in June: GitHub's committedDate is June, and so is the local one.
    git(root, ['commit', '-q', '-m', 'second'], '2026-06-15T10:30:00+02:00', '2026-05-20T09:00:00+00:00');
    firstSha = git(root, ['rev-parse', 'HEAD~1']).trim();
    secondSha = git(root, ['rev-parse', 'HEAD']).trim();
    // A clone from an authenticated URL keeps the token in the remote: it must never reach the facts.
    git(root, ['remote', 'add', 'origin', `https://x-access-token:${TOKEN}@github.com/acme/widget.git`]);
    git(root, ['update-ref', 'refs/remotes/origin/main', 'HEAD']);
    git(root, ['symbolic-ref', 'refs/remotes/origin/HEAD', 'refs/remotes/origin/main']);
  });

  it('reads the tree, the relevant files, history and the remote name', async () => {
    const facts = await collectLocalRepo(root);
    expect(facts.repo).toBe('acme/widget');
    expect(facts.source).toBe('local');
    expect(facts.paths).toEqual({
      known: true,
      value: [
        '.github/actions/setup/action.yml',
        '.github/dependabot.yml',
        '.github/workflows/ci.yml',
        '.github/workflows/nested/skip.yml',
        'README.md',
        'SECURITY.md',
        'images/app/Dockerfile',
        'package.json',
        'src/index.ts',
      ],
    });
    expect(facts.files.map((file) => file.path)).toEqual(['.github/actions/setup/action.yml', '.github/dependabot.yml', '.github/workflows/ci.yml', 'SECURITY.md', 'images/app/Dockerfile', 'package.json']);
    expect(facts.files.find((file) => file.path === 'SECURITY.md')?.text).toBe('Report to security@example.test\n');
    expect(facts.commits).toEqual({
      known: true,
      value: [
        { sha: secondSha, date: '2026-06-15T08:30:00.000Z', author: 'Ada', verified: false },
        { sha: firstSha, date: '2026-05-01T10:00:00.000Z', author: 'Ada', verified: false },
      ],
    });
    expect(facts.releases).toEqual({ known: true, value: [{ tag: 'v1.0.0', date: '2026-05-01T10:00:00.000Z' }] });
    expect(facts.defaultBranch).toEqual({ known: true, value: 'main' });
    expect(facts.empty).toEqual({ known: true, value: false });
  });

  it('marks every API-only fact unavailable, saying why', async () => {
    const facts = await collectLocalRepo(root);
    expect(API_ONLY_FACTS).toContain('pullRequests');
    for (const key of API_ONLY_FACTS) expect([key, facts[key]]).toEqual([key, { known: false, reason: NEEDS_API }]);
    // It has its own SECURITY.md, so it inherits none (as the API says); without one and with no org checkout beside it, nobody can tell.
    expect(facts.orgSecurityPolicy).toEqual({ known: true, value: null });
  });

  it('never keeps a token: not from the remote URL, not from GH_TOKEN / GITHUB_TOKEN', async () => {
    const saved = { GH_TOKEN: process.env.GH_TOKEN, GITHUB_TOKEN: process.env.GITHUB_TOKEN };
    process.env.GH_TOKEN = 'gho_environmentTokenThatMustNotLeak0001';
    process.env.GITHUB_TOKEN = 'ghs_environmentTokenThatMustNotLeak0002';
    try {
      const serialised = JSON.stringify(await collectLocalRepo(root));
      expect(serialised).not.toContain(TOKEN);
      expect(serialised).not.toContain('x-access-token');
      expect(serialised).not.toContain('environmentTokenThatMustNotLeak');
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it('lets the caller name the repository', async () => {
    expect((await collectLocalRepo(root, { repoName: 'other/name' })).repo).toBe('other/name');
  });

  it('reads an empty repository as known-empty history', async () => {
    const empty = join(scratch, 'clones', 'empty');
    mkdirSync(empty, { recursive: true });
    git(empty, ['init', '-q', '-b', 'main']);
    const facts = await collectLocalRepo(empty);
    expect(facts.commits).toEqual({ known: true, value: [] });
    expect(facts.releases).toEqual({ known: true, value: [] });
    expect(facts.empty).toEqual({ known: true, value: true });
    expect(facts.repo).toBe('clones/empty');
    expect(facts.defaultBranch.known).toBe(false);
  });
});

describe('collectLocalRepo without .git', () => {
  it('reads history from .git-facts.json (the shared fixtures’ shape), newest first', async () => {
    const root = join(scratch, 'facts', 'org', 'repo');
    write(root, {
      '.git-facts.json': JSON.stringify({
        head: 'c3',
        headDate: '2026-08-01T00:00:00+00:00',
        recentCommits: [
          { sha: 'c2', date: '2026-07-01T00:00:00+00:00', author: 'B', signature: 'E' },
          { sha: 'c3', date: '2026-08-01T00:00:00+00:00', author: 'A', signature: 'G' },
          { sha: 'c1', date: '2026-06-01T00:00:00+00:00', author: 'C', signature: 'N' },
          { sha: 'broken' },
        ],
        tags: [
          { name: 'v1', date: '2025-01-01T00:00:00+00:00' },
          { name: 'v2', date: '2026-02-01T00:00:00+00:00' },
        ],
      }),
      'pyproject.toml': '[project]\nname = "repo"\n',
    });
    const facts = await collectLocalRepo(root);
    expect(facts.repo).toBe('org/repo');
    expect(facts.paths).toEqual({ known: true, value: ['pyproject.toml'] });
    expect(facts.commits).toEqual({
      known: true,
      value: [
        { sha: 'c3', date: '2026-08-01T00:00:00.000Z', author: 'A', verified: true },
        { sha: 'c2', date: '2026-07-01T00:00:00.000Z', author: 'B' },
        { sha: 'c1', date: '2026-06-01T00:00:00.000Z', author: 'C', verified: false },
      ],
    });
    expect(facts.releases).toEqual({ known: true, value: [{ tag: 'v2', date: '2026-02-01T00:00:00.000Z' }, { tag: 'v1', date: '2025-01-01T00:00:00.000Z' }] });
    expect(facts.defaultBranch.known).toBe(false);
  });

  it('says where a damaged .git-facts.json is wrong', async () => {
    const root = join(scratch, 'facts', 'org', 'damaged');
    write(root, { '.git-facts.json': '{\n  "recentCommits": [\n    {"sha": "a",}\n  ]\n}\n' });
    const facts = await collectLocalRepo(root);
    expect(facts.commits).toEqual({ known: false, reason: '.git-facts.json:3: invalid JSON' });
  });

  it('has no history without .git or .git-facts.json', async () => {
    const root = join(scratch, 'facts', 'org', 'bare');
    write(root, { 'recipe/meta.yaml': 'package: {}\n' });
    const facts = await collectLocalRepo(root);
    expect(facts.commits).toEqual({ known: false, reason: 'the checkout has neither .git nor .git-facts.json' });
    expect(facts.empty.known).toBe(false);
    expect(facts.files.map((file) => file.path)).toEqual(['recipe/meta.yaml']);
  });

  it("reads the org's SECURITY.md from a sibling .github checkout, or knows there is none", async () => {
    const withPolicy = join(scratch, 'orgs', 'acme');
    write(withPolicy, { 'tool/pyproject.toml': '', '.github/profile/README.md': '# acme', '.github/SECURITY.md': 'Mail security@acme.test\n' });
    expect((await collectLocalRepo(join(withPolicy, 'tool'))).orgSecurityPolicy).toEqual({ known: true, value: { path: 'SECURITY.md', text: 'Mail security@acme.test\n' } });
    const nested = join(scratch, 'orgs', 'beta');
    write(nested, { 'tool/pyproject.toml': '', '.github/.github/security.md': 'x' });
    expect((await collectLocalRepo(join(nested, 'tool'))).orgSecurityPolicy).toEqual({ known: true, value: { path: '.github/security.md', text: 'x' } });
    const without = join(scratch, 'orgs', 'gamma');
    write(without, { 'tool/pyproject.toml': '', '.github/README.md': 'x' });
    expect((await collectLocalRepo(join(without, 'tool'))).orgSecurityPolicy).toEqual({ known: true, value: null });
  });

  it('rejects a path that is not a directory', async () => {
    await expect(collectLocalRepo(join(scratch, 'does-not-exist'))).rejects.toMatchObject({ code: 'unreadable-file' });
    write(scratch, { 'a-file.txt': 'x' });
    await expect(collectLocalRepo(join(scratch, 'a-file.txt'))).rejects.toBeInstanceOf(ChainwatchError);
  });
});

describe('collectLocalRepo on hostile checkouts', () => {
  const notes = (events: ReturnType<typeof collectingSink>) => events.events.map((event) => (event.type === 'log' ? event.message : ''));

  it.skipIf(process.platform === 'win32')('never reads a FIFO or a device: .git-facts.json and the org SECURITY.md are skipped with a note, at once', async () => {
    const org = join(scratch, 'hostile', 'fifo-org');
    write(org, { 'repo/pyproject.toml': '[project]\nname = "repo"\n', '.github/profile/README.md': '# org\n' });
    execFileSync('mkfifo', [join(org, 'repo', '.git-facts.json')]);
    execFileSync('mkfifo', [join(org, '.github', 'SECURITY.md')]);
    // A device behind a name the collector reads: readFile would read /dev/zero until the process dies.
    symlinkSync('/dev/zero', join(org, '.github', 'security.md'));
    const events = collectingSink();
    const facts = await collectLocalRepo(join(org, 'repo'), { events });
    expect(facts.commits).toEqual({ known: false, reason: '.git-facts.json not read: is not a regular file (a device, FIFO or socket is never read)' });
    // Neither candidate was read: the org has no readable policy.
    expect(facts.orgSecurityPolicy).toEqual({ known: true, value: null });
    expect(notes(events)).toEqual([expect.stringMatching(/fifo-org\/\.github\/(SECURITY|security)\.md: not read: is not a regular file/)]);
  });

  it('lists but does not read a posture file over 512 KiB (the limit both collectors use), saying so', async () => {
    const root = join(scratch, 'hostile', 'big');
    write(root, { '.github/workflows/ci.yml': `on: push\n${'#'.repeat(600_000)}\n`, 'pyproject.toml': '' });
    const events = collectingSink();
    const facts = await collectLocalRepo(root, { events });
    expect(facts.paths.known && facts.paths.value).toContain('.github/workflows/ci.yml');
    expect(facts.files.map((file) => file.path)).toEqual(['pyproject.toml']);
    expect(notes(events)).toEqual([expect.stringMatching(/big\/\.github\/workflows\/ci\.yml: not read: is larger than 524288 bytes, the limit for a posture file/)]);
  });

  it('reads a workflow that is not valid UTF-8 with replacement characters, naming the line', async () => {
    const root = join(scratch, 'hostile', 'latin1');
    mkdirSync(join(root, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(root, '.github', 'workflows', 'ci.yml'), Buffer.concat([Buffer.from('on: push\n# caf'), Buffer.from([0xe9]), Buffer.from('\njobs: {}\n')]));
    const events = collectingSink();
    const facts = await collectLocalRepo(root, { events });
    expect(facts.files).toEqual([{ path: '.github/workflows/ci.yml', text: 'on: push\n# caf\uFFFD\njobs: {}\n' }]);
    expect(notes(events)).toEqual([expect.stringMatching(/latin1\/\.github\/workflows\/ci\.yml:2: is not valid UTF-8 \(first bad byte at offset 14\): read with replacement characters$/)]);
  });
});

describe('findLocalRepos', () => {
  it('finds one repo, a folder of repos, or a folder of orgs of repos', async () => {
    const layout = join(scratch, 'layout');
    write(layout, {
      'orgs/a/one/.git-facts.json': '{}',
      'orgs/a/two/.github/workflows/ci.yml': 'on: push\n',
      'orgs/b/recipe-only/recipe/meta.yaml': '',
      'repos/x/pyproject.toml': '',
      'repos/y/.git-facts.json': '{}',
      'single/package.json': '{}',
    });
    expect(await findLocalRepos(join(layout, 'single'))).toEqual([join(layout, 'single')]);
    expect(await findLocalRepos(join(layout, 'repos'))).toEqual([join(layout, 'repos/x'), join(layout, 'repos/y')]);
    expect(await findLocalRepos(join(layout, 'orgs'))).toEqual([join(layout, 'orgs/a/one'), join(layout, 'orgs/a/two'), join(layout, 'orgs/b/recipe-only')]);
    expect(await findLocalRepos(join(layout, 'orgs/b'))).toEqual([join(layout, 'orgs/b/recipe-only')]);
  });

  itWithSharedData('finds the 12 shared fixture repositories', async () => {
    const repos = await findLocalRepos(SHARED_PROJECTS);
    expect(repos.map((repo) => repo.slice(SHARED_PROJECTS.length))).toEqual([
      'conda-forge/jupyterlab-feedstock',
      'ipython/ipykernel',
      'jupyter/docker-stacks',
      'jupyter/jupyter_client',
      'jupyter/nbconvert',
      'jupyter/nbformat',
      'jupyter/notebook',
      'jupyter-server/jupyter_server',
      'jupyter-widgets/ipywidgets',
      'jupyterhub/jupyterhub',
      'jupyterlab/jupyterlab',
      'jupyterlab/lumino',
    ]);
  });
});

describe('repoFromRemoteUrl', () => {
  it.each([
    ['https://github.com/acme/widget.git', 'acme/widget'],
    ['https://github.com/acme/widget', 'acme/widget'],
    ['git@github.com:acme/widget.git', 'acme/widget'],
    ['ssh://git@github.com/acme/widget.git', 'acme/widget'],
    [`https://x-access-token:${TOKEN}@github.com/acme/my.repo.git`, 'acme/my.repo'],
    ['https://gitlab.example.test/acme/widget.git', null],
  ])('%s → %s', (url, expected) => {
    expect(repoFromRemoteUrl(url)).toBe(expected);
  });
});
