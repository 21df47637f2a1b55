import { Octokit, RequestError } from 'octokit';
import { z } from 'zod';
import { HostError } from '../../core/errors.js';
import { boundedFetch, GithubAnswerTimeout, GithubRequestStopped } from '../collect/bounded-fetch.js';

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
  /** Sent as the Authorization header by Octokit; never part of an error message. */
  token: string;
  /** The fetch Octokit uses (tests: undici's fetch on a MockAgent). */
  fetch?: typeof fetch;
  userAgent?: string;
  /** Most pages read when listing issues (100 each). */
  maxPages?: number;
  /** One request, from sending it to the last byte of the answer (default 30,000 ms); a write that times out may still have happened. */
  timeoutMs?: number;
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT';

/**
 * The implementation on Octokit's REST requests. Writes are not retried (a
 * POST that timed out may have happened) and rate limits are not waited for
 * (a fix run makes a handful of writes): both plugins are off. A failed
 * request raises a HostError naming the method, the route and GitHub's
 * message, never the token (the Octokit error is not kept as the cause, since
 * it carries the request).
 */
export function createGithubWrites(options: GithubWritesOptions): GithubWrites {
  const maxPages = options.maxPages ?? 20;
  const octokit = new Octokit({
    baseUrl: options.apiUrl.replace(/\/+$/, ''),
    auth: options.token,
    userAgent: options.userAgent ?? 'chainwatch',
    retry: { enabled: false },
    throttle: { enabled: false },
    // Every request has a time and a size limit (an API that never answers would otherwise hang the fix run).
    request: { fetch: boundedFetch({ timeoutMs: options.timeoutMs ?? 30_000, maxBytes: 64 * 1024 * 1024, ...(options.fetch ? { fetch: options.fetch } : {}) }) },
    log: { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} },
  });

  /** One request; `absentOn404` turns a 404 into null instead of an error. */
  async function call<T>(method: Method, route: string, parameters: Record<string, unknown>, schema: z.ZodType<T>, absentOn404 = false): Promise<T | null> {
    let data: unknown;
    try {
      data = (await octokit.request(`${method} ${route}`, { ...parameters, headers: { 'x-github-api-version': '2022-11-28' } })).data;
    } catch (error) {
      if (absentOn404 && error instanceof RequestError && error.status === 404) return null;
      throw hostError(method, fill(route, parameters), error);
    }
    const parsed = schema.safeParse(data);
    if (!parsed.success) throw new HostError('github', `${method} ${fill(route, parameters)}: unexpected answer (${parsed.error.issues[0]?.message ?? 'invalid'})`);
    return parsed.data;
  }
  const required = async <T>(method: Method, route: string, parameters: Record<string, unknown>, schema: z.ZodType<T>): Promise<T> =>
    (await call(method, route, parameters, schema)) as T;
  const split = (repo: string): { owner: string; repo: string } => {
    const [owner, name] = repo.split('/');
    return { owner: owner ?? '', repo: name ?? '' };
  };

  return {
    async defaultBranch(repo) {
      return (await required('GET', '/repos/{owner}/{repo}', split(repo), RepositorySchema)).default_branch;
    },
    async branchHead(repo, branch) {
      const ref = await call('GET', `/repos/{owner}/{repo}/git/ref/heads/${segments(branch)}`, split(repo), GitRefSchema, true);
      return ref === null ? null : ref.object.sha;
    },
    async createBranch(repo, branch, sha) {
      await required('POST', '/repos/{owner}/{repo}/git/refs', { ...split(repo), ref: `refs/heads/${branch}`, sha }, z.unknown());
    },
    async resetBranch(repo, branch, sha) {
      await required('PATCH', `/repos/{owner}/{repo}/git/refs/heads/${segments(branch)}`, { ...split(repo), sha, force: true }, z.unknown());
    },
    async fileSha(repo, path, branch) {
      const content = await call('GET', `/repos/{owner}/{repo}/contents/${segments(path)}`, { ...split(repo), ref: branch }, ContentSchema, true);
      return content === null ? null : content.sha;
    },
    async putFile(repo, file) {
      await required(
        'PUT',
        `/repos/{owner}/{repo}/contents/${segments(file.path)}`,
        {
          ...split(repo),
          message: file.message,
          content: Buffer.from(file.text, 'utf8').toString('base64'),
          branch: file.branch,
          ...(file.sha === null ? {} : { sha: file.sha }),
        },
        z.unknown(),
      );
    },
    async openPullRequestFor(repo, branch) {
      const { owner } = split(repo);
      const pulls = await required('GET', '/repos/{owner}/{repo}/pulls', { ...split(repo), state: 'open', head: `${owner}:${branch}`, per_page: 100 }, z.array(PullSchema));
      const first = pulls[0];
      return first ? { number: first.number, url: first.html_url } : null;
    },
    async createPullRequest(repo, pull) {
      const created = await required('POST', '/repos/{owner}/{repo}/pulls', { ...split(repo), ...pull }, PullSchema);
      return { number: created.number, url: created.html_url };
    },
    async updatePullRequest(repo, number, pull) {
      const updated = await required('PATCH', '/repos/{owner}/{repo}/pulls/{pull_number}', { ...split(repo), pull_number: number, ...pull }, PullSchema);
      return { number: updated.number, url: updated.html_url };
    },
    async listIssues(repo, query) {
      const issues: IssueRef[] = [];
      let pages = 0;
      try {
        // Octokit follows the Link headers; `maxPages` bounds a runaway listing, and a `next` already followed ends it.
        const followed = new Set<string>();
        for await (const response of octokit.paginate.iterator('GET /repos/{owner}/{repo}/issues', { ...split(repo), state: 'all', labels: query.label, per_page: 100 })) {
          for (const item of response.data as unknown[]) {
            // Tolerate junk in lists (STYLE rule 2): one odd item does not drop the page.
            const issue = IssueSchema.safeParse(item);
            if (issue.success && issue.data.pull_request === undefined) issues.push(issueRef(issue.data));
          }
          if (++pages >= maxPages) break;
          const next = /<([^>]+)>\s*;\s*rel="next"/.exec(response.headers.link ?? '')?.[1];
          if (next === undefined || followed.has(next)) break;
          followed.add(next);
        }
      } catch (error) {
        throw hostError('GET', fill('/repos/{owner}/{repo}/issues', split(repo)), error);
      }
      return issues;
    },
    async createIssue(repo, issue) {
      return issueRef(await required('POST', '/repos/{owner}/{repo}/issues', { ...split(repo), ...issue }, IssueSchema));
    },
    async updateIssue(repo, number, issue) {
      return issueRef(await required('PATCH', '/repos/{owner}/{repo}/issues/{issue_number}', { ...split(repo), issue_number: number, ...issue }, IssueSchema));
    },
  };
}

function hostError(method: string, path: string, error: unknown): HostError {
  if (error instanceof RequestError && error.cause instanceof GithubAnswerTimeout) {
    const maybe = method === 'GET' ? '' : ' (the change may still have been made)';
    return new HostError('github', `${method} ${path}: GitHub gave ${error.cause.message}${maybe}`, { retryable: true });
  }
  if (error instanceof GithubRequestStopped) return new HostError('github', `${method} ${path}: ${error.message}`, { retryable: error.retryable });
  if (error instanceof RequestError) {
    const body = error.response?.data as { message?: unknown } | undefined;
    const message = typeof body?.message === 'string' ? body.message : '';
    const retryable = error.status === 429 || error.status >= 500 || (error.status === 403 && /rate limit/i.test(message));
    return new HostError('github', `${method} ${path} answered ${error.status}${message ? `: ${message}` : ''}`, { status: error.status, retryable });
  }
  return new HostError('github', `${method} ${path}: ${error instanceof Error ? error.message : String(error)}`, { retryable: true });
}

function issueRef(issue: IssueJson): IssueRef {
  return { number: issue.number, url: issue.html_url, state: issue.state, title: issue.title, body: issue.body ?? '' };
}

/**
 * Branch names and file paths keep their slashes in the URL, as GitHub's
 * documentation writes them (`git/ref/heads/feature/a`, `contents/docs/a.md`);
 * each segment is encoded. Octokit would encode the slashes of a `{ref}` or
 * `{path}` parameter.
 */
function segments(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** The route with its path parameters filled in, for messages. */
function fill(route: string, parameters: Record<string, unknown>): string {
  return route.replace(/\{(\w+)\}/g, (match, name: string) => (parameters[name] === undefined ? match : String(parameters[name])));
}
