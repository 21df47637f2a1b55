import { gitBlobSha } from './pull-request.js';
import type { GithubWrites, IssueRef, PullRequestRef } from './github-writes.js';

interface MemoryRepo {
  defaultBranch: string;
  /** branch → commit sha */
  branches: Map<string, string>;
  /** commit sha → files */
  commits: Map<string, Map<string, string>>;
  pulls: { number: number; head: string; base: string; title: string; body: string; state: 'open' | 'closed' }[];
  issues: (IssueRef & { labels: string[] })[];
  nextNumber: number;
}

/**
 * GitHub in memory, implementing GithubWrites the way the REST API behaves
 * (a putFile with a stale blob sha is a 409, a duplicate branch a 422), with
 * a log of every write so tests can assert exactly what was done.
 */
export function memoryGithub(initial: Record<string, { files: Record<string, string>; issues?: Omit<IssueRef, 'url'>[] }>): GithubWrites & {
  writes: string[];
  filesOn(repo: string, branch: string): Record<string, string>;
  issues(repo: string): IssueRef[];
  pulls(repo: string): MemoryRepo['pulls'];
} {
  const repos = new Map<string, MemoryRepo>();
  let commitCounter = 0;
  const newCommit = (files: Map<string, string>, repo: MemoryRepo): string => {
    const sha = (++commitCounter).toString(16).padStart(40, '0');
    repo.commits.set(sha, files);
    return sha;
  };
  for (const [name, data] of Object.entries(initial)) {
    const repo: MemoryRepo = { defaultBranch: 'main', branches: new Map(), commits: new Map(), pulls: [], issues: [], nextNumber: 1 };
    repo.branches.set('main', newCommit(new Map(Object.entries(data.files)), repo));
    for (const issue of data.issues ?? []) {
      repo.issues.push({ ...issue, url: `https://github.test/${name}/issues/${issue.number}`, labels: ['chainwatch'] });
      repo.nextNumber = Math.max(repo.nextNumber, issue.number + 1);
    }
    repos.set(name, repo);
  }
  const writes: string[] = [];
  const need = (name: string): MemoryRepo => {
    const repo = repos.get(name);
    if (!repo) throw new Error(`404 ${name}`);
    return repo;
  };
  const filesAt = (repo: MemoryRepo, branch: string): Map<string, string> => {
    const sha = repo.branches.get(branch);
    if (!sha) throw new Error(`404 branch ${branch}`);
    return repo.commits.get(sha)!;
  };
  const issueOut = (issue: IssueRef & { labels: string[] }): IssueRef => ({ number: issue.number, url: issue.url, state: issue.state, title: issue.title, body: issue.body });
  const pullOut = (name: string, pull: { number: number }): PullRequestRef => ({ number: pull.number, url: `https://github.test/${name}/pull/${pull.number}` });

  return {
    writes,
    filesOn: (name, branch) => Object.fromEntries(filesAt(need(name), branch)),
    issues: (name) => need(name).issues.map(issueOut),
    pulls: (name) => need(name).pulls,
    async defaultBranch(name) {
      return need(name).defaultBranch;
    },
    async branchHead(name, branch) {
      return need(name).branches.get(branch) ?? null;
    },
    async createBranch(name, branch, sha) {
      const repo = need(name);
      if (repo.branches.has(branch)) throw new Error('422 Reference already exists');
      repo.branches.set(branch, sha);
      writes.push(`create-branch ${branch}`);
    },
    async resetBranch(name, branch, sha) {
      need(name).branches.set(branch, sha);
      writes.push(`reset-branch ${branch}`);
    },
    async fileSha(name, path, branch) {
      const text = filesAt(need(name), branch).get(path);
      return text === undefined ? null : gitBlobSha(text);
    },
    async putFile(name, file) {
      const repo = need(name);
      const files = new Map(filesAt(repo, file.branch));
      const current = files.get(file.path);
      const currentSha = current === undefined ? null : gitBlobSha(current);
      if (currentSha !== file.sha) throw new Error(`409 ${file.path} does not match ${file.sha}`);
      files.set(file.path, file.text);
      repo.branches.set(file.branch, newCommit(files, repo));
      writes.push(`put ${file.branch} ${file.path}`);
    },
    async openPullRequestFor(name, branch) {
      const pull = need(name).pulls.find((entry) => entry.head === branch && entry.state === 'open');
      return pull ? pullOut(name, pull) : null;
    },
    async createPullRequest(name, pull) {
      const repo = need(name);
      const created = { number: repo.nextNumber++, head: pull.head, base: pull.base, title: pull.title, body: pull.body, state: 'open' as const };
      repo.pulls.push(created);
      writes.push(`create-pull #${created.number}`);
      return pullOut(name, created);
    },
    async updatePullRequest(name, number, pull) {
      const found = need(name).pulls.find((entry) => entry.number === number)!;
      Object.assign(found, pull);
      writes.push(`update-pull #${number}`);
      return pullOut(name, found);
    },
    async listIssues(name, query) {
      return need(name).issues.filter((issue) => issue.labels.includes(query.label)).map(issueOut);
    },
    async createIssue(name, issue) {
      const repo = need(name);
      const created = { number: repo.nextNumber++, url: `https://github.test/${name}/issues/${repo.nextNumber - 1}`, state: 'open' as const, title: issue.title, body: issue.body, labels: issue.labels };
      repo.issues.push(created);
      writes.push(`create-issue #${created.number}`);
      return issueOut(created);
    },
    async updateIssue(name, number, issue) {
      const found = need(name).issues.find((entry) => entry.number === number)!;
      if (issue.title !== undefined) found.title = issue.title;
      if (issue.body !== undefined) found.body = issue.body;
      if (issue.state !== undefined) found.state = issue.state;
      writes.push(`update-issue #${number}${issue.state ? ` ${issue.state}` : ''}`);
      return issueOut(found);
    },
  };
}
