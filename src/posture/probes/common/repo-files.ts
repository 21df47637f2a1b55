import type { RepoFile } from '../../types.js';

/**
 * Where posture-relevant files live. The collector reads them (collect/local.ts
 * uses isPostureRelevantPath to choose what to read); probes find them here.
 */

export const DEPENDABOT_CONFIG_PATHS = ['.github/dependabot.yml', '.github/dependabot.yaml'] as const;

/** Renovate's config locations, in Renovate's own order of precedence; package.json's `renovate` key is last. */
export const RENOVATE_CONFIG_PATHS = [
  'renovate.json',
  'renovate.json5',
  '.github/renovate.json',
  '.github/renovate.json5',
  '.gitlab/renovate.json',
  '.gitlab/renovate.json5',
  '.renovaterc',
  '.renovaterc.json',
  '.renovaterc.json5',
] as const;

/** SECURITY.md where GitHub looks for it: the root, `.github/` and `docs/` (any case; a few other text formats). */
const SECURITY_POLICY = /^(?:\.github\/|docs\/)?security\.(?:md|markdown|rst|adoc|txt)$/i;

export function isSecurityPolicyPath(path: string): boolean {
  return SECURITY_POLICY.test(path);
}

/** GitHub runs only the files directly in `.github/workflows/`. */
export function isWorkflowPath(path: string): boolean {
  return /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path);
}

export function isActionMetadataPath(path: string): boolean {
  return /(?:^|\/)action\.ya?ml$/.test(path) && !/(?:^|\/)node_modules\//.test(path);
}

const MANIFEST_NAMES = new Set(['package.json', 'pyproject.toml', 'setup.py', 'setup.cfg', 'Pipfile', 'environment.yml', 'environment.yaml', 'meta.yaml']);

/** The files RepoFacts.files carries: workflows, actions, update-tool configs, security policies, manifests, Dockerfiles. */
export function isPostureRelevantPath(path: string): boolean {
  if (/(?:^|\/)(?:node_modules|\.git)\//.test(path)) return false;
  const name = path.slice(path.lastIndexOf('/') + 1);
  return (
    isWorkflowPath(path) ||
    isActionMetadataPath(path) ||
    (DEPENDABOT_CONFIG_PATHS as readonly string[]).includes(path) ||
    (RENOVATE_CONFIG_PATHS as readonly string[]).includes(path) ||
    isSecurityPolicyPath(path) ||
    MANIFEST_NAMES.has(name) ||
    /^requirements.*\.(?:txt|in)$/.test(name) ||
    name === 'Dockerfile' ||
    name === 'Containerfile' ||
    /^Dockerfile\.|\.Dockerfile$/i.test(name)
  );
}

export function findFile(files: readonly RepoFile[], path: string): RepoFile | undefined {
  return files.find((file) => file.path === path);
}

/** The security policies in the repository, in GitHub's order of precedence (`.github/`, root, `docs/`). */
export function securityPolicies(files: readonly RepoFile[]): RepoFile[] {
  const rank = (path: string) => (path.startsWith('.github/') ? 0 : path.startsWith('docs/') ? 2 : 1);
  return files.filter((file) => isSecurityPolicyPath(file.path)).sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
}
