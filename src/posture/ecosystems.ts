import type { ParseError } from 'jsonc-parser';
import { parseJsonLike } from './parse-text.js';
import type { RepoFile } from './types.js';

/**
 * Which package ecosystems a repository uses, read from its paths (and, for
 * package.json, its text), named as Dependabot names them in `package-ecosystem`
 * so that a dependabot.yml can be compared directly. `conda` has no update tool
 * that chainwatch knows of (Dependabot and Renovate do not read conda recipes);
 * it is reported so that a report can say so, never counted as "missing".
 */
export const UPDATE_ECOSYSTEMS = [
  'github-actions',
  'pip',
  'npm',
  'docker',
  'docker-compose',
  'gomod',
  'cargo',
  'maven',
  'gradle',
  'bundler',
  'composer',
  'nuget',
  'terraform',
  'gitsubmodule',
  'devcontainers',
  'conda',
] as const;
export type UpdateEcosystem = (typeof UPDATE_ECOSYSTEMS)[number];

/** Ecosystems no dependency-update tool covers: detected, reported, never required. */
export const ECOSYSTEMS_WITHOUT_UPDATE_TOOL: ReadonlySet<UpdateEcosystem> = new Set(['conda']);

export interface EcosystemUse {
  ecosystem: UpdateEcosystem;
  /** The paths that show the ecosystem is used, sorted. */
  evidence: string[];
  /** The directories holding that evidence (`/` for the root), sorted, as Dependabot's `directory` would name them. */
  directories: string[];
}

interface PathRule {
  ecosystem: UpdateEcosystem;
  matches(path: string, name: string): boolean;
}

const PATH_RULES: readonly PathRule[] = [
  {
    ecosystem: 'github-actions',
    matches: (path, name) => /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path) || name === 'action.yml' || name === 'action.yaml',
  },
  {
    ecosystem: 'pip',
    matches: (_path, name) =>
      /^requirements.*\.(txt|in)$/.test(name) ||
      ['pyproject.toml', 'setup.py', 'setup.cfg', 'Pipfile', 'Pipfile.lock', 'poetry.lock', 'uv.lock', 'pdm.lock', 'pylock.toml'].includes(name),
  },
  // package.json is decided by its text (see usesNpm); lockfiles alone are enough.
  { ecosystem: 'npm', matches: (_path, name) => ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml'].includes(name) },
  {
    ecosystem: 'docker',
    matches: (_path, name) => name === 'Dockerfile' || name === 'Containerfile' || /^Dockerfile\.|\.Dockerfile$|\.dockerfile$/i.test(name),
  },
  { ecosystem: 'docker-compose', matches: (_path, name) => /^(docker-)?compose(\.[\w-]+)?\.ya?ml$/.test(name) },
  { ecosystem: 'gomod', matches: (_path, name) => name === 'go.mod' },
  { ecosystem: 'cargo', matches: (_path, name) => name === 'Cargo.toml' },
  { ecosystem: 'maven', matches: (_path, name) => name === 'pom.xml' },
  { ecosystem: 'gradle', matches: (_path, name) => /^(build|settings)\.gradle(\.kts)?$/.test(name) },
  { ecosystem: 'bundler', matches: (_path, name) => name === 'Gemfile' || name === 'Gemfile.lock' || name.endsWith('.gemspec') },
  { ecosystem: 'composer', matches: (_path, name) => name === 'composer.json' },
  { ecosystem: 'nuget', matches: (_path, name) => /\.(csproj|fsproj|vbproj)$/.test(name) || name === 'packages.config' || name === 'Directory.Packages.props' },
  { ecosystem: 'terraform', matches: (_path, name) => name.endsWith('.tf') },
  { ecosystem: 'gitsubmodule', matches: (path) => path === '.gitmodules' },
  { ecosystem: 'devcontainers', matches: (path, name) => name === 'devcontainer.json' || name === '.devcontainer.json' || path.startsWith('.devcontainer/') && name.endsWith('.json') },
  // A conda-forge feedstock's recipe, or an environment file.
  { ecosystem: 'conda', matches: (path, name) => /(^|\/)recipe\/meta\.ya?ml$/.test(path) || /(^|\/)recipe\/recipe\.ya?ml$/.test(path) || /^environment.*\.ya?ml$/.test(name) },
];

/**
 * The ecosystems a repository uses. `files` supplies package.json texts: a
 * package.json counts only when it declares dependencies (a manifest that only
 * describes a package has nothing to update); a lockfile always counts.
 */
export function detectEcosystems(paths: readonly string[], files: readonly RepoFile[] = []): EcosystemUse[] {
  const evidence = new Map<UpdateEcosystem, Set<string>>();
  const add = (ecosystem: UpdateEcosystem, path: string) => {
    let set = evidence.get(ecosystem);
    if (!set) evidence.set(ecosystem, (set = new Set()));
    set.add(path);
  };
  const texts = new Map(files.map((file) => [file.path, file.text]));
  for (const path of paths) {
    if (isIgnoredPath(path)) continue;
    const name = path.slice(path.lastIndexOf('/') + 1);
    for (const rule of PATH_RULES) if (rule.matches(path, name)) add(rule.ecosystem, path);
    if (name === 'package.json' && usesNpm(texts.get(path))) add('npm', path);
  }
  return UPDATE_ECOSYSTEMS.flatMap((ecosystem) => {
    const found = evidence.get(ecosystem);
    if (!found) return [];
    const sorted = [...found].sort();
    return [{ ecosystem, evidence: sorted, directories: [...new Set(sorted.map(directoryOf))].sort() }];
  });
}

/** Paths never counted: vendored dependencies and test fixtures describe other projects. */
function isIgnoredPath(path: string): boolean {
  return /(^|\/)(node_modules|\.git)\//.test(path);
}

function directoryOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '/' : `/${path.slice(0, slash)}`;
}

const DEPENDENCY_KEYS = ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies'] as const;

/**
 * A package.json with dependencies, or whose text is unknown (so that "could
 * not tell" never hides an ecosystem), or that cannot be parsed.
 */
function usesNpm(text: string | undefined): boolean {
  if (text === undefined) return true;
  const errors: ParseError[] = [];
  const manifest: unknown = parseJsonLike(text, errors, { allowTrailingComma: true });
  if (errors.length > 0 || typeof manifest !== 'object' || manifest === null) return true;
  const record = manifest as Record<string, unknown>;
  if (record.workspaces !== undefined) return true;
  return DEPENDENCY_KEYS.some((key) => {
    const value = record[key];
    return typeof value === 'object' && value !== null && Object.keys(value).length > 0;
  });
}

/** Dependabot `package-ecosystem` values → the ecosystem they update (`uv` and `pip` both update Python). */
const DEPENDABOT_ECOSYSTEMS: Readonly<Record<string, UpdateEcosystem>> = {
  'github-actions': 'github-actions',
  pip: 'pip',
  uv: 'pip',
  npm: 'npm',
  bun: 'npm',
  docker: 'docker',
  'docker-compose': 'docker-compose',
  gomod: 'gomod',
  cargo: 'cargo',
  maven: 'maven',
  gradle: 'gradle',
  bundler: 'bundler',
  composer: 'composer',
  nuget: 'nuget',
  terraform: 'terraform',
  gitsubmodule: 'gitsubmodule',
  devcontainers: 'devcontainers',
};

export function dependabotEcosystem(value: string): UpdateEcosystem | null {
  return DEPENDABOT_ECOSYSTEMS[value.trim().toLowerCase()] ?? null;
}

/**
 * Renovate managers → ecosystems. Renovate enables every manager by default
 * except a few opt-in ones (git-submodules among them), so a config without
 * `enabledManagers` covers every ecosystem in this table except those.
 */
const RENOVATE_MANAGERS: Readonly<Record<string, UpdateEcosystem>> = {
  'github-actions': 'github-actions',
  npm: 'npm',
  bun: 'npm',
  pip_requirements: 'pip',
  pip_setup: 'pip',
  'pip-compile': 'pip',
  pipenv: 'pip',
  poetry: 'pip',
  pep621: 'pip',
  pep723: 'pip',
  'setup-cfg': 'pip',
  dockerfile: 'docker',
  'docker-compose': 'docker-compose',
  gomod: 'gomod',
  cargo: 'cargo',
  maven: 'maven',
  gradle: 'gradle',
  bundler: 'bundler',
  composer: 'composer',
  nuget: 'nuget',
  terraform: 'terraform',
  'git-submodules': 'gitsubmodule',
  devcontainer: 'devcontainers',
};

/** Ecosystems a Renovate config covers without naming them. */
export const RENOVATE_DEFAULT_ECOSYSTEMS: ReadonlySet<UpdateEcosystem> = new Set(
  Object.entries(RENOVATE_MANAGERS)
    .filter(([manager]) => manager !== 'git-submodules')
    .map(([, ecosystem]) => ecosystem),
);

export function renovateManagerEcosystem(manager: string): UpdateEcosystem | null {
  return RENOVATE_MANAGERS[manager.trim()] ?? null;
}
