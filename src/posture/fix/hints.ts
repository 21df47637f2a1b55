import type { RepoFacts } from '../types.js';
import { findDependabotGap } from './dependabot.js';
import { findUnpinnedReferences } from './pin-actions.js';
import { findWorkflowPermissionProblems } from './token-permissions.js';

/** A Dependabot entry a repository still needs. */
export interface EcosystemToAdd {
  /** Dependabot's `package-ecosystem` (pip, npm, github-actions, docker...). */
  ecosystem: string;
  /** `/`-rooted directories, as Dependabot writes them. */
  directories: string[];
}

export interface UnpinnedAction {
  file: string;
  line: number;
  /** The `uses:` value as written. */
  uses: string;
  /** `actions/*` and `github/*` are GitHub's own; everything else is a third party's. */
  githubOwned: boolean;
}

/**
 * What the remediation planners found for one repository, so the Markdown
 * report can name ecosystems, `uses:` lines and workflows precisely instead
 * of paraphrasing findings. Every field is optional: without hints the report
 * falls back to the checks' findings.
 */
export interface RepoRemediationHints {
  dependabot?: {
    /** The config file that exists (`.github/dependabot.yml`), or null when there is none. */
    file: string | null;
    toAdd: EcosystemToAdd[];
    /** A Renovate config was found: the ecosystems go there instead. */
    renovate: string | null;
  };
  unpinnedActions?: UnpinnedAction[];
  /** Workflows without top-level `permissions`, or whose top-level block grants writes. */
  workflowPermissions?: { file: string; line?: number; problem: 'missing' | 'grants-write' }[];
}

/**
 * Keyed by `owner/name`: the ecosystems to add, unpinned `uses:`, workflows
 * without permissions, from the same planners `chainwatch fix` runs, so the
 * report names what the fix would change.
 */
export function remediationHints(repos: readonly RepoFacts[]): Map<string, RepoRemediationHints> {
  const hints = new Map<string, RepoRemediationHints>();
  for (const facts of repos) {
    const entry: RepoRemediationHints = {
      unpinnedActions: findUnpinnedReferences(facts.files).references.map((reference) => ({ file: reference.file, line: reference.line, uses: reference.uses, githubOwned: reference.githubOwned })),
      workflowPermissions: findWorkflowPermissionProblems(facts.files),
    };
    if (facts.paths.available) {
      const gap = findDependabotGap(facts.paths.value, facts.files);
      entry.dependabot = { file: gap.file, renovate: gap.renovate, toAdd: gap.toAdd };
    }
    hints.set(facts.repo, entry);
  }
  return hints;
}
