/**
 * The explicit registry of probes (STYLE rule 10): a typed map from id to
 * probe, nothing registered by the side effect of an import. A new probe is one
 * folder here plus one line below.
 */
import { branchProtectionBlocksForcePush } from './branch-protection-blocks-force-push/index.js';
import { branchProtectionRequiresReview } from './branch-protection-requires-review/index.js';
import { defaultWorkflowPermissionsReadOnly } from './default-workflow-permissions-read-only/index.js';
import { dependencyUpdateCoversEcosystems } from './dependency-update-covers-ecosystems/index.js';
import { dependencyUpdatesGetMerged } from './dependency-updates-get-merged/index.js';
import { dockerImagesPinnedByDigest } from './docker-images-pinned-by-digest/index.js';
import { expandsUntrustedInputInRun } from './expands-untrusted-input-in-run/index.js';
import { githubOwnedActionsPinnedBySha } from './github-owned-actions-pinned-by-sha/index.js';
import { hasBestPracticesBadge } from './has-best-practices-badge/index.js';
import { hasBranchProtection } from './has-branch-protection/index.js';
import { hasDangerousTrigger } from './has-dangerous-trigger/index.js';
import { hasDependabotAlerts } from './has-dependabot-alerts/index.js';
import { hasDependabotConfig } from './has-dependabot-config/index.js';
import { hasInactiveAdmins } from './has-inactive-admins/index.js';
import { hasInactiveMembers } from './has-inactive-members/index.js';
import { hasOpenAdvisories } from './has-open-advisories/index.js';
import { hasOutsideCollaborators } from './has-outside-collaborators/index.js';
import { hasPrivateVulnerabilityReporting } from './has-private-vulnerability-reporting/index.js';
import { hasRecentCommits } from './has-recent-commits/index.js';
import { hasRecentRelease } from './has-recent-release/index.js';
import { hasReleases } from './has-releases/index.js';
import { hasRenovateConfig } from './has-renovate-config/index.js';
import { hasSecurityPolicy } from './has-security-policy/index.js';
import { inheritsOrgSecurityPolicy } from './inherits-org-security-policy/index.js';
import { isArchived } from './is-archived/index.js';
import { publishesToNpm } from './publishes-to-npm/index.js';
import { publishesToPypi } from './publishes-to-pypi/index.js';
import { requiresTwoFactor } from './requires-two-factor/index.js';
import { securityPolicyExplainsReporting } from './security-policy-explains-reporting/index.js';
import { thirdPartyActionsPinnedBySha } from './third-party-actions-pinned-by-sha/index.js';
import { topLevelPermissionsReadOnly } from './top-level-permissions-read-only/index.js';
import { usesLongLivedRegistryToken } from './uses-long-lived-registry-token/index.js';
import { usesTrustedPublishing } from './uses-trusted-publishing/index.js';
import { workflowsDeclareTopLevelPermissions } from './workflows-declare-top-level-permissions/index.js';
import { writePermissionsOnlyOnJobsThatNeedThem } from './write-permissions-only-on-jobs-that-need-them/index.js';
import type { OrgProbe, RepoProbe } from './types.js';

export const REPO_PROBES = {
  hasDependabotConfig,
  hasRenovateConfig,
  dependencyUpdateCoversEcosystems,
  hasDependabotAlerts,
  dependencyUpdatesGetMerged,
  hasSecurityPolicy,
  securityPolicyExplainsReporting,
  inheritsOrgSecurityPolicy,
  hasPrivateVulnerabilityReporting,
  githubOwnedActionsPinnedBySha,
  thirdPartyActionsPinnedBySha,
  dockerImagesPinnedByDigest,
  workflowsDeclareTopLevelPermissions,
  topLevelPermissionsReadOnly,
  writePermissionsOnlyOnJobsThatNeedThem,
  hasDangerousTrigger,
  expandsUntrustedInputInRun,
  publishesToPypi,
  publishesToNpm,
  usesTrustedPublishing,
  usesLongLivedRegistryToken,
  hasBranchProtection,
  branchProtectionRequiresReview,
  branchProtectionBlocksForcePush,
  hasRecentCommits,
  hasRecentRelease,
  hasReleases,
  isArchived,
  hasOpenAdvisories,
  hasBestPracticesBadge,
} as const satisfies Record<string, RepoProbe<unknown>>;
export type RepoProbeId = keyof typeof REPO_PROBES;
/** Each repository probe's answer, with its own evidence type. */
export type RepoProbeAnswers = { readonly [Id in RepoProbeId]: ReturnType<(typeof REPO_PROBES)[Id]['run']> };

export const ORG_PROBES = {
  requiresTwoFactor,
  defaultWorkflowPermissionsReadOnly,
  hasInactiveAdmins,
  hasInactiveMembers,
  hasOutsideCollaborators,
} as const satisfies Record<string, OrgProbe<unknown>>;
export type OrgProbeId = keyof typeof ORG_PROBES;
/** Each org probe's answer, with its own evidence type. */
export type OrgProbeAnswers = { readonly [Id in OrgProbeId]: ReturnType<(typeof ORG_PROBES)[Id]['run']> };

export type { OrgProbe, PostureSettings, ProbeAnswer, ProbeContext, ProbeMetadata, RepoProbe } from './types.js';
export { DEFAULT_POSTURE_SETTINGS } from './types.js';
