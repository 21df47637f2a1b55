import { execFile } from 'node:child_process';
import { lstat, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import type { ParseError } from 'jsonc-parser';
import { z } from 'zod';
import { ChainwatchError } from '../../core/errors.js';
import { silentSink, type EventSink } from '../../core/events.js';
import { decodeUtf8, INPUT_LIMITS, readInputBytes, readInputText } from '../../inventory/read-input.js';
import { parseJsonLike } from '../parse-text.js';
import type { OrgCollection, PostureCollector } from './collector.js';
import { COMMITS_PER_REPOSITORY, isoDate, RELEASES_PER_REPOSITORY } from './history.js';
import { isPostureFile, isSecurityPolicyPath, MAX_POSTURE_FILE_BYTES, MAX_POSTURE_FILES, selectPostureFiles } from './posture-files.js';
import { known, unknown } from '../../core/known.js';
import type { CommitFact, Fact, ReleaseFact, RepoFacts, RepoFile } from '../types.js';

/**
 * The local-checkout collector: facts from a folder on disk (I/O only, no
 * judgement), the same ones the GitHub collector gives for what a checkout
 * holds (the same file selector, history depth and date form; the shared
 * conformance suite holds the two to it). Git history comes from `git
 * log`/`git for-each-ref` when the folder is a git checkout, else from a
 * `.git-facts.json` beside it (the shape the shared fixtures use), else it is
 * unavailable. Everything only the GitHub API knows is
 * `unknown('needs the GitHub API')`.
 */

export const NEEDS_API = 'needs the GitHub API';


const execFileAsync = promisify(execFile);

export interface LocalRepoOptions {
  /** `owner/name`; default: from the `origin` remote, else the folder's last two path segments. */
  repoName?: string;
  /** Where notes go (a file not read, or read with replacement characters), as `warn` log events. */
  events?: EventSink;
  /**
   * The folder holding the checkout holds every repository of its owner (as
   * the local collector's `<root>/<org>/<repo>` layout does), so no sibling
   * `.github` checkout means the organisation has no `.github` repository
   * (`orgSecurityPolicy` is then known to be null, not unavailable).
   */
  siblingsAreTheOrg?: boolean;
}

export interface LocalCollectorOptions {
  /** A folder of organisations of checkouts: `<root>/<org>/<repo>`. */
  root: string;
  events?: EventSink;
}

/**
 * The local source behind the collector interface the GitHub collector also
 * implements: `<root>/<org>` is the organisation and each folder in it a
 * repository (its `.github` included, as GitHub lists it). Organisation facts
 * all need the API.
 * @internal Only the conformance suites call it (both sources through one interface); `posture --local` uses findLocalRepos and collectLocalRepo.
 */
export function createLocalCollector(options: LocalCollectorOptions): PostureCollector {
  const root = resolve(options.root);
  const repoOptions = (owner: string, name: string): LocalRepoOptions => ({ repoName: `${owner}/${name}`, siblingsAreTheOrg: true, ...(options.events ? { events: options.events } : {}) });
  const collectRepo = (owner: string, name: string): Promise<RepoFacts> => collectLocalRepo(join(root, owner, name), repoOptions(owner, name));
  async function collectOrg(org: string): Promise<OrgCollection> {
    const folder = join(root, org);
    await requireDirectory(folder);
    const entries = await readdir(folder, { withFileTypes: true });
    const names = entries
      .filter((entry) => entry.isDirectory() && entry.name !== '.git' && entry.name !== 'node_modules')
      .map((entry) => entry.name)
      .sort((a, b) => compareNames(a, b));
    const repos: RepoFacts[] = [];
    for (const name of names) repos.push(await collectRepo(org, name));
    return {
      org: { org, twoFactorRequired: unknown(NEEDS_API), defaultWorkflowPermissions: unknown(NEEDS_API), members: unknown(NEEDS_API), outsideCollaborators: unknown(NEEDS_API) },
      repos,
    };
  }
  return {
    source: 'local',
    collectOrg,
    async collectOrgs(orgs) {
      const results: OrgCollection[] = [];
      for (const org of orgs) results.push(await collectOrg(org));
      return results;
    },
    collectRepo,
  };
}

/** As GitHub lists repositories: by name, ignoring case. */
function compareNames(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  return left < right ? -1 : left > right ? 1 : 0;
}

export async function collectLocalRepo(dir: string, options: LocalRepoOptions = {}): Promise<RepoFacts> {
  const root = resolve(dir);
  await requireDirectory(root);
  const note = (message: string, path: string): void =>
    (options.events ?? silentSink).emit({ type: 'log', level: 'warn', message, data: { event: 'local-file-not-read', path } });
  const hasGit = await exists(join(root, '.git'));
  const paths = await walk(root);
  const files = await readRelevantFiles(root, paths, note);
  const history = hasGit ? await gitHistory(root) : await factsFileHistory(root);
  const repo = options.repoName ?? (hasGit ? await repoFromRemote(root) : null) ?? repoFromPath(root);
  return {
    repo,
    source: 'local',
    defaultBranch: hasGit ? await defaultBranch(root) : unknown('the checkout has no .git; the default branch needs the GitHub API'),
    archived: unknown(NEEDS_API),
    empty: history.commits.known ? known(history.commits.value.length === 0) : unknown(history.commits.reason),
    fork: unknown(NEEDS_API),
    paths: known(paths),
    files,
    // A repository with its own policy inherits none (as the API collector says).
    orgSecurityPolicy: files.some((file) => isSecurityPolicyPath(file.path)) ? known(null) : await siblingOrgPolicy(root, note, options.siblingsAreTheOrg ?? false),
    privateVulnerabilityReporting: unknown(NEEDS_API),
    dependabotAlerts: unknown(NEEDS_API),
    pullRequests: unknown(NEEDS_API),
    branchProtection: unknown(NEEDS_API),
    commits: history.commits,
    releases: history.releases,
    openAdvisories: unknown(NEEDS_API),
    bestPracticesBadge: unknown(NEEDS_API),
    secretNames: unknown(NEEDS_API),
  };
}

/**
 * The repositories under `dir`: `dir` itself when it is one, else its
 * children (a folder of repos), else its grandchildren (a folder of orgs of
 * repos, like `<org>/<repo>`). A level is recognised by a `.git`,
 * `.git-facts.json` or `.github/workflows` in any of its folders.
 */
export async function findLocalRepos(dir: string): Promise<string[]> {
  const root = resolve(dir);
  await requireDirectory(root);
  if ((await hasRepoMarker(root)) || (await hasRegularFile(root))) return [root];
  const children = await subdirectories(root);
  if ((await Promise.all(children.map(hasRepoMarker))).some(Boolean)) return children;
  const grandchildren = (await Promise.all(children.map(subdirectories))).flat();
  if ((await Promise.all(grandchildren.map(hasRepoMarker))).some(Boolean)) return grandchildren;
  return children;
}

async function requireDirectory(path: string): Promise<void> {
  const info = await stat(path).catch((error: unknown) => {
    throw new ChainwatchError('unreadable-file', `cannot read ${path}: ${(error as Error).message}`, { location: { path }, cause: error });
  });
  if (!info.isDirectory()) throw new ChainwatchError('invalid-argument', `${path} is not a directory`, { location: { path } });
}

async function exists(path: string): Promise<boolean> {
  return lstat(path).then(
    () => true,
    () => false,
  );
}

async function hasRepoMarker(dir: string): Promise<boolean> {
  const markers = ['.git', '.git-facts.json', join('.github', 'workflows'), join('.github', 'dependabot.yml'), join('.github', 'dependabot.yaml')];
  return (await Promise.all(markers.map((marker) => exists(join(dir, marker))))).some(Boolean);
}

async function hasRegularFile(dir: string): Promise<boolean> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.some((entry) => entry.isFile() && !entry.name.startsWith('.'));
}

async function subdirectories(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && entry.name !== 'node_modules')
    .map((entry) => join(dir, entry.name))
    .sort();
}

/** Every file path, `/`-separated and sorted; `.git` and `node_modules` skipped, symlinks not followed. */
async function walk(root: string): Promise<string[]> {
  const out: string[] = [];
  const pending = [root];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      if (entry.name === '.git' || entry.name === 'node_modules') continue;
      const full = join(dir, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile()) out.push(relative(root, full).split(sep).join('/'));
    }
  }
  // `.git-facts.json` is the fixtures' stand-in for .git, not a file of the repository.
  return out.filter((path) => path !== '.git-facts.json').sort();
}

/**
 * The posture files' texts (chosen by posture-files.ts, as the GitHub
 * collector chooses them), through the bounded reader: only regular files (the
 * walk lists no other, and the reader checks again on the opened file), at
 * most MAX_POSTURE_FILE_BYTES. A file that is not read, or is not valid UTF-8
 * (read with replacement characters, so its workflow is still seen), is a note.
 */
async function readRelevantFiles(root: string, paths: readonly string[], note: (message: string, path: string) => void): Promise<RepoFile[]> {
  const entries: { path: string; size: number }[] = [];
  for (const path of paths) {
    // Sizes only for the candidates: selectPostureFiles looks at nothing else.
    if (!isPostureFile(path)) continue;
    const info = await lstat(join(root, path)).catch(() => null);
    entries.push({ path, size: info?.size ?? 0 });
  }
  const selection = selectPostureFiles(entries);
  for (const entry of selection.tooLarge) {
    const full = join(root, entry.path);
    note(`${full}: not read: is larger than ${MAX_POSTURE_FILE_BYTES} bytes, the limit for a posture file`, full);
  }
  if (selection.beyondLimit.length > 0) {
    note(`${root}: ${selection.beyondLimit.length} posture file(s) not read: at most ${MAX_POSTURE_FILES} are read per repository, configuration first`, root);
  }
  const files: RepoFile[] = [];
  for (const { path } of selection.read) {
    const full = join(root, path);
    let bytes: Buffer;
    try {
      bytes = await readInputBytes(full, { maxBytes: MAX_POSTURE_FILE_BYTES });
    } catch (error) {
      note(`${full}: not read: ${(error as Error).message}`, full);
      continue;
    }
    try {
      files.push({ path, text: decodeUtf8(bytes, full) });
    } catch (error) {
      note(`${error instanceof ChainwatchError ? error.describe() : full}: read with replacement characters`, full);
      files.push({ path, text: bytes.toString('utf8') });
    }
  }
  return files;
}

interface History {
  commits: Fact<CommitFact[]>;
  releases: Fact<ReleaseFact[]>;
}

/** git's %G? codes: G good, U good but unknown validity; B/X/Y/R bad or expired/revoked; E cannot be checked; N none. */
function verifiedFromSignature(code: string): boolean | undefined {
  if (code === 'G' || code === 'U') return true;
  if (code === 'N' || code === 'B' || code === 'X' || code === 'Y' || code === 'R') return false;
  return undefined;
}

function commitFact(sha: string, date: string, author: string, signature: string): CommitFact {
  const verified = verifiedFromSignature(signature);
  return verified === undefined ? { sha, date: isoDate(date), author } : { sha, date: isoDate(date), author, verified };
}

/** Newest first, as RepoFacts wants (a stable sort: ties keep their order); tags without a date sort last. */
function newestFirst<Dated extends { date: string }>(entries: Dated[]): Dated[] {
  return entries.sort((a, b) => (Date.parse(b.date) || 0) - (Date.parse(a.date) || 0));
}

/** git without credentials from the environment: it never needs them for reading local history. */
function gitEnvironment(): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };
  for (const name of ['GH_TOKEN', 'GITHUB_TOKEN', 'GIT_ASKPASS', 'SSH_ASKPASS']) delete environment[name];
  return environment;
}

async function git(root: string, args: string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', ['-C', root, ...args], { env: gitEnvironment(), maxBuffer: 64 * 1024 * 1024 });
  return stdout;
}

async function gitHistory(root: string): Promise<History> {
  let commits: Fact<CommitFact[]>;
  try {
    // The committer date, as GitHub's `committedDate` (a rebased commit keeps its old author date).
    const log = await git(root, ['log', `-n${COMMITS_PER_REPOSITORY}`, '--format=%H%x1f%cI%x1f%an%x1f%G?']);
    commits = known(
      log
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => {
          const [sha = '', date = '', author = '', signature = ''] = line.split('\x1f');
          return commitFact(sha, date, author, signature);
        }),
    );
  } catch (error) {
    // An empty repository has no HEAD: `git log` fails, but there is nothing to read.
    const message = (error as { stderr?: string }).stderr ?? (error as Error).message;
    commits = /does not have any commits|bad default revision/.test(message) ? known([]) : unknown(`git log failed: ${firstLine(message)}`);
  }
  let releases: Fact<ReleaseFact[]>;
  try {
    const refs = await git(root, ['for-each-ref', '--sort=-creatordate', `--count=${RELEASES_PER_REPOSITORY}`, '--format=%(refname:short)%1f%(creatordate:iso-strict)', 'refs/tags']);
    releases = known(
      newestFirst(
        refs
          .split('\n')
          .filter((line) => line.length > 0)
          .map((line) => {
            const [tag = '', date = ''] = line.split('\x1f');
            return { tag, date: isoDate(date) };
          }),
      ),
    );
  } catch (error) {
    releases = unknown(`git for-each-ref failed: ${firstLine((error as Error).message)}`);
  }
  return { commits, releases };
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? '';
}

async function defaultBranch(root: string): Promise<Fact<string>> {
  try {
    const ref = (await git(root, ['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'])).trim();
    return known(ref.replace(/^refs\/remotes\/origin\//, ''));
  } catch {
    return unknown('the checkout does not record its remote default branch (refs/remotes/origin/HEAD); it needs the GitHub API');
  }
}

/** `owner/name` from the origin remote, credentials never kept: only the path of the URL is read. */
async function repoFromRemote(root: string): Promise<string | null> {
  try {
    const url = (await git(root, ['remote', 'get-url', 'origin'])).trim();
    return repoFromRemoteUrl(url);
  } catch {
    return null;
  }
}

export function repoFromRemoteUrl(url: string): string | null {
  const match = /github\.com[:/]+([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/.exec(url.replace(/^[a-z+]+:\/\/[^@/]*@/i, 'https://'));
  return match ? `${match[1]}/${match[2]}` : null;
}

function repoFromPath(root: string): string {
  return `${basename(dirname(root))}/${basename(root)}`;
}

// `.git-facts.json`: only the fields used; bad entries are dropped, not the whole file (STYLE rule 2).
const GitFactsCommitSchema = z.object({ sha: z.string(), date: z.string(), author: z.string(), signature: z.string().default('') });
const GitFactsTagSchema = z.object({ name: z.string(), date: z.string() });
const GitFactsSchema = z.object({ recentCommits: z.array(z.unknown()).default([]), tags: z.array(z.unknown()).default([]) });

async function factsFileHistory(root: string): Promise<History> {
  const path = join(root, '.git-facts.json');
  let text: string;
  try {
    text = await readInputText(path, { maxBytes: INPUT_LIMITS.config, displayPath: '.git-facts.json' });
  } catch (error) {
    const missing = ((error as Error).cause as { code?: string } | undefined)?.code === 'ENOENT';
    const reason = missing ? 'the checkout has neither .git nor .git-facts.json' : `.git-facts.json not read: ${(error as Error).message}`;
    return { commits: unknown(reason), releases: unknown(reason) };
  }
  const errors: ParseError[] = [];
  const value: unknown = parseJsonLike(text, errors, { allowTrailingComma: false, disallowComments: true });
  const parsed = errors.length === 0 ? GitFactsSchema.safeParse(value) : null;
  if (!parsed?.success) {
    const offset = errors[0]?.offset ?? 0;
    const line = text.slice(0, offset).split('\n').length;
    const reason = `.git-facts.json:${line}: ${errors.length > 0 ? 'invalid JSON' : 'expected an object with recentCommits and tags'}`;
    return { commits: unknown(reason), releases: unknown(reason) };
  }
  const commits = parsed.data.recentCommits.flatMap((entry) => {
    const commit = GitFactsCommitSchema.safeParse(entry);
    return commit.success ? [commitFact(commit.data.sha, commit.data.date, commit.data.author, commit.data.signature)] : [];
  });
  const releases = parsed.data.tags.flatMap((entry) => {
    const tag = GitFactsTagSchema.safeParse(entry);
    return tag.success ? [{ tag: tag.data.name, date: isoDate(tag.data.date) }] : [];
  });
  return { commits: known(newestFirst(commits).slice(0, COMMITS_PER_REPOSITORY)), releases: known(newestFirst(releases).slice(0, RELEASES_PER_REPOSITORY)) };
}

/**
 * The org's default SECURITY.md from a sibling `<org>/.github` checkout, when
 * there is one; none (known) for the `.github` checkout itself (its policy is
 * its own), or when the siblings are known to be the whole organisation.
 */
async function siblingOrgPolicy(root: string, note: (message: string, path: string) => void, siblingsAreTheOrg: boolean): Promise<Fact<RepoFile | null>> {
  const sibling = join(dirname(root), '.github');
  if (sibling === root) return known(null);
  if (!(await exists(sibling))) {
    return siblingsAreTheOrg ? known(null) : unknown(`${NEEDS_API}, or a checkout of the org's .github repository beside this one`);
  }
  for (const candidate of ['SECURITY.md', '.github/SECURITY.md', 'docs/SECURITY.md']) {
    const names = await readdir(join(sibling, dirname(candidate))).catch(() => [] as string[]);
    const name = names.find((entry) => entry.toLowerCase() === basename(candidate).toLowerCase());
    if (!name) continue;
    const full = join(sibling, dirname(candidate), name);
    let text: string;
    try {
      text = await readInputText(full, { maxBytes: MAX_POSTURE_FILE_BYTES });
    } catch (error) {
      note(`${full}: not read: ${(error as Error).message}`, full);
      continue;
    }
    return known({ path: dirname(candidate) === '.' ? name : `${dirname(candidate)}/${name}`, text });
  }
  return known(null);
}
