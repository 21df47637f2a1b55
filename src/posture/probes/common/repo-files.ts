import { isSecurityPolicyPath } from '../../collect/posture-files.js';
import type { RepoFile } from '../../types.js';

/**
 * Where posture-relevant files live. Which files the collectors read is
 * decided once, in collect/posture-files.ts (both sources use it); probes find
 * them here.
 */
export { DEPENDABOT_CONFIG_PATHS, isActionMetadataPath, isWorkflowPath, RENOVATE_CONFIG_PATHS } from '../../collect/posture-files.js';

export function findFile(files: readonly RepoFile[], path: string): RepoFile | undefined {
  return files.find((file) => file.path === path);
}

/** The security policies in the repository, in GitHub's order of precedence (`.github/`, root, `docs/`). */
export function securityPolicies(files: readonly RepoFile[]): RepoFile[] {
  const rank = (path: string) => (path.startsWith('.github/') ? 0 : path.startsWith('docs/') ? 2 : 1);
  return files.filter((file) => isSecurityPolicyPath(file.path)).sort((a, b) => rank(a.path) - rank(b.path) || a.path.localeCompare(b.path));
}
