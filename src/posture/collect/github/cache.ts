/**
 * What the GitHub collector needs kept between runs, declared here so that
 * collect/ depends on no store (store/github-cache.ts implements it in
 * SQLite; the front end opens one and passes it in):
 *   - responses: per REST request and per credential, the ETag GitHub sent and
 *     the value the collector derived from the body, so that a 304 answer
 *     (free against the rate limit) is as good as the body;
 *   - objects: git trees (path listings) and blobs (file texts) by object id.
 *     Git ids name their content: an unchanged tree or file is never asked for
 *     again.
 * `identity` is never a credential: a one-way digest of the token (or an
 * app's installation), so that two tokens seeing different data never share
 * an entry.
 */

export type GitObjectKind = 'tree' | 'blob';

export interface CachedGithubResponse {
  etag: string;
  /** The value the collector derived from the body (JSON text). */
  value: string;
  /** ISO time stored or last revalidated. */
  storedAt: string;
}

export interface GithubCache {
  getResponse(identity: string, key: string): CachedGithubResponse | null;
  putResponse(identity: string, key: string, response: CachedGithubResponse): void;
  /** After a 304: the entry was confirmed at this time. */
  touchResponse(identity: string, key: string, storedAt: string): void;
  getObject(kind: GitObjectKind, oid: string): string | null;
  putObjects(kind: GitObjectKind, objects: Iterable<{ oid: string; content: string }>): void;
}
