/**
 * Source repository URLs as registries, manifests and remotes write them,
 * reduced to one identity, `host/owner/repo` (`github.com/jupyterlab/jupyterlab`),
 * so that a package's repository, an organisation's repository and a graph
 * node's repository compare equal however each was spelled.
 */

/** Code hosts whose URLs have the `owner/repo` shape. */
const CODE_HOSTS = new Map<string, string>([
  ['github.com', 'github.com'],
  ['www.github.com', 'github.com'],
  ['gitlab.com', 'gitlab.com'],
  ['www.gitlab.com', 'gitlab.com'],
  ['bitbucket.org', 'bitbucket.org'],
  ['www.bitbucket.org', 'bitbucket.org'],
  ['codeberg.org', 'codeberg.org'],
]);

/** npm's `host:owner/repo` shorthands. */
const SHORTHAND_HOSTS: Record<string, string> = { github: 'github.com', gitlab: 'gitlab.com', bitbucket: 'bitbucket.org' };

/** First path segments on GitHub that are not owners. */
const NOT_OWNERS = new Set(['orgs', 'sponsors', 'marketplace', 'features', 'topics', 'about', 'apps', 'settings', 'login', 'explore']);

/**
 * `git+https://github.com/Owner/Repo.git`, `git@github.com:owner/repo`,
 * `git+ssh://git@github.com/owner/repo.git`, `https://github.com/owner/repo/tree/main/pkg`,
 * `github:owner/repo`, `owner/repo` (npm shorthand; only with `allowShorthand`),
 * `github.com/owner/repo` (the identity itself, as graph snapshots store it: the
 * function is idempotent) → `github.com/owner/repo` (lower case: GitHub names are
 * case-insensitive).
 * null for anything that is not a repository on a known code host (a docs
 * site, an organisation page, a tarball URL).
 */
export function normalizeRepositoryUrl(raw: string, options: { allowShorthand?: boolean } = {}): string | null {
  const text = raw.trim();
  if (text === '') return null;
  const shorthand = /^(github|gitlab|bitbucket):([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/i.exec(text);
  if (shorthand) return repositoryId(SHORTHAND_HOSTS[shorthand[1]!.toLowerCase()]!, shorthand[2]!, shorthand[3]!);
  // The identity itself, `host/owner/repo` without a scheme (what this function returns).
  const identity = /^([\w.-]+)\/([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(text);
  if (identity) {
    const host = CODE_HOSTS.get(identity[1]!.toLowerCase());
    return host && !NOT_OWNERS.has(identity[2]!.toLowerCase()) ? repositoryId(host, identity[2]!, identity[3]!) : null;
  }
  const bare = /^([\w.-]+)\/([\w.-]+?)(?:\.git)?$/.exec(text);
  if (bare) return options.allowShorthand ? repositoryId('github.com', bare[1]!, bare[2]!) : null;
  // scp-like ssh: git@github.com:owner/repo.git
  const scp = /^[\w.-]+@([\w.-]+):\/?([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(text);
  if (scp) {
    const host = CODE_HOSTS.get(scp[1]!.toLowerCase());
    return host ? repositoryId(host, scp[2]!, scp[3]!) : null;
  }
  let url: URL;
  try {
    url = new URL(text.replace(/^git\+/, ''));
  } catch {
    return null;
  }
  const host = CODE_HOSTS.get(url.hostname.toLowerCase());
  if (!host) return null;
  const [owner, repo] = url.pathname.split('/').filter((segment) => segment !== '');
  if (!owner || !repo || NOT_OWNERS.has(owner.toLowerCase())) return null;
  return repositoryId(host, owner, repo.replace(/\.git$/i, ''));
}

function repositoryId(host: string, owner: string, repo: string): string | null {
  if (repo === '' || repo === '.' || repo === '..') return null;
  return `${host}/${owner.toLowerCase()}/${repo.toLowerCase()}`;
}
