import type { RepoFacts } from '../../types.js';
import type { Job, NamedValue, Step, Workflow } from '../../workflows/model.js';
import { actionMatches, grantsWrite, lineInRun } from './actions.js';
import { findFile } from './repo-files.js';
import { repoWorkflows } from './workflows.js';
import { parseJsonLike } from '../../parse-text.js';

/**
 * Where a repository's workflows publish packages to PyPI or npm, and with
 * which credentials. Container registries and conda channels are out of scope:
 * trusted publishing is a PyPI/npm feature.
 */

export type Registry = 'pypi' | 'npm';

/** A long-lived registry credential handed to a workflow: `${{ secrets.NPM_TOKEN }}` and the like. */
export interface RegistryTokenUse {
  file: string;
  line: number;
  /** The secret's name as referenced. */
  secret: string;
  /** Where it goes: `env NPM_TOKEN`, `with password`... */
  via: string;
}

export interface PublishPath {
  registry: Registry;
  file: string;
  line: number;
  job: string;
  /** What publishes: an action name or the command. */
  how: string;
  /** The job's token may request an OIDC token (`id-token: write`). */
  oidc: boolean;
  /** npm build provenance requested (`--provenance`, NPM_CONFIG_PROVENANCE). */
  provenance: boolean;
  /** Long-lived registry credentials visible to the publishing step. */
  tokens: RegistryTokenUse[];
}

const PYPI_ACTIONS = ['pypa/gh-action-pypi-publish'];
const NPM_ACTIONS = ['JS-DevTools/npm-publish'];
/** jupyter_releaser's publishing steps: PyPI always, npm when the repository has npm packages or an npm token. */
const RELEASER_PUBLISH_ACTIONS = [
  'jupyter-server/jupyter_releaser/.github/actions/finalize-release',
  'jupyter-server/jupyter-releaser/.github/actions/finalize-release',
  'jupyter-server/jupyter_releaser/.github/actions/publish-release',
  'jupyter-server/jupyter-releaser/.github/actions/publish-release',
];

const PYPI_COMMANDS: readonly RegExp[] = [
  /\btwine\s+upload\b/,
  /\buv\s+publish\b/,
  /\bflit\s+publish\b/,
  /\bpoetry\s+publish\b/,
  /\bhatch\s+publish\b/,
  /\bpdm\s+publish\b/,
  /\bmaturin\s+(?:publish|upload)\b/,
];
const NPM_COMMANDS: readonly RegExp[] = [
  /\b(?:npm|pnpm)\s+publish\b/,
  /\b(?:yarn|jlpm)\s+(?:npm\s+)?publish\b/,
  /\blerna\s+publish\b/,
  /\bchangeset\s+publish\b/,
];
/** Publishing to a registry on this machine (verdaccio in tests) is not publishing. */
const LOCAL_REGISTRY = /\/\/(?:localhost|127\.0\.0\.1)(?::\d+)?/;

/** Secret names that are PyPI/npm credentials. */
const REGISTRY_SECRET = /pypi|twine|npm|node_auth|yarn_npm_auth/i;
/** Variables and inputs that carry publishing credentials whatever the secret is called. */
const CREDENTIAL_NAMES = new Set([
  'TWINE_PASSWORD',
  'TWINE_USERNAME',
  'NODE_AUTH_TOKEN',
  'NPM_TOKEN',
  'NPM_AUTH_TOKEN',
  'NPM_CONFIG__AUTH',
  'YARN_NPM_AUTH_TOKEN',
  'PYPI_TOKEN',
  'PYPI_API_TOKEN',
  'PYPI_PASSWORD',
  'UV_PUBLISH_TOKEN',
  'UV_PUBLISH_PASSWORD',
  'FLIT_PASSWORD',
  'HATCH_INDEX_AUTH',
  'PDM_PUBLISH_PASSWORD',
  'MATURIN_PYPI_TOKEN',
  'MATURIN_PASSWORD',
  'POETRY_PYPI_TOKEN_PYPI',
  'POETRY_HTTP_BASIC_PYPI_PASSWORD',
]);

function secretsIn(value: NamedValue): string[] {
  const out: string[] = [];
  for (const expression of value.value.expressions) {
    for (const match of expression.text.matchAll(/\bsecrets\.([A-Za-z_][\w-]*)|\bsecrets\[['"]([^'"]+)['"]\]/g)) {
      const name = match[1] ?? match[2];
      if (name && name.toUpperCase() !== 'GITHUB_TOKEN') out.push(name);
    }
  }
  return out;
}

/** Inputs of publishing actions that take a stored credential (pypi-publish `password`, npm-publish `token`). */
const CREDENTIAL_INPUTS = /^(?:password|token|api[-_]?token)$/i;

function tokenUses(file: string, values: readonly NamedValue[], where: string, publishingAction = false): RegistryTokenUse[] {
  const out: RegistryTokenUse[] = [];
  for (const value of values) {
    for (const secret of secretsIn(value)) {
      if (REGISTRY_SECRET.test(secret) || CREDENTIAL_NAMES.has(value.name.toUpperCase()) || (publishingAction && CREDENTIAL_INPUTS.test(value.name))) {
        out.push({ file, line: value.line, secret, via: `${where} ${value.name}` });
      }
    }
  }
  return out;
}

/** What the publishesToPypi / publishesToNpm probes found for their registry. */
export interface PublishingEvidence {
  /** Workflow (or action) files that publish. */
  readonly workflows: readonly string[];
  /** How they publish (`pypa/gh-action-pypi-publish`, `npm publish`...). */
  readonly how: readonly string[];
}

export interface PublishingFacts {
  paths: PublishPath[];
  /** Every registry credential referenced anywhere in the workflows, publishing or not. */
  tokens: RegistryTokenUse[];
}

const cache = new WeakMap<RepoFacts['files'], PublishingFacts>();

export function publishing(facts: Pick<RepoFacts, 'files'>): PublishingFacts {
  const cached = cache.get(facts.files);
  if (cached) return cached;
  const result: PublishingFacts = { paths: [], tokens: [] };
  const npmPackages = hasPublishableNpmPackage(facts);
  for (const workflow of repoWorkflows(facts).workflows) {
    const workflowTokens = tokenUses(workflow.path, workflow.env, 'env');
    append(result.tokens, workflowTokens);
    for (const job of workflow.jobs) {
      const jobTokens = [
        ...tokenUses(workflow.path, job.env, 'env'),
        ...tokenUses(workflow.path, job.with, 'with'),
        ...(Array.isArray(job.secrets) ? tokenUses(workflow.path, job.secrets, 'secrets') : []),
      ];
      append(result.tokens, jobTokens);
      for (const step of job.steps) {
        const stepTokens = [...tokenUses(workflow.path, step.env, 'env'), ...tokenUses(workflow.path, step.with, 'with', actionMatches(step.uses, [...PYPI_ACTIONS, ...NPM_ACTIONS]))];
        append(result.tokens, stepTokens);
        const visible = [...workflowTokens, ...jobTokens, ...stepTokens];
        append(result.paths, stepPublishPaths(workflow, job, step, visible, npmPackages));
      }
    }
  }
  cache.set(facts.files, result);
  return result;
}

/** `target.push(...items)` without spreading: a workflow's env can hold more entries than a call takes arguments. */
function append<T>(target: T[], items: readonly T[]): void {
  for (const item of items) target.push(item);
}

function stepPublishPaths(workflow: Workflow, job: Job, step: Step, visible: RegistryTokenUse[], npmPackages: boolean): PublishPath[] {
  const oidc = grantsWrite(workflow, job, 'id-token');
  const base = { file: workflow.path, job: job.id, oidc };
  const pypiTokens = visible.filter((use) => !/npm|node_auth|yarn/i.test(`${use.secret} ${use.via}`));
  const npmTokens = visible.filter((use) => /npm|node_auth|yarn/i.test(`${use.secret} ${use.via}`));
  const provenance =
    [...step.env, ...job.env, ...workflow.env].some((value) => value.name.toUpperCase() === 'NPM_CONFIG_PROVENANCE' && /true/i.test(value.value.text)) ||
    (step.run !== null && /--provenance\b/.test(step.run.text));
  const out: PublishPath[] = [];
  if (step.uses?.kind === 'action') {
    const name = step.uses.raw.trim();
    if (actionMatches(step.uses, PYPI_ACTIONS)) out.push({ ...base, registry: 'pypi', line: step.uses.line, how: name, provenance: false, tokens: pypiTokens });
    if (actionMatches(step.uses, NPM_ACTIONS)) out.push({ ...base, registry: 'npm', line: step.uses.line, how: name, provenance, tokens: npmTokens });
    if (actionMatches(step.uses, RELEASER_PUBLISH_ACTIONS)) {
      out.push({ ...base, registry: 'pypi', line: step.uses.line, how: name, provenance: false, tokens: pypiTokens });
      if (npmPackages || npmTokens.length > 0) out.push({ ...base, registry: 'npm', line: step.uses.line, how: name, provenance, tokens: npmTokens });
    }
  }
  if (step.run && !LOCAL_REGISTRY.test(step.run.text)) {
    const text = step.run.text;
    for (const [registry, commands, tokens] of [
      ['pypi', PYPI_COMMANDS, pypiTokens],
      ['npm', NPM_COMMANDS, npmTokens],
    ] as const) {
      for (const pattern of commands) {
        const match = pattern.exec(text);
        if (!match) continue;
        out.push({ ...base, registry, line: lineInRun(step, match.index), how: match[0], provenance: registry === 'npm' && provenance, tokens: [...tokens] });
        break;
      }
    }
  }
  return out;
}

/** A root package.json that npm would publish (not `"private": true`), or a workspace root (its packages publish). */
function hasPublishableNpmPackage(facts: Pick<RepoFacts, 'files'>): boolean {
  const file = findFile(facts.files, 'package.json');
  if (!file) return false;
  const manifest: unknown = parseJsonLike(file.text, [], { allowTrailingComma: true });
  if (typeof manifest !== 'object' || manifest === null) return false;
  const record = manifest as Record<string, unknown>;
  return record.private !== true || record.workspaces !== undefined;
}
