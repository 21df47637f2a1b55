import { CHECK_IDS, ORG_CHECK_IDS, type CheckOutcome } from '../../posture/types.js';
import type { AnyCheckId } from './types.js';

/**
 * What the renderers say about each check: a short column label for the
 * table, a title, why it matters and how to fix it (SARIF rule text, the
 * Markdown report). Evaluation (src/posture/checks/) decides outcomes; this is
 * presentation only.
 */
export interface CheckPresentation {
  /** Table column header: short enough for a matrix of ten columns. */
  column: string;
  title: string;
  why: string;
  howToFix: string;
}

export const CHECK_PRESENTATION: Record<AnyCheckId, CheckPresentation> = {
  'dependency-update-tool': {
    column: 'dep-updates',
    title: 'Dependency updates cover every ecosystem',
    why: 'Without Dependabot or Renovate for an ecosystem, fixes for its vulnerable dependencies (and actions) arrive only when someone remembers.',
    howToFix: 'Add a .github/dependabot.yml entry for every ecosystem the repository uses (`chainwatch fix dependency-update-tool` writes it).',
  },
  'security-policy': {
    column: 'sec-policy',
    title: 'A security policy says how to report vulnerabilities',
    why: 'Reporters who find no SECURITY.md open public issues, disclosing the vulnerability before a fix exists.',
    howToFix: "Add SECURITY.md (root, .github/ or docs/) or one in the organisation's .github repository, saying how to report privately.",
  },
  'private-vulnerability-reporting': {
    column: 'pvr',
    title: 'Private vulnerability reporting is on',
    why: 'It gives reporters a private channel on GitHub itself and the maintainers a draft advisory to work in.',
    howToFix: 'Turn it on in Settings → Code security → Private vulnerability reporting (or for the whole organisation).',
  },
  'pinned-actions': {
    column: 'pinned',
    title: 'Actions are pinned to full commit SHAs',
    why: 'A tag can be moved: a compromised action repository can make every workflow that uses `@v4` run its code.',
    howToFix: 'Replace each `uses: owner/repo@tag` by `@<40-hex sha> # tag` (`chainwatch fix pinned-actions`); keep Dependabot on github-actions to update the SHAs.',
  },
  'token-permissions': {
    column: 'token-perms',
    title: 'Workflow tokens are read-only by default',
    why: 'A workflow without top-level permissions gets the repository default, often write to everything; a compromised step can then push code or releases.',
    howToFix: 'Add top-level `permissions: contents: read` (or `{}`) and grant write scopes only on the jobs that need them (`chainwatch fix token-permissions`).',
  },
  'dangerous-workflow': {
    column: 'dangerous-wf',
    title: 'No workflow runs untrusted code with privileges',
    why: '`pull_request_target` and `workflow_run` run with secrets and a write token; checking out or interpolating the untrusted head hands both to any fork.',
    howToFix: 'Do not check out the head in privileged workflows; pass untrusted `${{ github.event.* }}` values through environment variables, never inline in `run:`.',
  },
  'trusted-publishing': {
    column: 'trusted-pub',
    title: 'Packages are published without long-lived tokens',
    why: 'A registry token stored as a secret can be stolen and used from anywhere; trusted publishing issues a short-lived token bound to this workflow.',
    howToFix: 'Publish to PyPI with pypa/gh-action-pypi-publish and `id-token: write` (no password input), to npm with provenance or trusted publishing; delete the token secrets.',
  },
  'branch-protection': {
    column: 'branch-prot',
    title: 'The default branch is protected',
    why: 'Without protection one compromised account can force-push or merge unreviewed code to the branch releases are built from.',
    howToFix: 'Add a ruleset (or classic protection) on the default branch: required reviews, no force pushes, no deletions.',
  },
  maintained: {
    column: 'maintained',
    title: 'The repository is maintained',
    why: 'An abandoned repository will not fix the next vulnerability; users should know.',
    howToFix: 'Archive repositories that are no longer maintained, or say in the README that the project is finished and who answers security reports.',
  },
  'best-practices-badge': {
    column: 'badge',
    title: 'OpenSSF Best Practices badge',
    why: 'The badge records that the project follows the practices the OpenSSF checklist asks for.',
    howToFix: 'Fill in the OpenSSF Best Practices questionnaire for the project until it reaches the passing level.',
  },
  'org-two-factor': {
    column: '2fa',
    title: 'Two-factor authentication is required',
    why: 'A member account protected by a password alone is one phishing mail away from pushing to every repository.',
    howToFix: 'Organisation settings → Authentication security → Require two-factor authentication.',
  },
  'org-workflow-permissions': {
    column: 'wf-default',
    title: 'Workflows get a read-only token by default',
    why: 'The organisation default applies to every workflow that declares no permissions.',
    howToFix: 'Organisation settings → Actions → General → Workflow permissions: read repository contents and packages permissions.',
  },
  'org-inactive-members': {
    column: 'inactive',
    title: 'No long-inactive admins or members',
    why: 'Dormant accounts with access are attractive to attackers and nobody notices when they are used.',
    howToFix: 'Remove or demote members (admins first) who have not been active for months.',
  },
  'org-outside-collaborators': {
    column: 'outside-collab',
    title: 'Outside collaborators are known',
    why: 'Outside collaborators are not bound by organisation policies such as required two-factor authentication.',
    howToFix: 'Review outside collaborators; make the ones who still need access members, remove the others.',
  },
};

/** The order checks appear in every report: the shared CHECK_IDS order, then org checks. */
export const CHECK_ORDER: readonly AnyCheckId[] = [...CHECK_IDS, ...ORG_CHECK_IDS];

export function checkRank(id: string): number {
  const index = (CHECK_ORDER as readonly string[]).indexOf(id);
  return index === -1 ? CHECK_ORDER.length : index;
}

/** Short outcome words for the matrix: failures shout, "could not tell" stays quiet. */
export const OUTCOME_LABEL: Record<CheckOutcome, string> = {
  pass: 'pass',
  partial: 'PARTIAL',
  fail: 'FAIL',
  'not-available': 'n/a',
  'not-applicable': '-',
  error: 'ERROR',
};

/** Outcomes that ask someone to act (when not waived). */
export function needsAction(outcome: CheckOutcome): boolean {
  return outcome === 'fail' || outcome === 'partial';
}

export function presentationOf(id: string): CheckPresentation {
  return CHECK_PRESENTATION[id as AnyCheckId] ?? { column: id, title: id, why: '', howToFix: '' };
}
