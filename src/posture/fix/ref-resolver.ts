import { z } from 'zod';
import { HostError } from '../../core/errors.js';
import type { HttpClient } from '../../http/types.js';
import type { ActionRefResolver, ResolvedRef } from './pin-actions.js';

/** Only the field used from `GET /repos/{owner}/{repo}/commits/{ref}`. */
export const CommitSchema = z.object({ sha: z.string().regex(/^[0-9a-f]{40}$|^[0-9a-f]{64}$/) });

export interface GithubRefResolverOptions {
  http: HttpClient;
  /** REST API root, e.g. the GitHub API or a fake server's (no trailing slash needed). */
  apiUrl: string;
  /** Sent as a Bearer token; never logged (the HTTP layer redacts Authorization). */
  token: string;
}

/**
 * Resolves a tag or branch to the commit it points at now, through
 * `GET /repos/{owner}/{repo}/commits/{ref}` (annotated tags are dereferenced
 * by the API). Through the shared HttpClient, so answers are cached with
 * their ETags and a second run revalidates instead of downloading.
 */
export function createGithubRefResolver(options: GithubRefResolverOptions): ActionRefResolver {
  const root = options.apiUrl.replace(/\/+$/, '');
  return {
    async resolve(owner: string, repo: string, ref: string): Promise<ResolvedRef> {
      const url = `${root}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/commits/${encodeURIComponent(ref)}`;
      let response;
      try {
        response = await options.http.get({
          url,
          source: 'github',
          headers: { accept: 'application/vnd.github+json', authorization: `Bearer ${options.token}`, 'x-github-api-version': '2022-11-28' },
        });
      } catch (error) {
        if (error instanceof HostError) return { resolved: false, reason: `GitHub API unreachable (${error.message})` };
        throw error;
      }
      if (response.status === 404 || response.status === 422) return { resolved: false, reason: `no tag or branch ${ref} in ${owner}/${repo}` };
      if (response.status !== 200) return { resolved: false, reason: `GitHub API answered ${response.status}` };
      let body: unknown;
      try {
        body = JSON.parse(response.body.toString('utf8'));
      } catch {
        return { resolved: false, reason: 'GitHub API answered with something that is not JSON' };
      }
      const commit = CommitSchema.safeParse(body);
      return commit.success ? { resolved: true, sha: commit.data.sha } : { resolved: false, reason: 'GitHub API answered without a commit SHA' };
    },
  };
}
