import { request, type Dispatcher } from 'undici';
import { z } from 'zod';
import { HostError } from '../../core/errors.js';

/**
 * The few GitHub writes remediation needs, as a small interface: the pull
 * request and issue logic (pull-request.ts, issue.ts) is written and tested
 * against it; `createGithubWrites` implements it over the REST API.
 * `repo` is always `owner/name`.
 */
export interface GithubWrites {
  defaultBranch(repo: string): Promise<string>;
  /** The commit a branch points at, or null when there is no such branch. */
  branchHead(repo: string, branch: string): Promise<string | null>;
  createBranch(repo: string, branch: string, sha: string): Promise<void>;
  /** Moves a branch to a commit, even backwards (the fix branch is regenerated each run). */
  resetBranch(repo: string, branch: string, sha: string): Promise<void>;
  /** The git blob id of a file on a branch, or null when it does not exist there. */
  fileSha(repo: string, path: string, branch: string): Promise<string | null>;
  /** Creates (sha null) or replaces (sha of the current blob) one file with a commit on the branch. */
  putFile(repo: string, file: { path: string; branch: string; message: string; text: string; sha: string | null }): Promise<void>;
  openPullRequestFor(repo: string, branch: string): Promise<PullRequestRef | null>;
  createPullRequest(repo: string, pull: { title: string; body: string; head: string; base: string }): Promise<PullRequestRef>;
  updatePullRequest(repo: string, number: number, pull: { title: string; body: string }): Promise<PullRequestRef>;
  /** Issues (not pull requests) with the label, open and closed. */
  listIssues(repo: string, query: { label: string }): Promise<IssueRef[]>;
  createIssue(repo: string, issue: { title: string; body: string; labels: string[] }): Promise<IssueRef>;
  updateIssue(repo: string, number: number, issue: { title?: string; body?: string; state?: 'open' | 'closed' }): Promise<IssueRef>;
}

export interface PullRequestRef {
  number: number;
  url: string;
}

export interface IssueRef {
  number: number;
  url: string;
  state: 'open' | 'closed';
  title: string;
  body: string;
}

const RepositorySchema = z.object({ default_branch: z.string() });
const GitRefSchema = z.object({ object: z.object({ sha: z.string() }) });
const ContentSchema = z.object({ sha: z.string(), type: z.string().optional() });
const PullSchema = z.object({ number: z.number().int(), html_url: z.string() });
const IssueSchema = z.object({
  number: z.number().int(),
  html_url: z.string(),
  state: z.enum(['open', 'closed']),
  title: z.string(),
  body: z.string().nullable().optional(),
  pull_request: z.unknown().optional(),
});
type IssueJson = z.infer<typeof IssueSchema>;

export interface GithubWritesOptions {
  /** REST API root (GitHub's, an Enterprise server's, or a fake's). */
  apiUrl: string;
  /** Sent as a Bearer token; never part of an error message. */
  token: string;
  dispatcher?: Dispatcher;
  userAgent?: string;
  /** Most pages read when listing issues (100 each). */
  maxPages?: number;
}

/**
 * The REST implementation. Writes are not retried (a POST that timed out may
 * have happened); a failed request raises a HostError naming the method, the
 * path and GitHub's message, never the token.
 */
export function createGithubWrites(options: GithubWritesOptions): GithubWrites {
  const root = options.apiUrl.replace(/\/+$/, '');
  const maxPages = options.maxPages ?? 20;
  const headers = {
    accept: 'application/vnd.github+json',
    authorization: `Bearer ${options.token}`,
    'x-github-api-version': '2022-11-28',
    'user-agent': options.userAgent ?? 'chainwatch',
  };

  async function call(method: 'GET' | 'POST' | 'PATCH' | 'PUT', path: string, body?: unknown): Promise<{ status: number; json: unknown; link: string | undefined }> {
    const url = path.startsWith('http') ? path : `${root}${path}`;
    let response;
    try {
      response = await request(url, {
        method,
        headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: options.dispatcher,
      });
    } catch (error) {
      throw new HostError('github', `${method} ${pathOnly(url)}: ${(error as Error).message}`, { retryable: true, cause: error });
    }
    const text = await response.body.text();
    let json: unknown;
    try {
      json = text === '' ? null : JSON.parse(text);
    } catch {
      json = null;
    }
    const link = response.headers.link;
    return { status: response.statusCode, json, link: Array.isArray(link) ? link.join(', ') : link };
  }

  async function expect<T>(method: 'GET' | 'POST' | 'PATCH' | 'PUT', path: string, schema: z.ZodType<T>, body?: unknown): Promise<T> {
    const answer = await call(method, path, body);
    if (answer.status < 200 || answer.status > 299) throw statusError(method, path, answer.status, answer.json);
    const parsed = schema.safeParse(answer.json);
    if (!parsed.success) throw new HostError('github', `${method} ${path}: unexpected answer (${parsed.error.issues[0]?.message ?? 'invalid'})`, { status: answer.status });
    return parsed.data;
  }

  const repoPath = (repo: string): string => {
    const [owner, name] = repo.split('/');
    return `/repos/${encodeURIComponent(owner ?? '')}/${encodeURIComponent(name ?? '')}`;
  };
  const contentPath = (path: string): string => path.split('/').map(encodeURIComponent).join('/');

  return {
    async defaultBranch(repo) {
      return (await expect('GET', repoPath(repo), RepositorySchema)).default_branch;
    },
    async branchHead(repo, branch) {
      const path = `${repoPath(repo)}/git/ref/heads/${contentPath(branch)}`;
      const answer = await call('GET', path);
      if (answer.status === 404) return null;
      if (answer.status !== 200) throw statusError('GET', path, answer.status, answer.json);
      const parsed = GitRefSchema.safeParse(answer.json);
      if (!parsed.success) throw new HostError('github', `GET ${path}: unexpected answer`, { status: answer.status });
      return parsed.data.object.sha;
    },
    async createBranch(repo, branch, sha) {
      await expect('POST', `${repoPath(repo)}/git/refs`, z.unknown(), { ref: `refs/heads/${branch}`, sha });
    },
    async resetBranch(repo, branch, sha) {
      await expect('PATCH', `${repoPath(repo)}/git/refs/heads/${contentPath(branch)}`, z.unknown(), { sha, force: true });
    },
    async fileSha(repo, path, branch) {
      const url = `${repoPath(repo)}/contents/${contentPath(path)}?ref=${encodeURIComponent(branch)}`;
      const answer = await call('GET', url);
      if (answer.status === 404) return null;
      if (answer.status !== 200) throw statusError('GET', url, answer.status, answer.json);
      const parsed = ContentSchema.safeParse(answer.json);
      if (!parsed.success) throw new HostError('github', `GET ${url}: not a file`, { status: answer.status });
      return parsed.data.sha;
    },
    async putFile(repo, file) {
      const body: Record<string, string> = { message: file.message, content: Buffer.from(file.text, 'utf8').toString('base64'), branch: file.branch };
      if (file.sha !== null) body.sha = file.sha;
      await expect('PUT', `${repoPath(repo)}/contents/${contentPath(file.path)}`, z.unknown(), body);
    },
    async openPullRequestFor(repo, branch) {
      const owner = repo.split('/')[0] ?? '';
      const pulls = await expect('GET', `${repoPath(repo)}/pulls?state=open&head=${encodeURIComponent(`${owner}:${branch}`)}&per_page=100`, z.array(PullSchema));
      const first = pulls[0];
      return first ? { number: first.number, url: first.html_url } : null;
    },
    async createPullRequest(repo, pull) {
      const created = await expect('POST', `${repoPath(repo)}/pulls`, PullSchema, pull);
      return { number: created.number, url: created.html_url };
    },
    async updatePullRequest(repo, number, pull) {
      const updated = await expect('PATCH', `${repoPath(repo)}/pulls/${number}`, PullSchema, pull);
      return { number: updated.number, url: updated.html_url };
    },
    async listIssues(repo, query) {
      const issues: IssueRef[] = [];
      let next: string | null = `${repoPath(repo)}/issues?state=all&labels=${encodeURIComponent(query.label)}&per_page=100`;
      for (let page = 0; next !== null && page < maxPages; page++) {
        const answer = await call('GET', next);
        if (answer.status !== 200) throw statusError('GET', next, answer.status, answer.json);
        const parsed = z.array(z.unknown()).safeParse(answer.json);
        if (!parsed.success) throw new HostError('github', `GET ${pathOnly(next)}: unexpected answer`, { status: answer.status });
        for (const item of parsed.data) {
          // Tolerate junk in lists (STYLE rule 2): one odd item does not drop the page.
          const issue = IssueSchema.safeParse(item);
          if (issue.success && issue.data.pull_request === undefined) issues.push(issueRef(issue.data));
        }
        next = nextLink(answer.link);
      }
      return issues;
    },
    async createIssue(repo, issue) {
      return issueRef(await expect('POST', `${repoPath(repo)}/issues`, IssueSchema, issue));
    },
    async updateIssue(repo, number, issue) {
      return issueRef(await expect('PATCH', `${repoPath(repo)}/issues/${number}`, IssueSchema, issue));
    },
  };
}

function issueRef(issue: IssueJson): IssueRef {
  return { number: issue.number, url: issue.html_url, state: issue.state, title: issue.title, body: issue.body ?? '' };
}

/** The `rel="next"` URL of a Link header. */
export function nextLink(link: string | undefined): string | null {
  if (!link) return null;
  for (const part of link.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) return match[1]!;
  }
  return null;
}

function statusError(method: string, path: string, status: number, json: unknown): HostError {
  const message = typeof json === 'object' && json !== null && typeof (json as { message?: unknown }).message === 'string' ? (json as { message: string }).message : '';
  const retryable = status === 429 || status >= 500 || (status === 403 && /rate limit/i.test(message));
  return new HostError('github', `${method} ${pathOnly(path)} answered ${status}${message ? `: ${message}` : ''}`, { status, retryable });
}

function pathOnly(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.pathname}${parsed.search}`;
  } catch {
    return url;
  }
}
