import type { ActionReference, Expression, Job, NamedValue, Permissions, Step, Workflow } from '../../workflows/model.js';

/**
 * What chainwatch knows about GitHub Actions: who owns an action, which
 * expressions carry attacker-controlled text, which actions and commands need
 * which GITHUB_TOKEN scopes. Tables, not judgement: probes ask, checks decide.
 */

/** `owner/repo[/path]`, lower-cased, for comparing against the tables below. */
export function actionName(reference: Extract<ActionReference, { kind: 'action' }>): string {
  return [reference.owner, reference.repo, reference.path].filter(Boolean).join('/').toLowerCase();
}

/** GitHub's own organisations (as OpenSSF Scorecard counts them). */
const GITHUB_OWNERS = new Set(['actions', 'github']);

export function isGithubOwned(reference: Extract<ActionReference, { kind: 'action' }>): boolean {
  return GITHUB_OWNERS.has(reference.owner.toLowerCase());
}

/** True when `name` is `prefix` or inside it (`actions/upload-artifact/merge` matches `actions/upload-artifact`). */
export function actionMatches(reference: ActionReference | null, prefixes: readonly string[]): boolean {
  if (reference?.kind !== 'action') return false;
  const name = actionName(reference);
  return prefixes.some((prefix) => name === prefix.toLowerCase() || name.startsWith(`${prefix.toLowerCase()}/`));
}

// ---------------------------------------------------------------------------
// Untrusted input (GitHub Security Lab's list of attacker-controlled contexts).

const UNTRUSTED_CONTEXTS: readonly RegExp[] = [
  /^github\.event\.(?:issue|pull_request|discussion)\.(?:title|body)$/,
  /^github\.event\.(?:comment|review|review_comment)\.body$/,
  /^github\.event\.pages(?:\[[^\]]*\]|\.\*)?\.page_name$/,
  /^github\.event\.commits(?:\[[^\]]*\]|\.\*)?\.(?:message|author\.(?:email|name)|committer\.(?:email|name))$/,
  /^github\.event\.head_commit\.(?:message|author\.(?:email|name)|committer\.(?:email|name))$/,
  /^github\.event\.pull_request\.head\.(?:ref|label|repo\.default_branch)$/,
  /^github\.head_ref$/,
  /^github\.event\.workflow_run\.(?:head_branch|display_title|head_commit\.(?:message|author\.(?:email|name)|committer\.(?:email|name)))$/,
  /^github\.event\.workflow_run\.pull_requests(?:\[[^\]]*\]|\.\*)?\.head\.ref$/,
  // Whole objects, e.g. toJSON(github.event.issue): their serialisation carries the fields above.
  /^github\.event(?:\.(?:issue|pull_request|comment|review|review_comment|discussion|head_commit|commits|workflow_run|pages))?$/,
];

const CONTEXT_PATH = /[A-Za-z_][\w-]*(?:\.[\w*-]+|\[[^\]]*\])*/g;

/** The attacker-controlled context paths an expression reads (`github.event.issue.title`...). */
export function untrustedContexts(expression: Expression): string[] {
  const found = new Set<string>();
  // String literals inside the expression are not context reads.
  const withoutStrings = expression.text.replace(/'(?:[^']|'')*'/g, "''");
  for (const match of withoutStrings.matchAll(CONTEXT_PATH)) {
    const path = match[0];
    if (UNTRUSTED_CONTEXTS.some((pattern) => pattern.test(path))) found.add(path);
  }
  return [...found];
}

// ---------------------------------------------------------------------------
// Triggers that run with a write token and secrets on events outsiders can cause.

export const PRIVILEGED_TRIGGERS = ['pull_request_target', 'workflow_run'] as const;

/** Expressions naming the untrusted head of a pull request or of the run that triggered workflow_run. */
const UNTRUSTED_HEAD = [
  /github\.event\.pull_request\.head\.(?:sha|ref)/,
  /github\.event\.pull_request\.merge_commit_sha/,
  /github\.head_ref/,
  /github\.event\.workflow_run\.(?:head_sha|head_branch|head_commit\.id)/,
  /github\.event\.pull_request\.head\.repo\.full_name/,
  /github\.event\.workflow_run\.head_repository\.full_name/,
];

const CHECKOUT_ACTIONS = ['actions/checkout'];

/** Shell commands that fetch or check out a pull request's head. */
const UNTRUSTED_CHECKOUT_COMMANDS: readonly RegExp[] = [
  /\bgh\s+pr\s+checkout\b/,
  /\brefs\/pull\//,
  /\bgit\s+fetch\b[^\n]*\bpull\/[^\n]*?\/(?:head|merge)\b/,
];

export interface UntrustedCheckout {
  step: Step;
  line: number;
  how: string;
}

/** A step that brings the untrusted head into the workspace: checkout of the head ref, or a shell command fetching it. */
export function untrustedCheckout(step: Step): UntrustedCheckout | null {
  if (actionMatches(step.uses, CHECKOUT_ACTIONS) || (step.uses?.kind === 'action' && /checkout/i.test(step.uses.repo + step.uses.path))) {
    for (const input of step.with) {
      if (input.name !== 'ref' && input.name !== 'repository') continue;
      const text = input.value.expressions.map((expression) => expression.text).join(' ');
      if (UNTRUSTED_HEAD.some((pattern) => pattern.test(text)) || /refs\/pull\//.test(input.value.text)) {
        return { step, line: input.value.line, how: `checks out \`${input.value.text.trim()}\`` };
      }
    }
  }
  if (step.run) {
    for (const pattern of UNTRUSTED_CHECKOUT_COMMANDS) {
      const match = pattern.exec(step.run.text);
      if (match) return { step, line: lineInRun(step, match.index), how: `runs \`${firstLine(step.run.text, match.index)}\`` };
    }
    const gitWithHead = /\bgit\s+(?:checkout|switch|fetch|clone|reset|pull)\b[^\n]*/g;
    for (const match of step.run.text.matchAll(gitWithHead)) {
      const command = match[0];
      if (UNTRUSTED_HEAD.some((pattern) => pattern.test(command))) return { step, line: lineInRun(step, match.index), how: `runs \`${command.trim()}\`` };
    }
  }
  return null;
}

/** The file line of a character offset inside a `run:` value (block scalars keep one line per line). */
export function lineInRun(step: Step, offset: number): number {
  if (!step.run) return step.line;
  return step.run.line + (step.run.text.slice(0, offset).match(/\n/g)?.length ?? 0);
}

function firstLine(text: string, offset: number): string {
  const end = text.indexOf('\n', offset);
  const start = text.lastIndexOf('\n', offset) + 1;
  return text.slice(start, end < 0 ? undefined : end).trim();
}

// ---------------------------------------------------------------------------
// Which GITHUB_TOKEN write scopes a step shows it needs.

interface ScopeEvidence {
  actions: readonly string[];
  commands: readonly RegExp[];
}

const GH_API = /\bgh\s+api\b|api\.github\.com/;

/** Per write scope: actions known to use it and shell commands that need it. */
const SCOPE_EVIDENCE: Readonly<Record<string, ScopeEvidence>> = {
  contents: {
    actions: [
      'jupyter-server/jupyter_releaser',
      'jupyter-server/jupyter-releaser',
      'stefanzweifel/git-auto-commit-action',
      'softprops/action-gh-release',
      'ncipollo/release-action',
      'svenstaro/upload-release-action',
      'peter-evans/create-pull-request',
      'EndBug/add-and-commit',
      'ad-m/github-push-action',
      'actions/create-release',
      'actions/upload-release-asset',
      'peaceiris/actions-gh-pages',
      'JamesIves/github-pages-deploy-action',
      'release-drafter/release-drafter',
      'googleapis/release-please-action',
      'changesets/action',
      'jupyterlab/maintainer-tools/.github/actions/update-snapshots',
      'jupyterlab/maintainer-tools/.github/actions/update-snapshots-checkout',
    ],
    commands: [/\bgit\s+push\b/, /\bgh\s+release\b/, GH_API],
  },
  'pull-requests': {
    actions: [
      'actions/labeler',
      'actions/stale',
      'dessant/lock-threads',
      'peter-evans/create-pull-request',
      'peter-evans/create-or-update-comment',
      'marocchino/sticky-pull-request-comment',
      'thollander/actions-comment-pull-request',
      'toshimaru/auto-author-assign',
      'release-drafter/release-drafter',
      'googleapis/release-please-action',
      'changesets/action',
      'jupyterlab/maintainer-tools/.github/actions/enforce-label',
      'jupyterlab/maintainer-tools/.github/actions/binder-link',
      'jupyterlab/maintainer-tools/.github/actions/update-snapshots',
      'jupyterlab/maintainer-tools/.github/actions/update-snapshots-checkout',
      'jupyterlab/maintainer-tools/.github/actions/ui-test-report-comment',
    ],
    commands: [/\bgh\s+pr\b/, /\bcml\s+(?:comment|send-comment|pr)\b/, GH_API],
  },
  issues: {
    actions: [
      'actions/stale',
      'dessant/lock-threads',
      'dessant/support-requests',
      'dessant/label-actions',
      'peter-evans/create-or-update-comment',
      'peter-evans/create-issue-from-file',
      'JasonEtco/create-an-issue',
    ],
    commands: [/\bgh\s+issue\b/, GH_API],
  },
  'id-token': {
    actions: [
      'pypa/gh-action-pypi-publish',
      'jupyter-server/jupyter_releaser/.github/actions/finalize-release',
      'jupyter-server/jupyter-releaser/.github/actions/finalize-release',
      'jupyter-server/jupyter_releaser/.github/actions/publish-release',
      'jupyter-server/jupyter-releaser/.github/actions/publish-release',
      'actions/attest-build-provenance',
      'actions/attest-sbom',
      'actions/attest',
      'actions/deploy-pages',
      'sigstore/gh-action-sigstore-python',
      'ossf/scorecard-action',
      'slsa-framework/slsa-github-generator',
      'google-github-actions/auth',
      'aws-actions/configure-aws-credentials',
      'azure/login',
    ],
    commands: [/\bcosign\s+(?:sign|attest)\b/, /\b(?:npm|pnpm)\s+publish\b/, /\byarn\s+(?:npm\s+)?publish\b/, /\buv\s+publish\b/, /ACTIONS_ID_TOKEN_REQUEST/],
  },
  packages: {
    actions: ['docker/build-push-action', 'docker/login-action'],
    commands: [/\bghcr\.io\b/, /\bdocker\s+push\b/],
  },
  'security-events': {
    actions: ['github/codeql-action'],
    commands: [/code-scanning\/sarifs/],
  },
  pages: { actions: ['actions/deploy-pages'], commands: [] },
  actions: {
    actions: [],
    commands: [/\bgh\s+(?:workflow|run|cache)\b/, GH_API],
  },
  checks: {
    actions: ['EnricoMi/publish-unit-test-result-action', 'mikepenz/action-junit-report', 'dorny/test-reporter', 'LouisBrunner/checks-action'],
    commands: [GH_API],
  },
  statuses: { actions: ['ouzi-dev/commit-status-updater', 'myrotvorets/set-commit-status-action'], commands: [GH_API] },
  deployments: { actions: ['chrnorm/deployment-action', 'bobheadxi/deployments', 'actions/deploy-pages'], commands: [GH_API] },
  discussions: { actions: [], commands: [GH_API] },
};

/**
 * Actions known to need no GITHUB_TOKEN write scope at all. A step using an
 * action in neither table could need anything: the probe then cannot tell and
 * raises nothing (could-not-tell is never scored as bad).
 */
const INERT_ACTIONS: readonly string[] = [
  'actions/checkout',
  'actions/setup-python',
  'actions/setup-node',
  'actions/setup-java',
  'actions/setup-go',
  'actions/setup-dotnet',
  'actions/cache',
  'actions/upload-artifact',
  'actions/download-artifact',
  'actions/create-github-app-token',
  'astral-sh/setup-uv',
  'conda-incubator/setup-miniconda',
  'mamba-org/setup-micromamba',
  'prefix-dev/setup-pixi',
  'pre-commit/action',
  're-actors/alls-green',
  'codecov/codecov-action',
  'sigstore/cosign-installer',
  'docker/setup-buildx-action',
  'docker/setup-qemu-action',
  'iterative/setup-cml',
  'jupyterlab/maintainer-tools/.github/actions/base-setup',
  'jupyterlab/maintainer-tools/.github/actions/make-sdist',
  'jupyterlab/maintainer-tools/.github/actions/test-sdist',
  'jupyterlab/maintainer-tools/.github/actions/check-links',
  'jupyterlab/maintainer-tools/.github/actions/downstream-test',
  'jupyterlab/maintainer-tools/.github/actions/upload-coverage',
  'jupyterlab/maintainer-tools/.github/actions/report-coverage',
  'jupyterlab/maintainer-tools/.github/actions/inline-playwright-report',
];

/** Values that hand the workflow's own token to a step. */
function passesToken(values: readonly NamedValue[]): boolean {
  return values.some((value) => value.value.expressions.some((expression) => /\bgithub\.token\b|\bsecrets\.github_token\b/i.test(expression.text)));
}

export type ScopeNeed = 'needed' | 'not-needed' | 'unknown';

/**
 * Does this step need `scope: write`? `needed` when the step is known to use
 * it, `not-needed` when the step is known not to (or is a plain shell step that
 * neither holds the token nor calls GitHub), `unknown` otherwise.
 * `localActions` lets a `./path` action be looked into.
 */
export function stepNeedsScope(step: Step, scope: string, localActions: ReadonlyMap<string, Workflow>, depth = 0): ScopeNeed {
  const evidence = SCOPE_EVIDENCE[scope];
  if (step.uses?.kind === 'local') {
    const action = localActions.get(step.uses.path.replace(/\/$/, ''));
    if (!action || depth > 4) return 'unknown';
    return combineNeeds(action.jobs.flatMap((job) => job.steps.map((inner) => stepNeedsScope(inner, scope, localActions, depth + 1))));
  }
  if (step.uses && step.uses.kind !== 'action') return 'unknown';
  if (step.uses?.kind === 'action') {
    if (evidence && actionMatches(step.uses, evidence.actions)) return 'needed';
    if (actionMatches(step.uses, ['actions/github-script'])) return 'unknown';
    if (actionMatches(step.uses, INERT_ACTIONS)) return 'not-needed';
    return 'unknown';
  }
  if (step.run) {
    if (evidence && evidence.commands.some((pattern) => pattern.test(step.run!.text))) return 'needed';
    if (passesToken(step.env) || /\bGITHUB_TOKEN\b|\bGH_TOKEN\b/.test(step.run.text)) return 'unknown';
    return 'not-needed';
  }
  return 'not-needed';
}

function combineNeeds(needs: readonly ScopeNeed[]): ScopeNeed {
  if (needs.includes('needed')) return 'needed';
  if (needs.includes('unknown')) return 'unknown';
  return 'not-needed';
}

/** Does the job need `scope: write`? A reusable-workflow call could need anything. */
export function jobNeedsScope(job: Job, scope: string, localActions: ReadonlyMap<string, Workflow>): ScopeNeed {
  if (job.uses) return 'unknown';
  if (passesToken(job.env) && job.steps.some((step) => step.run)) {
    const needs = job.steps.map((step) => stepNeedsScope(step, scope, localActions));
    return needs.includes('needed') ? 'needed' : 'unknown';
  }
  return combineNeeds(job.steps.map((step) => stepNeedsScope(step, scope, localActions)));
}

/** Local actions by their repository path without `/action.yml`, for `uses: ./path`. */
export function localActionIndex(actions: readonly Workflow[]): Map<string, Workflow> {
  return new Map(actions.map((action) => [action.path.replace(/\/?action\.ya?ml$/, ''), action]));
}

// ---------------------------------------------------------------------------
// Permissions helpers.

/** The write scopes a `permissions:` value grants (`*` for write-all, the text for an unreadable value). */
export function writeScopes(permissions: Permissions | null): string[] {
  if (!permissions) return [];
  if (permissions.kind === 'all') return permissions.access === 'write' ? ['*'] : [];
  if (permissions.kind === 'unknown') return [];
  return permissions.scopes.filter((scope) => scope.access === 'write').map((scope) => scope.scope);
}

/** The permissions a job runs with: its own, else the workflow's; null when neither declares any. */
export function effectivePermissions(workflow: Workflow, job: Job): Permissions | null {
  return job.permissions ?? workflow.permissions;
}

/** Does a job's token carry `scope: write`? */
export function grantsWrite(workflow: Workflow, job: Job, scope: string): boolean {
  const scopes = writeScopes(effectivePermissions(workflow, job));
  return scopes.includes('*') || scopes.includes(scope);
}

/** The line where a permission scope is declared, for findings. */
export function scopeLine(permissions: Permissions, scope: string): number {
  if (permissions.kind !== 'scopes') return permissions.line;
  return permissions.scopes.find((item) => item.scope === scope)?.line ?? permissions.line;
}
