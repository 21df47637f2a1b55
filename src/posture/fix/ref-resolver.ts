import { z } from 'zod';
import { HostError } from '../../core/errors.js';
import type { HttpClient, HttpResponse } from '../../http/types.js';
import type { ActionRefResolver, ResolvedRef } from './pin-actions.js';

/** Only the fields used from `GET /repos/{owner}/{repo}/git/ref/{ref}` and `GET .../git/tags/{sha}`. */
export const GitRefSchema = z.object({ object: z.object({ type: z.string(), sha: z.string().regex(/^[0-9a-f]{40}$|^[0-9a-f]{64}$/) }) });
export const GitTagSchema = z.object({ object: z.object({ type: z.string(), sha: z.string().regex(/^[0-9a-f]{40}$|^[0-9a-f]{64}$/) }) });

export interface GithubRefResolverOptions {
  http: HttpClient;
  /** REST API root, e.g. the GitHub API or a fake server's (no trailing slash needed). */
  apiUrl: string;
  /** Sent as a Bearer token; never logged (the HTTP layer redacts Authorization). */
  token: string;
}

/** Annotated tags pointing at annotated tags are legal; a bound stops a loop. */
const MAX_TAG_DEPTH = 4;

/**
 * Resolves a tag (else a branch) to the commit it points at now, with the git
 * refs API: `git/ref/tags/{ref}`, then `git/ref/heads/{ref}`; an annotated
 * tag is followed through `git/tags/{sha}` to its commit. Requests go through
 * the shared HttpClient, so answers are cached with their ETags and a second
 * run revalidates instead of downloading.
 */
export function createGithubRefResolver(options: GithubRefResolverOptions): ActionRefResolver {
  const root = options.apiUrl.replace(/\/+$/, '');
  const headers = { accept: 'application/vnd.github+json', authorization: `Bearer ${options.token}`, 'x-github-api-version': '2022-11-28' };
  // Only a git object that parsed is cached: a proxy's HTML page or a cut-off answer must not be replayed later.
  const validate = (response: HttpResponse): true | string =>
    response.status !== 200 || parse(GitRefSchema, response) !== null || 'GitHub API answered without a git object';
  const get = (url: string): Promise<HttpResponse> => options.http.get({ url, source: 'github', headers, validate });

  return {
    async resolve(owner: string, repo: string, ref: string): Promise<ResolvedRef> {
      const base = `${root}/repos/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/git`;
      const refPath = ref.split('/').map(encodeURIComponent).join('/');
      try {
        for (const kind of ['tags', 'heads'] as const) {
          const response = await get(`${base}/ref/${kind}/${refPath}`);
          if (response.status === 404) continue;
          if (response.status !== 200) return { resolved: false, reason: `GitHub API answered ${response.status}` };
          let target = parse(GitRefSchema, response);
          for (let depth = 0; target !== null && target.type === 'tag' && depth < MAX_TAG_DEPTH; depth++) {
            const tag = await get(`${base}/tags/${target.sha}`);
            if (tag.status !== 200) return { resolved: false, reason: `annotated tag ${ref}: GitHub API answered ${tag.status}` };
            target = parse(GitTagSchema, tag);
          }
          if (target === null) return { resolved: false, reason: 'GitHub API answered without a git object' };
          if (target.type !== 'commit') return { resolved: false, reason: `${ref} points at a ${target.type}, not a commit` };
          return { resolved: true, sha: target.sha };
        }
        return { resolved: false, reason: `no tag or branch ${ref} in ${owner}/${repo}` };
      } catch (error) {
        if (error instanceof HostError) return { resolved: false, reason: `GitHub API unreachable (${error.message})`, unavailable: true };
        throw error;
      }
    },
  };
}

function parse(schema: typeof GitRefSchema, response: HttpResponse): { type: string; sha: string } | null {
  try {
    const parsed = schema.safeParse(JSON.parse(response.body.toString('utf8')));
    return parsed.success ? parsed.data.object : null;
  } catch {
    return null;
  }
}
