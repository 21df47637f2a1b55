import type { CheckId, OrgCheckId } from '../../posture/types.js';

/**
 * Inputs the posture renderers take besides the PostureReport itself
 * (src/posture/types.ts, shared and not changed here).
 */

export const POSTURE_FORMATS = ['table', 'json', 'sarif', 'markdown'] as const;
export type PostureFormat = (typeof POSTURE_FORMATS)[number];

/** How much a repository matters, for ordering reports: higher first. */
export interface RepoImportance {
  /** `owner/name`. */
  repo: string;
  /** In [0, 1]; sources are normalised to this range so they can be merged. */
  score: number;
  /** Where the score came from, for the report's reader (`2nd of the config's packages: notebook`). */
  reason: string;
}

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
 * What the remediation planners (src/posture/fix/) found for one repository,
 * so the Markdown report can name ecosystems, `uses:` lines and workflows
 * precisely instead of paraphrasing findings. Every field is optional: without
 * hints the report falls back to the checks' findings.
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

export interface PostureRenderOptions {
  /** Repos are ordered by this (highest first), then by name; repos not listed come last. */
  importance?: readonly RepoImportance[];
  /** Keyed by `owner/name`. */
  hints?: ReadonlyMap<string, RepoRemediationHints>;
  /** Markdown: a sentence saying where the importance came from. */
  importanceNote?: string;
  /** SARIF: `tool.driver.version` (cli/ passes the package version). */
  toolVersion?: string;
}

export type AnyCheckId = CheckId | OrgCheckId;
