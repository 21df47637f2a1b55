import type { RepoRemediationHints } from '../../posture/fix/hints.js';
import type { RepoImportance } from '../../posture/importance.js';
import type { CheckId, OrgCheckId } from '../../posture/types.js';

/**
 * Inputs the posture renderers take besides the PostureReport itself
 * (src/posture/types.ts). Importance and remediation hints are computed in
 * src/posture/ (importance.ts, fix/hints.ts); renderers only order and print them.
 */

export const POSTURE_FORMATS = ['table', 'json', 'sarif', 'markdown'] as const;
export type PostureFormat = (typeof POSTURE_FORMATS)[number];

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
